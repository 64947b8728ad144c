import {
  closeSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { silentLogger } from '../src/main/core/base/log';
import { BatchedCandleWriter } from '../src/main/core/store/batched-candle-writer';
import { CANDLE_SQL, CandleRepository } from '../src/main/core/store/candle-repository';
import { databaseFile, openDatabase, type Database } from '../src/main/core/store/database';
import { SeriesRepository } from '../src/main/core/store/series-repository';
import type { CandleUpdate } from '../src/main/core/candles/ports';
import type { Candle, SeriesKey } from '../src/shared/domain/market';
import { percentile, round } from './support/figures';
import { postgresRows } from './support/shared-store-bench';

/**
 * The store's write and read paths side by side (issue 4's targets: the batched writer within 2× of
 * the floor, chart reads under 5 ms with 10 million candles stored).
 * - live mix: 100 streams each closing one 1m candle per minute, interleaved as they arrive;
 * - backfill: one year of 1m candles of one series, in pages of 1,000 like fetchOHLCV returns;
 * - naive: the same rows, one autocommitted INSERT each;
 * - floor: the same rows through one prepared statement in one transaction (the best SQLite does).
 * The 10-million-candle database is built once in the temp folder and reused by later runs.
 * Then the shared store: SQLite and PostgreSQL through the same calls (bench/support/shared-store-bench.ts).
 */

const MINUTE = 60_000;
const T0 = Date.UTC(2023, 0, 1);
const STREAMS = 100;
const LIVE_MINUTES = 2_000;
const NAIVE_ROWS = 20_000;
const BACKFILL_ROWS = 525_600;
const PAGE = 1_000;
const BIG_SERIES = 10;
const BIG_PER_SERIES = 1_000_000;
const READS = 300;
const BIG_DIR = join(tmpdir(), 'candlewatch-bench-10m-v1');
const MAPPED_BYTES = 1024 ** 3;

const key = (i: number): SeriesKey => ({ exchange: 'binance', symbol: `C${i}/USDT`, timeframe: '1m' });

function candle(t: number, price: number): Candle {
  const close = Math.round(price * (1 + (Math.random() - 0.5) * 0.002) * 100) / 100;
  const open = Math.round(price * 100) / 100;
  const high = Math.max(open, close) + Math.round(Math.random() * 500) / 100;
  const low = Math.min(open, close) - Math.round(Math.random() * 500) / 100;
  return [t, open, high, low, close, Math.round(Math.random() * 1e6) / 1e4];
}

/** Interleaved arrivals: minute by minute, one closed candle per stream. */
function liveMix(): CandleUpdate[] {
  const prices = Array.from({ length: STREAMS }, () => 100 + Math.random() * 50_000);
  const updates: CandleUpdate[] = [];
  for (let m = 0; m < LIVE_MINUTES; m++) {
    for (let s = 0; s < STREAMS; s++) {
      updates.push({
        key: key(s),
        closed: [candle(T0 + m * MINUTE, prices[s]!)],
        forming: null,
        origin: 'live',
      });
    }
  }
  return updates;
}

function backfill(): CandleUpdate[] {
  const updates: CandleUpdate[] = [];
  for (let i = 0; i < BACKFILL_ROWS; i += PAGE) {
    const closed = Array.from({ length: Math.min(PAGE, BACKFILL_ROWS - i) }, (_, j) =>
      candle(T0 + (i + j) * MINUTE, 30_000),
    );
    updates.push({ key: key(0), closed, forming: null, origin: 'backfill' });
  }
  return updates;
}

const rowCount = (updates: CandleUpdate[]) => updates.reduce((n, u) => n + u.closed.length, 0);

/** A fresh database in a temp folder, given to `fn` and deleted afterwards. */
async function withFreshDb<T>(fn: (db: Database, series: SeriesRepository) => Promise<T> | T): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), 'cw-bench-store-'));
  const db = openDatabase(dir);
  try {
    return await fn(db, new SeriesRepository(db));
  } finally {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

type Rate = { wall: number; cpu: number };

/** Rows per second of wall time and of CPU time (on a shared machine the second is the steadier). */
async function measure(rows: number, work: () => Promise<void> | void): Promise<Rate> {
  const cpuStart = process.cpuUsage();
  const start = performance.now();
  await work();
  const wallMs = performance.now() - start;
  const cpu = process.cpuUsage(cpuStart);
  return { wall: rows / (wallMs / 1000), cpu: rows / ((cpu.user + cpu.system) / 1e6) };
}

function writerRate(updates: CandleUpdate[]): Promise<Rate> {
  return withFreshDb(async (db, series) => {
    const writer = new BatchedCandleWriter(db, series, new CandleRepository(db, series), silentLogger());
    const rate = await measure(rowCount(updates), async () => {
      for (const u of updates) writer.onUpdate(u);
      await writer.idle();
    });
    if (writer.lastError) throw new Error(`writer failed: ${writer.lastError.message}`);
    writer.close();
    return rate;
  });
}

/** One INSERT statement; `transaction` wraps all rows in one (the floor) or none (naive autocommit). */
function plainRate(updates: CandleUpdate[], transaction: boolean): Promise<Rate> {
  return withFreshDb((db, series) => {
    const ids = new Map<string, number>();
    db.transaction(() => {
      for (const u of updates) if (!ids.has(u.key.symbol)) ids.set(u.key.symbol, series.ensure(u.key));
    })();
    const insert = db.prepare(CANDLE_SQL.insert);
    const insertAll = () => {
      for (const u of updates) {
        const id = ids.get(u.key.symbol)!;
        for (const c of u.closed) insert.run(id, c[0], c[1], c[2], c[3], c[4], c[5]);
      }
    };
    return measure(rowCount(updates), () => (transaction ? db.transaction(insertAll)() : insertAll()));
  });
}

/** The 10-million-candle database, built once with the floor method (about half a minute). */
function bigDatabase(): { db: Database; buildSeconds: number | null } {
  const marker = join(BIG_DIR, 'complete');
  if (existsSync(marker)) return { db: openDatabase(BIG_DIR), buildSeconds: null };
  rmSync(BIG_DIR, { recursive: true, force: true });
  mkdirSync(BIG_DIR, { recursive: true });
  const start = performance.now();
  const db = openDatabase(BIG_DIR);
  const series = new SeriesRepository(db);
  const insert = db.prepare(CANDLE_SQL.insert);
  const CHUNK = 250_000;
  for (let s = 0; s < BIG_SERIES; s++) {
    const id = db.transaction(() => series.ensure(key(s)))();
    let price = 100 + Math.random() * 50_000;
    for (let from = 0; from < BIG_PER_SERIES; from += CHUNK) {
      db.transaction(() => {
        for (let i = from; i < from + CHUNK; i++) {
          const c = candle(T0 + i * MINUTE, price);
          price = c[4];
          insert.run(id, c[0], c[1], c[2], c[3], c[4], c[5]);
        }
        series.adjustCount(id, CHUNK);
      })();
    }
  }
  db.pragma('wal_checkpoint(TRUNCATE)');
  writeFileSync(marker, `${BIG_SERIES * BIG_PER_SERIES} candles\n`);
  return { db, buildSeconds: (performance.now() - start) / 1000 };
}

/** Reads a whole file once, so its pages sit in the operating system's cache. */
function warmFileCache(file: string): void {
  const fd = openSync(file, 'r');
  const chunk = Buffer.allocUnsafe(1 << 20);
  try {
    while (readSync(fd, chunk, 0, chunk.length, null) > 0);
  } finally {
    closeSync(fd);
  }
}

/** Wall time per read, and CPU time: on a loaded machine the gap between them is time spent waiting for a core. */
function readTimes(fn: (i: number) => Candle[], expected: number) {
  for (let i = 0; i < 20; i++) fn(i); // warm the page cache and the statement
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < READS; i++) {
    const cpuStart = process.cpuUsage();
    const start = performance.now();
    const rows = fn(i);
    wall.push(performance.now() - start);
    const used = process.cpuUsage(cpuStart);
    cpu.push((used.user + used.system) / 1000);
    if (rows.length !== expected) throw new Error(`read returned ${rows.length} rows, expected ${expected}`);
  }
  return { median: percentile(wall, 0.5), p95: percentile(wall, 0.95), cpuMedian: percentile(cpu, 0.5) };
}

export async function run(
  flags: Record<string, string> = {},
): Promise<{ name: string; rows: Record<string, unknown>[] }> {
  const live = liveMix();
  const fill = backfill();
  const naiveSample = live.slice(0, NAIVE_ROWS);

  const liveFloor = await plainRate(live, true);
  const liveWriter = await writerRate(live);
  const liveNaive = await plainRate(naiveSample, false);
  const fillFloor = await plainRate(fill, true);
  const fillWriter = await writerRate(fill);

  const writes = (name: string, rows: number, rate: Rate, floor: Rate) => ({
    case: name,
    rows,
    'rows/s': round(rate.wall),
    'floor ÷ this': round(floor.wall / rate.wall, 2),
    'rows/cpu-s': round(rate.cpu),
    'floor ÷ this (cpu)': round(floor.cpu / rate.cpu, 2),
    target: name.startsWith('batched writer') ? '≤ 2' : '',
  });

  // PostgreSQL next to SQLite through the same shared-store calls, and two collectors' CPU
  // (--cluster-streams N, default 1,000; --cluster-seconds S, default 20; --cluster-streams 0 skips).
  const shared = await postgresRows(flags);

  const { db, buildSeconds } = bigDatabase();
  const series = new SeriesRepository(db);
  const candles = new CandleRepository(db, series);
  const stored = (db.prepare('SELECT sum(candle_count) FROM series').pluck().get() as number) ?? 0;
  const chartReads = () => ({
    lastN: readTimes((i) => candles.recent(key(i % BIG_SERIES), 1_000), 1_000),
    before: readTimes((i) => {
      // A scroll-back position anywhere in the series' history.
      const at = T0 + (10_000 + Math.floor(Math.random() * (BIG_PER_SERIES - 10_000))) * MINUTE;
      return candles.before(key(i % BIG_SERIES), at, 5_000);
    }, 5_000),
  });
  // Both settings read through the operating system's file cache: fill it first, or whichever runs
  // first pays the disk for both.
  warmFileCache(databaseFile(BIG_DIR));
  const unmapped = chartReads();
  // The same reads through a 1 GB memory map, the store's setting until it cost the app its RSS
  // (store/database.ts): what the bounded page cache costs a chart, in the same run.
  db.pragma(`mmap_size = ${MAPPED_BYTES}`);
  const mapped = chartReads();
  db.close();

  const reads = (name: string, t: ReturnType<typeof readTimes>) => ({
    case: name,
    rows: stored,
    'median ms': round(t.median, 2),
    'p95 ms': round(t.p95, 2),
    'cpu median ms': round(t.cpuMedian, 2),
    target: '< 5 ms',
  });

  return {
    name: 'store',
    rows: [
      writes('floor: one transaction, live mix', rowCount(live), liveFloor, liveFloor),
      writes('batched writer, live mix (100 streams)', rowCount(live), liveWriter, liveFloor),
      writes('naive: one insert per candle, live mix', NAIVE_ROWS, liveNaive, liveFloor),
      writes('floor: one transaction, 1y of 1m', rowCount(fill), fillFloor, fillFloor),
      writes('batched writer, backfill 1y of 1m', rowCount(fill), fillWriter, fillFloor),
      reads('read last 1,000', unmapped.lastN),
      reads('read 5,000 before a time', unmapped.before),
      reads('read last 1,000, file mapped (earlier setting)', mapped.lastN),
      reads('read 5,000 before a time, file mapped (earlier setting)', mapped.before),
      ...shared,
      ...(buildSeconds === null
        ? []
        : [{ case: '(built the 10M database once)', seconds: round(buildSeconds, 1) }]),
    ],
  };
}

import BetterSqlite3, { type Database } from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { round } from './support/figures';

/**
 * Why the candles table looks the way it does (docs/storage.md): the same workloads against four
 * layouts — a rowid table with a (series_id, open_time) primary-key index, a WITHOUT ROWID table
 * clustered on that key, each with prices as REAL or as integers scaled by 1e8.
 * WAL frames are counted with auto-checkpoint off, so they are every page each layout wrote.
 */

type Layout = { name: string; ddl: string; scaled: boolean };

const SCALE = 1e8;

/** The candles table with prices as `price` columns, clustered on its key or not. */
function candlesDdl(price: 'REAL' | 'INTEGER', withoutRowid: boolean): string {
  const prices = ['open', 'high', 'low', 'close', 'volume'].map((c) => `${c} ${price} NOT NULL`).join(', ');
  return `CREATE TABLE candles (series_id INTEGER NOT NULL, open_time INTEGER NOT NULL, ${prices},
    PRIMARY KEY (series_id, open_time))${withoutRowid ? ' WITHOUT ROWID' : ''}`;
}

const layouts: Layout[] = [false, true].flatMap((scaled) =>
  [false, true].map((withoutRowid) => ({
    name: `${withoutRowid ? 'WITHOUT ROWID' : 'rowid'}, ${scaled ? 'INTEGER ×1e8' : 'REAL'} prices`,
    scaled,
    ddl: candlesDdl(scaled ? 'INTEGER' : 'REAL', withoutRowid),
  })),
);

const SERIES = 100;
const PREFILL_PER_SERIES = 10_000;
const LIVE_COMMITS = 1_000;
const BACKFILL_ROWS = 525_600;
const BACKFILL_BATCH = 5_000;
const MINUTE = 60_000;
const T0 = Date.UTC(2024, 0, 1);

type Row = [number, number, number, number, number, number, number];

/** A random walk with cent prices and 4-decimal volumes, like a BTC/USDT 1m series. */
function makeCandle(seriesId: number, openTime: number, price: number, scaled: boolean): Row {
  const open = Math.round(price * 100) / 100;
  const close = Math.round(price * (1 + (Math.random() - 0.5) * 0.002) * 100) / 100;
  const high = Math.max(open, close) + Math.round(Math.random() * 2000) / 100;
  const low = Math.min(open, close) - Math.round(Math.random() * 2000) / 100;
  const volume = Math.round(Math.random() * 1e6) / 1e4;
  const v = [open, high, low, close, volume].map((x) => (scaled ? Math.round(x * SCALE) : x));
  return [seriesId, openTime, v[0]!, v[1]!, v[2]!, v[3]!, v[4]!];
}

function walFrames(db: Database): number {
  const [row] = db.pragma('wal_checkpoint(PASSIVE)') as { log: number }[];
  return row?.log ?? 0;
}

function measureLayout(layout: Layout, dir: string): Record<string, unknown> {
  const file = join(dir, `${layout.name.replace(/\W+/g, '-')}.sqlite`);
  const db = new BetterSqlite3(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.exec(layout.ddl);
  const insert = db.prepare<Row>('INSERT OR IGNORE INTO candles VALUES (?, ?, ?, ?, ?, ?, ?)');
  const insertMany = db.transaction((rows: Row[]) => {
    for (const r of rows) insert.run(...r);
  });

  // Prefill in time order across series, as a running instance would have written it.
  const prices = Array.from({ length: SERIES }, () => 20_000 + Math.random() * 50_000);
  let rows: Row[] = [];
  for (let i = 0; i < PREFILL_PER_SERIES; i++) {
    for (let s = 1; s <= SERIES; s++)
      rows.push(makeCandle(s, T0 + i * MINUTE, prices[s - 1]!, layout.scaled));
    if (rows.length >= 50_000) {
      insertMany(rows);
      rows = [];
    }
  }
  insertMany(rows);
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.pragma('wal_autocheckpoint = 0');

  // Live mix: every commit closes one candle on each of the 100 series.
  const liveBatches: Row[][] = [];
  for (let i = 0; i < LIVE_COMMITS; i++) {
    const t = T0 + (PREFILL_PER_SERIES + i) * MINUTE;
    liveBatches.push(
      Array.from({ length: SERIES }, (_, s) => makeCandle(s + 1, t, prices[s]!, layout.scaled)),
    );
  }
  let start = performance.now();
  for (const batch of liveBatches) insertMany(batch);
  const liveMs = performance.now() - start;
  const liveFrames = walFrames(db);
  db.pragma('wal_checkpoint(TRUNCATE)');

  // Backfill: one year of 1m candles of a new series, in writer-sized transactions.
  const backfill: Row[] = [];
  for (let i = 0; i < BACKFILL_ROWS; i++)
    backfill.push(makeCandle(SERIES + 1, T0 + i * MINUTE, 30_000, layout.scaled));
  start = performance.now();
  for (let i = 0; i < backfill.length; i += BACKFILL_BATCH) insertMany(backfill.slice(i, i + BACKFILL_BATCH));
  const backfillMs = performance.now() - start;
  const backfillFrames = walFrames(db);
  db.pragma('wal_checkpoint(TRUNCATE)');

  // Chart reads on a series in the middle of the table.
  const last = db.prepare('SELECT * FROM candles WHERE series_id = ? ORDER BY open_time DESC LIMIT ?').raw();
  const before = db
    .prepare('SELECT * FROM candles WHERE series_id = ? AND open_time < ? ORDER BY open_time DESC LIMIT ?')
    .raw();
  const readMs = (fn: () => unknown) => {
    for (let i = 0; i < 5; i++) fn();
    const t = performance.now();
    for (let i = 0; i < 50; i++) fn();
    return (performance.now() - t) / 50;
  };
  const last1000 = readMs(() => last.all(50, 1000));
  const before5000 = readMs(() => before.all(50, T0 + 9_000 * MINUTE, 5000));

  const totalRows = (db.prepare('SELECT count(*) AS n FROM candles').get() as { n: number }).n;
  const pageSize = db.pragma('page_size', { simple: true }) as number;
  const pages = db.pragma('page_count', { simple: true }) as number;
  db.close();
  return {
    layout: layout.name,
    'live rows/s': Math.round((LIVE_COMMITS * SERIES) / (liveMs / 1000)),
    'live WAL pages/commit': round(liveFrames / LIVE_COMMITS, 1),
    'backfill rows/s': Math.round(BACKFILL_ROWS / (backfillMs / 1000)),
    'backfill WAL pages': backfillFrames,
    'bytes/row': round((pages * pageSize) / totalRows, 1),
    'last 1,000 ms': round(last1000, 3),
    '5,000 before ms': round(before5000, 3),
  };
}

export async function run(): Promise<{ name: string; rows: Record<string, unknown>[] }> {
  const dir = mkdtempSync(join(tmpdir(), 'cw-bench-layout-'));
  try {
    const rows = layouts.map((l) => measureLayout(l, dir));
    const base = rows[0]!;
    for (const r of rows) {
      r['live ×'] = round((r['live rows/s'] as number) / (base['live rows/s'] as number), 2);
      r['WAL pages ×'] = round(
        (r['live WAL pages/commit'] as number) / (base['live WAL pages/commit'] as number),
        2,
      );
      r['size ×'] = round((r['bytes/row'] as number) / (base['bytes/row'] as number), 2);
    }
    return { name: 'store-layout', rows };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

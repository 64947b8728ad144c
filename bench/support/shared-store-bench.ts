import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { openDatabase } from '../../src/main/core/store/database';
import { openPgStore } from '../../src/main/core/store/postgres/pg-store';
import type { SeriesCandles, SharedStore } from '../../src/main/core/store/shared-store';
import { sqliteSharedStore } from '../../src/main/core/store/sqlite-shared-store';
import type { Candle } from '../../src/shared/domain/market';
import { startFakeExchange } from '../../tests/support/fake-exchange';
import { startCollector, type HeadlessNode } from '../../tests/support/headless-node';
import {
  postgresUnavailableReason,
  startPostgres,
  type PostgresCluster,
} from '../../tests/support/postgres-cluster';
import { percentile, round } from './figures';

const MINUTE = 60_000;
const T0 = Date.UTC(2023, 0, 1);
const STREAMS = 100;
const MINUTES = 300;
const BACKFILL_PAGES = 20;
const PAGE = 5_000;

const candle = (t: number, i: number): Candle => {
  const p = 100 + (i % 500) + ((t / MINUTE) % 97);
  return [t, p, p + 1.5, p - 0.5, p + 0.25, 10 + (i % 7)];
};

/**
 * The write mix of a collector as the writers flush it: each minute, one closed candle from each of
 * 100 streams in one batch (the live flush), then a backfill in batches of 5,000 rows of one series.
 */
function writeMix(): SeriesCandles[][] {
  const batches: SeriesCandles[][] = [];
  for (let m = 0; m < MINUTES; m++) {
    batches.push(
      Array.from({ length: STREAMS }, (_, s) => ({
        key: { exchange: 'binance', symbol: `C${s}/USDT`, timeframe: '1m' },
        candles: [candle(T0 + m * MINUTE, s)],
      })),
    );
  }
  for (let p = 0; p < BACKFILL_PAGES; p++) {
    const candles = Array.from({ length: PAGE }, (_, i) => candle(T0 + (p * PAGE + i) * MINUTE, 7));
    batches.push([{ key: { exchange: 'binance', symbol: 'BACKFILL/USDT', timeframe: '1m' }, candles }]);
  }
  return batches;
}

async function writeFigures(name: string, store: SharedStore, batches: SeriesCandles[][]) {
  const latencies: number[] = [];
  let rows = 0;
  const cpuStart = process.cpuUsage();
  const start = performance.now();
  for (const batch of batches) {
    const t = performance.now();
    rows += (await store.candles.writeClosed(batch)).inserted;
    latencies.push(performance.now() - t);
  }
  const wall = (performance.now() - start) / 1000;
  const cpu = process.cpuUsage(cpuStart);
  const live = latencies.slice(0, MINUTES);
  return {
    case: `shared store writes: ${name}`,
    rows,
    'rows/s': round(rows / wall),
    'p99 live flush ms (100 rows)': round(percentile(live, 0.99), 2),
    'p99 backfill flush ms (5,000 rows)': round(percentile(latencies.slice(MINUTES), 0.99), 2),
    'bench process cpu-s': round((cpu.user + cpu.system) / 1e6, 2),
  };
}

/** SQLite and PostgreSQL through the same SharedStore calls, the same batches. */
export async function sharedStoreWrites(pgUrl: string | null): Promise<Record<string, unknown>[]> {
  const batches = writeMix();
  const dir = mkdtempSync(join(tmpdir(), 'cw-bench-shared-'));
  const rows: Record<string, unknown>[] = [];
  try {
    const sqlite = sqliteSharedStore(openDatabase(dir));
    rows.push(await writeFigures('SQLite (local file, WAL)', sqlite, batches));
    await sqlite.close();
    if (pgUrl) {
      const store = await openPgStore(pgUrl);
      rows.push(await writeFigures('PostgreSQL (127.0.0.1, one unnest() upsert per flush)', store, batches));
      await store.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return rows;
}

/** user + system CPU seconds of a process so far, from /proc (Linux). */
function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  // utime and stime are fields 14 and 15 of stat, 12 and 13 after "pid (comm) ".
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

const pause = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/**
 * Two headless collectors (real processes) sharing one PostgreSQL and `streams` 1m streams of the
 * fake exchange: once the leases have split the streams and the warm-up backfill is written, each
 * node's CPU is sampled over `seconds`.
 */
export async function clusterCpu(cluster: PostgresCluster, streams: number, seconds: number) {
  const url = await cluster.createDatabase('bench_cluster');
  const symbols = Array.from({ length: streams }, (_, i) => `C${String(i).padStart(4, '0')}/USDT`);
  const fake = await startFakeExchange({ symbols, updateIntervalMs: 1_000, historyMs: 86_400_000 });
  const dir = mkdtempSync(join(tmpdir(), 'cw-bench-cluster-'));
  const nodes: HeadlessNode[] = [];
  const db = new pg.Client({ connectionString: url });
  try {
    const config = join(dir, 'config.json');
    writeFileSync(
      config,
      JSON.stringify({
        exchanges: { binance: { enabled: true, sandbox: false, ccxt: fake.ccxtJsonConfig() } },
        watchlist: symbols.map((symbol) => ({ exchange: 'binance', symbol, timeframes: ['1m'] })),
      }),
    );
    for (const name of ['a', 'b']) {
      nodes.push(await startCollector({ dir, name, config, store: url, logLevel: 'error' }));
    }
    await db.connect();
    // Settled: every stream leased and every series has its warm-up stored — or two minutes passed
    // (on a loaded machine the warm-up of 1,000 series over REST takes longer; the table says how many).
    const settled = async () =>
      (
        await db.query<{ leased: number; warmed: number }>(
          `SELECT (SELECT count(*)::int FROM stream_leases WHERE owner IS NOT NULL) AS leased,
                  (SELECT count(*)::int FROM series WHERE candle_count > 0) AS warmed`,
        )
      ).rows[0]!;
    const settleStart = Date.now();
    for (let round = 0; ; round++) {
      const r = await settled();
      if ((r.leased === streams && r.warmed === streams) || Date.now() - settleStart >= 120_000) break;
      if (round % 20 === 0) console.error(`cluster bench: settling ${JSON.stringify(r)}`);
      await pause(500);
    }
    const before = nodes.map((n) => cpuSeconds(n.pid));
    const start = performance.now();
    await pause(seconds * 1_000);
    const wall = (performance.now() - start) / 1000;
    const { warmed } = await settled();
    const owned = await db.query<{ owner: string; n: number }>(
      'SELECT owner, count(*)::int AS n FROM stream_leases GROUP BY owner ORDER BY owner',
    );
    return nodes.map((n, i) => ({
      case: `collector ${['a', 'b'][i]} of 2, ${streams} streams in all`,
      streams: owned.rows.find((r) => r.owner === ['a', 'b'][i])?.n ?? 0,
      'series warmed (both)': warmed,
      seconds: round(wall, 1),
      'cpu % of one core': round(((cpuSeconds(n.pid) - before[i]!) / wall) * 100, 1),
    }));
  } finally {
    await db.end().catch(() => undefined);
    await Promise.all(nodes.map((n) => n.stop()));
    await fake.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The PostgreSQL rows of `npm run bench -- store`, or one row saying why they are missing. */
export async function postgresRows(flags: Record<string, string>): Promise<Record<string, unknown>[]> {
  const reason = postgresUnavailableReason();
  if (reason) return [...(await sharedStoreWrites(null)), { case: `PostgreSQL: ${reason}` }];
  const cluster = await startPostgres();
  try {
    const rows = await sharedStoreWrites(await cluster.createDatabase('bench_writes'));
    const streams = Number(flags['cluster-streams'] ?? 1_000);
    const seconds = Number(flags['cluster-seconds'] ?? 20);
    if (streams > 0) rows.push(...(await clusterCpu(cluster, streams, seconds)));
    return rows;
  } finally {
    await cluster.stop();
  }
}

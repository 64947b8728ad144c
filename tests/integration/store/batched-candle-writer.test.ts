import BetterSqlite3 from 'better-sqlite3';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { BatchedCandleWriter } from '../../../src/main/core/store/batched-candle-writer';
import { databaseFile } from '../../../src/main/core/store/database';
import type { Candle } from '../../../src/shared/domain/market';
import {
  BTC_1M,
  closeTestStore,
  ETH_1M,
  makeCandles,
  openTestStore,
  recordingLogger,
  T0,
  type TestStore,
} from './store-fixtures';

let store: TestStore | undefined;
let writer: BatchedCandleWriter | undefined;
afterEach(() => {
  vi.useRealTimers();
  try {
    writer?.close();
  } catch {
    // a test that leaves the database unwritable has already checked what it needed
  }
  writer = undefined;
  closeTestStore(store);
});

const setup = (opts: ConstructorParameters<typeof BatchedCandleWriter>[4] = {}) => {
  store = openTestStore();
  const { log, records } = recordingLogger();
  writer = new BatchedCandleWriter(store.db, store.series, store.candles, log, opts);
  return { store, writer, records };
};

const stored = (key = BTC_1M) => store!.candles.recent(key, 1_000_000);

describe('BatchedCandleWriter', () => {
  it('queues off the hot path and commits once the interval has passed', () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setImmediate', 'clearImmediate'] });
    const { writer } = setup({ intervalMs: 250, maxBatchRows: 1_000 });
    const candles = makeCandles(T0, 3);
    for (const c of candles) writer.onUpdate({ key: BTC_1M, closed: [c], forming: null, origin: 'live' });
    expect(stored()).toEqual([]);
    expect(writer.pending).toBe(3);
    vi.advanceTimersByTime(249);
    expect(stored()).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(stored()).toEqual(candles);
    expect(writer.pending).toBe(0);
  });

  it('commits early once maxBatchRows are queued, and a backfill in slices of that size', () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setImmediate', 'clearImmediate', 'Date'] });
    const { writer } = setup({ intervalMs: 60_000, maxBatchRows: 100 });
    const commits: number[] = [];
    const start = Date.now();
    writer.enqueue(BTC_1M, makeCandles(T0, 250));
    expect(stored()).toEqual([]);
    vi.advanceTimersToNextTimer(); // setImmediate: first slice
    commits.push(stored().length);
    vi.advanceTimersToNextTimer();
    commits.push(stored().length);
    vi.advanceTimersToNextTimer();
    commits.push(stored().length);
    expect(commits).toEqual([100, 200, 250]);
    expect(writer.pending).toBe(0);
    expect(Date.now() - start).toBeLessThan(60_000);
  });

  it('never stores the forming candle', async () => {
    const { writer } = setup({ intervalMs: 1 });
    const [closed, forming] = makeCandles(T0, 2) as [Candle, Candle];
    writer.onUpdate({ key: BTC_1M, closed: [closed], forming, origin: 'live' });
    writer.onUpdate({ key: BTC_1M, closed: [], forming, origin: 'live' });
    await writer.idle();
    expect(stored()).toEqual([closed]);
  });

  it('writes everything queued on flush, across series', () => {
    const { writer } = setup({ intervalMs: 60_000 });
    writer.enqueue(BTC_1M, makeCandles(T0, 5));
    writer.enqueue(ETH_1M, makeCandles(T0, 7));
    writer.flush();
    expect(stored(BTC_1M)).toHaveLength(5);
    expect(stored(ETH_1M)).toHaveLength(7);
    expect(store!.series.all().map((s) => s.candleCount)).toEqual([5, 7]);
  });

  it('logs a changed closed candle as a data anomaly and keeps the stored one', async () => {
    const { writer, records } = setup({ intervalMs: 1 });
    const [c] = makeCandles(T0, 1) as [Candle];
    writer.enqueue(BTC_1M, [c]);
    await writer.idle();
    writer.enqueue(BTC_1M, [[...c]]); // identical: silent no-op
    writer.enqueue(BTC_1M, [[c[0], c[1], c[2], c[3], c[4] + 1, c[5]]]);
    await writer.idle();
    expect(stored()).toEqual([c]);
    expect(writer.anomalies).toBe(1);
    const anomaly = records.filter((r) => r.msg.startsWith('data anomaly'));
    expect(anomaly).toHaveLength(1);
    expect(anomaly[0]!.data).toMatchObject({ series: 'binance|BTC/USDT|1m', openTime: T0 });
  });

  it('reports a candle with a non-finite value and still writes the others', async () => {
    const { writer, records } = setup({ intervalMs: 1 });
    const [a, b] = makeCandles(T0, 2) as [Candle, Candle];
    writer.enqueue(BTC_1M, [a, [b[0], b[1], b[2], b[3], b[4], Number.NaN], b]);
    await writer.idle();
    expect(stored()).toEqual([a, b]);
    expect(records.some((r) => r.level === 'warn' && /non-finite/.test(r.msg))).toBe(true);
  });

  it('keeps rows queued while the database is locked, reports it, and writes them once it is free', async () => {
    const { writer, records } = setup({ intervalMs: 1, retryMinMs: 5, retryMaxMs: 20 });
    store!.db.pragma('busy_timeout = 0'); // fail at once instead of waiting 5 s on the lock
    const other = new BetterSqlite3(databaseFile(store!.dir.path));
    other.exec('BEGIN IMMEDIATE');
    const candles = makeCandles(T0, 20);
    writer.enqueue(BTC_1M, candles);
    await vi.waitFor(() => expect(writer.lastError?.code).toBe('SQLITE_BUSY'));
    expect(writer.pending).toBe(20);
    expect(records.some((r) => r.level === 'error' && r.data?.code === 'SQLITE_BUSY')).toBe(true);
    other.exec('COMMIT');
    other.close();
    await writer.idle();
    expect(stored()).toEqual(candles);
    expect(writer.lastError).toBeNull();
    expect(records.some((r) => r.msg === 'candle writes recovered')).toBe(true);
  });

  it('keeps rows queued when the disk is full and writes them once there is room', async () => {
    const { writer } = setup({ intervalMs: 1, retryMinMs: 5, retryMaxMs: 20 });
    writer.enqueue(BTC_1M, makeCandles(T0, 10));
    await writer.idle();
    // max_page_count at the current size makes SQLite answer SQLITE_FULL, like a full disk.
    const pages = store!.db.pragma('page_count', { simple: true }) as number;
    store!.db.pragma(`max_page_count = ${pages}`);
    const more = makeCandles(T0 + 10 * 60_000, 5_000);
    writer.enqueue(BTC_1M, more);
    await vi.waitFor(() => expect(writer.lastError?.code).toBe('SQLITE_FULL'));
    expect(writer.pending).toBe(5_000);
    expect(stored()).toHaveLength(10);
    store!.db.pragma('max_page_count = 1073741823');
    await writer.idle();
    expect(stored()).toHaveLength(5_010);
    expect(writer.lastError).toBeNull();
  });

  it('throws from flush when the write fails, keeping the rows for the retry', () => {
    const { writer } = setup({ intervalMs: 60_000, retryMinMs: 60_000 });
    store!.db.pragma('busy_timeout = 0');
    const other = new BetterSqlite3(databaseFile(store!.dir.path));
    other.exec('BEGIN IMMEDIATE');
    writer.enqueue(BTC_1M, makeCandles(T0, 3));
    expect(() => writer.flush()).toThrow(/locked/);
    expect(writer.pending).toBe(3);
    other.exec('ROLLBACK');
    other.close();
    writer.flush();
    expect(stored()).toHaveLength(3);
  });

  it('refuses rows after close and says so', () => {
    const { writer, records } = setup();
    writer.enqueue(BTC_1M, makeCandles(T0, 2));
    writer.close();
    expect(stored()).toHaveLength(2);
    writer.enqueue(BTC_1M, makeCandles(T0 + 120_000, 1));
    expect(writer.pending).toBe(0);
    expect(records.some((r) => r.level === 'error' && /after the writer was closed/.test(r.msg))).toBe(true);
  });
});

import { afterEach, describe, expect, it, vi } from 'vitest';
import { RetentionPruner, type RetentionPolicy } from '../../../src/main/core/store/retention-pruner';
import { DEFAULT_RETENTION_DAYS } from '../../../src/shared/domain/settings';
import type { SeriesKey } from '../../../src/shared/domain/market';
import {
  closeTestStore,
  makeCandles,
  openTestStore,
  recordingLogger,
  type TestStore,
} from './store-fixtures';

const DAY = 86_400_000;
const NOW = Date.UTC(2025, 0, 10);
const key = (timeframe: string): SeriesKey => ({ exchange: 'binance', symbol: 'BTC/USDT', timeframe });

let store: TestStore | undefined;
let pruner: RetentionPruner | undefined;
afterEach(() => {
  vi.useRealTimers();
  pruner?.stop();
  closeTestStore(store);
});

/** Stores `days` days of candles ending at NOW, `perDay` of them per day. */
const fill = (s: TestStore, timeframe: string, days: number, perDay: number) => {
  const step = DAY / perDay;
  s.db.transaction(() =>
    s.candles.insertClosed(
      s.series.ensure(key(timeframe)),
      makeCandles(NOW - days * DAY, days * perDay, step),
      () => {},
    ),
  )();
};

const setup = (policy: RetentionPolicy, batchRows = 50) => {
  store = openTestStore();
  const { log, records } = recordingLogger();
  pruner = new RetentionPruner(store.db, store.series, store.candles, () => policy, log, {
    batchRows,
    intervalMs: 60_000,
    initialDelayMs: 0,
    now: () => NOW,
  });
  return { store, pruner, records };
};

describe('RetentionPruner', () => {
  it('keeps 1s for 2 days and 1m for a year by default, other timeframes forever', () => {
    const { store, pruner } = setup(DEFAULT_RETENTION_DAYS, 10_000);
    fill(store, '1s', 4, 24); // hourly points stand in for 1s candles: only open times matter here
    fill(store, '1m', 400, 2);
    fill(store, '1h', 800, 1);
    while (pruner.pruneBatch() > 0);
    expect(store.candles.storedRange(key('1s'))).toEqual({
      first: NOW - 2 * DAY,
      last: NOW - DAY / 24,
      count: 48,
    });
    expect(store.candles.storedRange(key('1m'))?.first).toBe(NOW - 365 * DAY);
    expect(store.candles.storedRange(key('1m'))?.count).toBe(730);
    expect(store.candles.storedRange(key('1h'))?.count).toBe(800);
  });

  it('deletes in batches of at most batchRows and follows a changed policy', () => {
    let policy: RetentionPolicy = { '1m': 10 };
    store = openTestStore();
    pruner = new RetentionPruner(store.db, store.series, store.candles, () => policy, recordingLogger().log, {
      batchRows: 25,
      now: () => NOW,
    });
    fill(store, '1m', 20, 10);
    const batches: number[] = [];
    for (let n = pruner.pruneBatch(); n > 0; n = pruner.pruneBatch()) batches.push(n);
    expect(batches).toEqual([25, 25, 25, 25]);
    expect(store.candles.storedRange(key('1m'))?.count).toBe(100);
    policy = { '1m': null }; // null: keep forever
    expect(pruner.pruneBatch()).toBe(0);
    policy = { '1m': 5 };
    expect(pruner.pruneBatch()).toBe(25);
  });

  it('runs on its timer, yielding between batches, and logs what a pass removed', () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setImmediate', 'clearImmediate'] });
    const { store, pruner, records } = setup({ '1m': 1 }, 50);
    fill(store, '1m', 3, 100);
    pruner.start();
    const counts: (number | undefined)[] = [];
    for (let i = 0; i < 5; i++) {
      vi.advanceTimersToNextTimer(); // the first timer, then batches chained through setImmediate
      counts.push(store.candles.storedRange(key('1m'))?.count);
    }
    expect(counts).toEqual([250, 200, 150, 100, 100]);
    expect(records.find((r) => r.msg === 'retention removed expired candles')?.data).toEqual({
      candles: 200,
    });
  });
});

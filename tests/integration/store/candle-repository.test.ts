import { afterEach, describe, expect, it } from 'vitest';
import { CANDLE_SQL, type CandleAnomaly } from '../../../src/main/core/store/candle-repository';
import type { Candle } from '../../../src/shared/domain/market';
import {
  BTC_1M,
  closeTestStore,
  ETH_1M,
  makeCandles,
  MINUTE,
  openTestStore,
  T0,
  type TestStore,
} from './store-fixtures';

let store: TestStore | undefined;
afterEach(() => closeTestStore(store));

const insert = (s: TestStore, candles: Candle[], key = BTC_1M) => {
  const anomalies: CandleAnomaly[] = [];
  const inserted = s.db.transaction(() =>
    s.candles.insertClosed(s.series.ensure(key), candles, (a) => anomalies.push(a)),
  )();
  return { inserted, anomalies };
};

describe('CandleRepository writes', () => {
  it('stores closed candles once: an identical re-fetch is a no-op', () => {
    store = openTestStore();
    const candles = makeCandles(T0, 10);
    expect(insert(store, candles).inserted).toBe(10);
    expect(insert(store, candles.slice(5))).toEqual({ inserted: 0, anomalies: [] });
    expect(store.candles.recent(BTC_1M, 100)).toEqual(candles);
    expect(store.candles.storedRange(BTC_1M)).toEqual({ first: T0, last: T0 + 9 * MINUTE, count: 10 });
  });

  it('keeps the stored candle and reports an anomaly when a closed candle comes back different', () => {
    store = openTestStore();
    const [original] = makeCandles(T0, 1) as [Candle];
    insert(store, [original]);
    const changed: Candle = [T0, original[1], original[2] + 10, original[3], original[4], original[5]];
    const { inserted, anomalies } = insert(store, [changed]);
    expect(inserted).toBe(0);
    expect(anomalies).toEqual([{ seriesId: store.series.find(BTC_1M), stored: original, received: changed }]);
    expect(store.candles.recent(BTC_1M, 1)).toEqual([original]);
  });

  it('keeps series apart', () => {
    store = openTestStore();
    insert(store, makeCandles(T0, 3), BTC_1M);
    insert(store, makeCandles(T0, 5), ETH_1M);
    expect(store.candles.recent(BTC_1M, 100)).toHaveLength(3);
    expect(store.candles.recent(ETH_1M, 100)).toHaveLength(5);
    expect(store.series.all().map((s) => [s.symbol, s.candleCount])).toEqual([
      ['BTC/USDT', 3],
      ['ETH/USDT', 5],
    ]);
  });

  it('deletes the oldest candles before a cutoff, at most `limit` at a time, and keeps the count', () => {
    store = openTestStore();
    insert(store, makeCandles(T0, 10));
    const id = store.series.find(BTC_1M)!;
    const cutoff = T0 + 7 * MINUTE;
    expect(store.db.transaction(() => store!.candles.deleteOlderThan(id, cutoff, 4))()).toBe(4);
    expect(store.candles.storedRange(BTC_1M)).toEqual({
      first: T0 + 4 * MINUTE,
      last: T0 + 9 * MINUTE,
      count: 6,
    });
    expect(store.db.transaction(() => store!.candles.deleteOlderThan(id, cutoff, 4))()).toBe(3);
    expect(store.db.transaction(() => store!.candles.deleteOlderThan(id, cutoff, 4))()).toBe(0);
    expect(store.candles.storedRange(BTC_1M)).toEqual({ first: cutoff, last: T0 + 9 * MINUTE, count: 3 });
  });
});

describe('CandleRepository reads', () => {
  const withHistory = () => {
    const s = openTestStore();
    insert(s, makeCandles(T0, 100));
    insert(s, makeCandles(T0, 100), ETH_1M);
    return s;
  };

  it('returns the last N, oldest first', () => {
    store = withHistory();
    const last = store.candles.recent(BTC_1M, 3);
    expect(last.map((c) => c[0])).toEqual([T0 + 97 * MINUTE, T0 + 98 * MINUTE, T0 + 99 * MINUTE]);
  });

  it('returns an inclusive time range, capped at the limit', () => {
    store = withHistory();
    const range = store.candles.range(BTC_1M, T0 + 10 * MINUTE, T0 + 14 * MINUTE, 1000);
    expect(range.map((c) => c[0])).toEqual([10, 11, 12, 13, 14].map((i) => T0 + i * MINUTE));
    expect(store.candles.range(BTC_1M, T0, T0 + 50 * MINUTE, 2)).toHaveLength(2);
  });

  it('returns N before a time for scroll-back, oldest first, excluding that time', () => {
    store = withHistory();
    const before = store.candles.before(BTC_1M, T0 + 50 * MINUTE, 3);
    expect(before.map((c) => c[0])).toEqual([47, 48, 49].map((i) => T0 + i * MINUTE));
  });

  it('answers the last stored open time per series, and nothing for an unknown series', () => {
    store = withHistory();
    expect(store.candles.lastClosedOpenTime(BTC_1M)).toBe(T0 + 99 * MINUTE);
    const unknown = { ...BTC_1M, timeframe: '5m' };
    expect(store.candles.lastClosedOpenTime(unknown)).toBeUndefined();
    expect(store.candles.recent(unknown, 10)).toEqual([]);
    expect(store.candles.storedRange(unknown)).toBeNull();
    // A read never creates a series.
    expect(store.series.all()).toHaveLength(2);
  });

  it('serves every read from the primary key: no scan, no temporary b-tree', () => {
    store = withHistory();
    const params: Record<keyof typeof CANDLE_SQL, unknown[]> = {
      insert: [1, T0, 1, 1, 1, 1, 1],
      selectOne: [1, T0],
      recent: [1, 10],
      range: [1, T0, T0 + MINUTE, 10],
      export: [1, T0, T0 + MINUTE],
      before: [1, T0, 10],
      first: [1],
      last: [1],
      pruneBoundary: [1, T0, 10],
      deleteBefore: [1, T0],
    };
    for (const [name, sql] of Object.entries(CANDLE_SQL)) {
      const plan = store.db
        .prepare(`EXPLAIN QUERY PLAN ${sql}`)
        .all(...params[name as keyof typeof CANDLE_SQL]) as { detail: string }[];
      const details = plan.map((p) => p.detail).join(' | ');
      expect(details, name).not.toMatch(/SCAN|TEMP B-TREE/);
      if (name !== 'insert') expect(details, name).toMatch(/SEARCH candles USING PRIMARY KEY \(series_id=\?/);
    }
  });
});

import { afterEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../../src/main/core/base/log';
import { BatchedCandleWriter } from '../../../src/main/core/store/batched-candle-writer';
import { closedCandles, readCandleHistory } from '../../../src/main/core/store/candle-history';
import {
  BTC_1M,
  ETH_1M,
  MINUTE,
  T0,
  closeTestStore,
  makeCandles,
  openTestStore,
  type TestStore,
} from './store-fixtures';

let store: TestStore | undefined;
let writer: BatchedCandleWriter | undefined;

afterEach(() => {
  writer?.close();
  writer = undefined;
  closeTestStore(store);
  store = undefined;
});

/** 10 candles on disk, the next 5 (and another series' 3) still in the writer's queue. */
function setup() {
  store = openTestStore();
  // An interval no test reaches: what is enqueued stays queued until flush().
  writer = new BatchedCandleWriter(store.db, store.series, store.candles, silentLogger(), {
    intervalMs: 3_600_000,
  });
  const all = makeCandles(T0, 15);
  writer.enqueue(BTC_1M, all.slice(0, 10));
  writer.flush();
  writer.enqueue(BTC_1M, all.slice(10));
  writer.enqueue(ETH_1M, makeCandles(T0, 3));
  return { all, candles: store.candles, writer };
}

describe('candles:history reads the database and the writer queue together', () => {
  it('answers the last N with candles not yet written', () => {
    const { all, candles, writer } = setup();
    expect(writer.pending).toBe(8);
    expect(readCandleHistory(closedCandles(candles, writer), { series: BTC_1M, last: 7 })).toEqual({
      candles: all.slice(8),
      truncated: false,
    });
  });

  it('fills a range that spans stored and queued candles in one request', () => {
    const { all, candles, writer } = setup();
    const q = { series: BTC_1M, from: T0 + 8 * MINUTE, to: T0 + 12 * MINUTE };
    expect(readCandleHistory(closedCandles(candles, writer), q).candles).toEqual(all.slice(8, 13));
  });

  it('pages back from a time, and answers the same once the queue is written', () => {
    const { all, candles, writer } = setup();
    const q = { series: BTC_1M, before: T0 + 14 * MINUTE, limit: 6 };
    const before = readCandleHistory(closedCandles(candles, writer), q);
    expect(before.candles).toEqual(all.slice(8, 14));
    writer.flush();
    expect(readCandleHistory(closedCandles(candles, writer), q)).toEqual(before);
  });

  it('keeps the stored values of a candle queued again with others (a replay)', () => {
    const { all, candles, writer } = setup();
    const replay: typeof all = [[all[9]![0], 1, 1, 1, 1, 1]];
    writer.enqueue(BTC_1M, replay);
    expect(readCandleHistory(closedCandles(candles, writer), { series: BTC_1M, last: 15 }).candles).toEqual(
      all,
    );
  });
});

import { afterEach, describe, expect, it, vi } from 'vitest';
import { SharedCandleWriter } from '../../../src/main/core/cluster/shared-candle-writer';
import { createLogger, type LogRecord } from '../../../src/main/core/base/log';
import type { SeriesCandles, SharedCandleStore } from '../../../src/main/core/store/shared-store';
import type { Candle, SeriesKey } from '../../../src/shared/domain/market';

const BTC: SeriesKey = { exchange: 'binance', symbol: 'BTC/USDT', timeframe: '1m' };
const ETH: SeriesKey = { ...BTC, symbol: 'ETH/USDT' };
const candles = (from: number, n: number): Candle[] =>
  Array.from({ length: n }, (_, i) => [from + i * 60_000, 1, 2, 0.5, 1.5, 10]);

/** A shared store that records each batch and fails the calls it is told to. */
function recordingStore(failures: number) {
  const batches: SeriesCandles[][] = [];
  let left = failures;
  const store: Pick<SharedCandleStore, 'writeClosed'> = {
    async writeClosed(batch) {
      if (left-- > 0) throw new Error('connection terminated unexpectedly');
      batches.push(batch.map((b) => ({ key: b.key, candles: [...b.candles] })));
      return { inserted: batch.reduce((n, b) => n + b.candles.length, 0), anomalies: [] };
    },
  };
  return { store: store as SharedCandleStore, batches };
}

const stored = (batches: SeriesCandles[][], key: SeriesKey) =>
  batches
    .flat()
    .filter((b) => b.key.symbol === key.symbol)
    .flatMap((b) => b.candles);

afterEach(() => vi.useRealTimers());

describe('SharedCandleWriter', () => {
  it('writes what arrived within an interval as one batch of every series', async () => {
    vi.useFakeTimers();
    const { store, batches } = recordingStore(0);
    const writer = new SharedCandleWriter(
      store,
      createLogger(() => {}),
      { intervalMs: 250 },
    );
    writer.onUpdate({ key: BTC, closed: candles(0, 2), forming: null, origin: 'live' });
    writer.onUpdate({ key: ETH, closed: candles(0, 1), forming: candles(60_000, 1)[0]!, origin: 'live' });
    writer.onUpdate({ key: BTC, closed: [], forming: null, origin: 'live' });
    expect(batches).toEqual([]);
    await vi.advanceTimersByTimeAsync(250);
    expect(batches.length).toBe(1);
    expect(stored(batches, BTC)).toEqual(candles(0, 2));
    expect(stored(batches, ETH)).toEqual(candles(0, 1));
    expect(writer.pending).toBe(0);
  });

  it('keeps rows queued through failed writes and writes them, in order, once the store answers', async () => {
    vi.useFakeTimers();
    const { store, batches } = recordingStore(2);
    const records: LogRecord[] = [];
    const writer = new SharedCandleWriter(
      store,
      createLogger((r) => records.push(r)),
      { intervalMs: 100 },
    );
    writer.enqueue(BTC, candles(0, 3));
    await vi.advanceTimersByTimeAsync(100);
    expect(writer.pending).toBe(3);
    writer.enqueue(BTC, candles(180_000, 2)); // arrives while the store is down
    await vi.advanceTimersByTimeAsync(10_000);
    expect(writer.pending).toBe(0);
    expect(stored(batches, BTC)).toEqual(candles(0, 5));
    expect(records.filter((r) => r.level === 'error').length).toBe(1);
  });

  it('splits a long backfill into batches of at most maxBatchRows and flushes everything on demand', async () => {
    const { store, batches } = recordingStore(0);
    const writer = new SharedCandleWriter(
      store,
      createLogger(() => {}),
      { intervalMs: 60_000, maxBatchRows: 40 },
    );
    writer.enqueue(BTC, candles(0, 100));
    await writer.flush();
    expect(batches.map((b) => b[0]!.candles.length)).toEqual([40, 40, 20]);
    expect(stored(batches, BTC)).toEqual(candles(0, 100));
  });
});

describe('SharedCandleWriter.flush', () => {
  it('never writes a row twice when called during a timed write that leaves rows behind', async () => {
    const { store, batches } = recordingStore(0);
    const writer = new SharedCandleWriter(
      store,
      createLogger(() => {}),
      { intervalMs: 1, maxBatchRows: 10 },
    );
    writer.enqueue(BTC, candles(0, 25));
    await new Promise((resolve) => setImmediate(resolve)); // the timed write has started
    await writer.flush();
    expect(stored(batches, BTC)).toEqual(candles(0, 25));
    expect(writer.pending).toBe(0);
  });
});

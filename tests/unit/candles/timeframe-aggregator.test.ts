import { describe, expect, it } from 'vitest';
import type { Candle } from '../../../src/shared/domain/market';
import type { CandleUpdate } from '../../../src/main/core/candles/ports';
import { TimeframeAggregator } from '../../../src/main/core/candles/timeframe-aggregator';
import { MINUTE, candleAt, candles, partial } from '../../support/candle-builders';

const HOUR = 60 * MINUTE;
/** minute candles from a UTC hour boundary */
const H0 = Date.UTC(2026, 0, 5, 0, 0, 0);
const m = (i: number) => candleAt(i, H0);
const key = { exchange: 'sim', symbol: 'BTC/USDT', timeframe: '15m' };

function expected(fromMinute: number, count: number, size: number): Candle[] {
  const out: Candle[] = [];
  for (let b = 0; b < count; b++) {
    const mins = candles(fromMinute + b * size, size, H0);
    out.push([
      mins[0]![0],
      mins[0]![1],
      Math.max(...mins.map((c) => c[2])),
      Math.min(...mins.map((c) => c[3])),
      mins.at(-1)![4],
      mins.reduce((s, c) => s + c[5], 0),
    ]);
  }
  return out;
}

const update = (
  closed: Candle[],
  forming: Candle | null,
  origin: 'live' | 'backfill' = 'live',
): CandleUpdate => ({
  key: { ...key, timeframe: '1m' },
  closed,
  forming,
  origin,
});

describe('TimeframeAggregator', () => {
  it('builds 15m candles exactly from 1m, closing each when its last minute closes', () => {
    const agg = new TimeframeAggregator(key, '1m', { lastClosed: H0 - 15 * MINUTE, warmupCandles: 10 });
    expect(agg.onBase(update([], partial(m(0), 0.5)))).toMatchObject([
      { forming: [H0, ...partial(m(0), 0.5).slice(1)] },
    ]);
    const out: Candle[] = [];
    for (let i = 1; i <= 31; i++) {
      for (const u of agg.onBase(update([m(i - 1)], partial(m(i), 0.2)))) out.push(...u.closed);
      if (i === 15) expect(out).toEqual(expected(0, 1, 15));
    }
    expect(out).toEqual(expected(0, 2, 15));
  });

  it('merges the forming minute into the forming bucket', () => {
    const agg = new TimeframeAggregator(key, '1m', { lastClosed: H0 - 15 * MINUTE, warmupCandles: 10 });
    agg.onBase(update([], m(0)));
    const [u] = agg.onBase(update([m(0)], partial(m(1), 0.5)));
    const f = partial(m(1), 0.5);
    expect(u!.forming).toEqual([
      H0,
      m(0)[1],
      Math.max(m(0)[2], f[2]),
      Math.min(m(0)[3], f[3]),
      f[4],
      m(0)[5] + f[5],
    ]);
  });

  it('warms up from a bucket boundary so the first aggregated candle is whole', () => {
    const agg = new TimeframeAggregator(key, '1m', { warmupCandles: 2 });
    agg.onBase(update([], partial(m(37), 0.1)));
    const range = agg.nextFetch()!;
    expect(range).toEqual({ from: H0, to: H0 + 36 * MINUTE, reason: 'warmup' });
    const out = agg.applyFetch(range, candles(0, 37, H0));
    expect(out.flatMap((u) => u.closed)).toEqual(expected(0, 2, 15));
    expect(out.at(-1)!.forming![0]).toBe(H0 + 30 * MINUTE);
  });

  it('fetches the 1m candles missing since its own last stored candle, recording the gap reason', () => {
    const agg = new TimeframeAggregator({ ...key, timeframe: '4h' }, '1m', {
      lastClosed: H0 - 4 * HOUR,
      warmupCandles: 10,
    });
    agg.onBase(update([], partial(m(300), 0.1)));
    expect(agg.nextFetch()).toEqual({ from: H0, to: H0 + 299 * MINUTE, reason: 'start' });
  });

  it('caps the warm-up of a long timeframe but never starts inside a bucket', () => {
    const agg = new TimeframeAggregator({ ...key, timeframe: '1h' }, '1m', {
      warmupCandles: 500,
      maxWarmupBaseCandles: 150,
    });
    agg.onBase(update([], m(10 * 60 + 5)));
    expect(agg.nextFetch()!.from).toBe(H0 + 8 * HOUR);
  });
});

import { describe, expect, it } from 'vitest';
import { chartIndicators, type ChartCandles } from '../../../src/main/core/chart/indicator-series';
import type { Candle } from '../../../src/shared/domain/market';

const M = 60_000;
const candles: Candle[] = Array.from({ length: 40 }, (_, i) => [i * M, i, i, i, i + 1, 1]);

/** The store's read side over an array, as CandleRepository answers. */
const store: ChartCandles = {
  before: (_k, time, limit) => candles.filter((c) => c[0] < time).slice(-limit),
  range: (_k, from, to, limit) => candles.filter((c) => c[0] >= from && c[0] <= to).slice(0, limit),
};
const series = { exchange: 'sim', symbol: 'BTC/USDT', timeframe: '1m' };
const sma3 = { indicator: 'sma', period: 3, source: 'close' } as const;

describe('chart:indicators', () => {
  it('answers from `from` on, warmed by the candles stored before it', () => {
    const r = chartIndicators(store, {
      series,
      indicators: [sma3],
      from: 10 * M,
      to: 12 * M,
      tail: [],
      formingLast: false,
    });
    expect(r.times).toEqual([10 * M, 11 * M, 12 * M]);
    // SMA(3) of closes 9, 10, 11 (candle i closes at i + 1).
    expect(r.values[0]).toEqual([10, 11, 12]);
  });

  it('marks values before the warm-up as null', () => {
    const r = chartIndicators(store, {
      series,
      indicators: [sma3],
      from: 0,
      to: 3 * M,
      tail: [],
      formingLast: false,
    });
    expect(r.values[0]).toEqual([null, null, 2, 3]);
  });

  it('continues with the chart’s own newest candles and does not commit the forming one', () => {
    const tail: Candle[] = [
      [40 * M, 0, 0, 0, 100, 1],
      [41 * M, 0, 0, 0, 200, 1],
    ];
    const r = chartIndicators(store, {
      series,
      indicators: [sma3],
      from: 40 * M,
      to: 40 * M - 1,
      tail,
      formingLast: true,
    });
    expect(r.times).toEqual([40 * M, 41 * M]);
    expect(r.values[0]).toEqual([(39 + 40 + 100) / 3, (40 + 100 + 200) / 3]);
  });

  it('shares one indicator between lines of the same MACD', () => {
    const base = { indicator: 'macd', fast: 2, slow: 3, signal: 2, source: 'close' } as const;
    const r = chartIndicators(store, {
      series,
      indicators: [
        { ...base, output: 'macd' },
        { ...base, output: 'signal' },
        { ...base, output: 'histogram' },
      ],
      from: 20 * M,
      to: 25 * M,
      tail: [],
      formingLast: false,
    });
    r.times.forEach((_, i) => expect(r.values[2]![i]).toBeCloseTo(r.values[0]![i]! - r.values[1]![i]!, 9));
  });
});

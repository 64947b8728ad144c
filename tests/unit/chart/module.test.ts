import { describe, expect, it } from 'vitest';
import type { IndicatorsUpdated } from '../../../src/shared/contract/methods/ui';
import { chartIndicators, LiveIndicators, type ChartCandles } from '../../../src/main/core/chart/module';
import type { Candle } from '../../../src/shared/domain/market';
import { FakeClock } from '../../support/fake-clock';

const M = 60_000;
const candles: Candle[] = Array.from({ length: 40 }, (_, i) => [i * M, i, i, i, i + 1, 1]);

/** The store's read side over an array, as candles:history answers. */
const store: ChartCandles = {
  last: (_k, limit) => candles.slice(-limit),
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
    });
    expect(r.values[0]).toEqual([null, null, 2, 3]);
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
    });
    r.times.forEach((_, i) => expect(r.values[2]![i]).toBeCloseTo(r.values[0]![i]! - r.values[1]![i]!, 9));
  });
});

describe('indicators:updated', () => {
  it('updates the followed lines once per candle, in the core, without committing the forming one', async () => {
    const clock = new FakeClock();
    const heard: IndicatorsUpdated[] = [];
    const live = new LiveIndicators(store, (p) => heard.push(p), clock);
    live.watch(series, [sma3], 'w1');
    // Warmed by the 40 stored candles; a closed one and the forming one arrive in one frame.
    live.onUpdate({ key: series, closed: [[40 * M, 0, 0, 0, 100, 1]], forming: null, origin: 'live' });
    live.onUpdate({ key: series, closed: [], forming: [41 * M, 0, 0, 0, 200, 1], origin: 'live' });
    expect(heard).toEqual([]);
    await clock.advance(16);
    expect(heard).toEqual([
      {
        series,
        tag: 'w1',
        closed: { times: [40 * M], values: [[(39 + 40 + 100) / 3]] },
        forming: { time: 41 * M, values: [(40 + 100 + 200) / 3] },
      },
    ]);
    // The forming 200 was not committed: the candle closes at 50.
    live.onUpdate({ key: series, closed: [[41 * M, 0, 0, 0, 50, 1]], forming: null, origin: 'live' });
    await clock.advance(16);
    expect(heard[1]!.closed.values[0]).toEqual([(40 + 100 + 50) / 3]);
    expect(heard[1]!.forming).toBeNull();
  });

  it('says nothing about a series nobody follows, or one no longer followed', async () => {
    const clock = new FakeClock();
    const heard: IndicatorsUpdated[] = [];
    const live = new LiveIndicators(store, (p) => heard.push(p), clock);
    const update = {
      key: series,
      closed: [[40 * M, 0, 0, 0, 100, 1] as Candle],
      forming: null,
      origin: 'live' as const,
    };
    live.onUpdate(update);
    live.watch(series, [sma3], 'w1');
    live.watch(series, [], 'w2');
    live.onUpdate(update);
    await clock.advance(16);
    expect(heard).toEqual([]);
  });
});

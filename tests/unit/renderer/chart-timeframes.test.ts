import { describe, expect, it } from 'vitest';
import { chartTimeframes, KEYED_TIMEFRAMES } from '../../../src/renderer/chart/ChartToolbar';

describe('chartTimeframes', () => {
  it('offers what the exchange serves and what the engine builds, shortest first', () => {
    const caps = {
      timeframes: ['1s', '1m', '3m', '5m', '15m', '30m', '1h'],
      aggregatedTimeframes: ['4h', '1d'],
    };
    expect(chartTimeframes(caps)).toEqual(
      ['1s', '1m', '3m', '5m', '15m', '30m', '1h', '4h', '1d'].map((tf) => ({ tf, offered: true })),
    );
  });

  it('keeps 1s, marked not offered, where the exchange has no seconds bars; leaves other gaps out', () => {
    const caps = { timeframes: ['1m', '5m', '15m', '1h'], aggregatedTimeframes: ['30m', '4h'] };
    expect(chartTimeframes(caps)).toEqual([
      { tf: '1s', offered: false },
      { tf: '1m', offered: true },
      { tf: '5m', offered: true },
      { tf: '15m', offered: true },
      { tf: '30m', offered: true },
      { tf: '1h', offered: true },
      { tf: '4h', offered: true },
    ]);
  });

  it('offers every timeframe until the exchange is known', () => {
    expect(chartTimeframes(null).every((t) => t.offered)).toBe(true);
  });

  it('keeps keys 1 … 6 on the timeframes they always picked', () => {
    expect(KEYED_TIMEFRAMES).toEqual(['1m', '5m', '15m', '1h', '4h', '1d']);
  });
});

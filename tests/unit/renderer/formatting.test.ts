import { describe, expect, it } from 'vitest';
import { describeBacktest } from '../../../src/renderer/rules/backtest';
import { crossDirection, priceAlertName } from '../../../src/renderer/chart/price-alerts';
import {
  decimalsOfTick,
  formatBytes,
  formatPercent,
  formatPrice,
  formatVolume,
  guessPriceDecimals,
} from '../../../src/renderer/format/numbers';
import { formatAge } from '../../../src/renderer/format/time';

/** Grouping separators depend on the machine's locale; the digits and decimals do not. */
const digits = (s: string) => s.replace(/[^\d.\-+−]/g, '');

describe('numbers as the market quotes them', () => {
  it('uses the market precision, or a guess from the price', () => {
    expect(digits(formatPrice(96_000.5, 2))).toBe('96000.50');
    expect(digits(formatPrice(0.000123456, null))).toBe('0.0001235');
    expect(guessPriceDecimals(2.2)).toBe(4);
    expect(formatPrice(null, 2)).toBe('—');
    expect(decimalsOfTick(0.00001)).toBe(5);
    expect(decimalsOfTick(5)).toBe(0);
  });

  it('keeps small amounts after a large one was formatted (one formatter per precision)', () => {
    expect(digits(formatVolume(150))).toBe('150');
    expect(digits(formatVolume(0.3995))).toBe('0.3995');
    expect(digits(formatVolume(0.1))).toBe('0.1');
    expect(digits(formatVolume(250.4))).toBe('250');
  });

  it('signs percentages so the direction reads without colour', () => {
    expect(digits(formatPercent(1.234))).toBe('+1.23');
    expect(formatPercent(-0.5)).toMatch(/^[−-]0\.50 %$/);
    expect(formatPercent(0)).toBe('0.00 %');
  });

  it('says sizes and ages in short words', () => {
    expect(formatBytes(1536)).toBe('1.5 KB');
    expect(formatAge(500)).toBe('just now');
    expect(formatAge(125_000)).toBe('2 min');
    expect(formatAge(3 * 3_600_000 + 60_000)).toBe('3 h 1 min');
  });
});

describe('price alerts from the chart', () => {
  it('waits on the side of the price the line was put', () => {
    expect(crossDirection(101, 100)).toBe('above');
    expect(crossDirection(99, 100)).toBe('below');
    expect(crossDirection(99, NaN)).toBe('above');
    expect(priceAlertName('BTC/USDT above 100', new Set(['BTC/USDT above 100']))).toBe(
      'BTC/USDT above 100 (2)',
    );
  });
});

describe('backtest summary', () => {
  it('counts alerts per day over the candles stored, not over the range asked', () => {
    const firing = {
      exchange: 'sim',
      symbol: 'BTC/USDT',
      timeframe: '1m',
      candleTime: 0,
      price: 1,
      strength: 1,
      message: '',
      values: {},
    };
    const result = {
      firings: Array.from({ length: 12 }, () => firing),
      perDay: 0.4,
      days: 30,
      series: [{ exchange: 'sim', symbol: 'BTC/USDT', timeframe: '1m', candles: 720 }],
      truncated: false,
      notes: [],
    };
    expect(describeBacktest(result)).toBe('12 firings over 12.0 h of stored candles: ≈ 24 alerts/day');
    expect(describeBacktest({ ...result, series: [{ ...result.series[0]!, candles: 0 }] })).toBe(
      'no stored candles in the range to test on',
    );
  });
});

import { describe, expect, it } from 'vitest';
import type { SeriesKey } from '../../../src/shared/domain/market';
import * as ref from '../indicators/reference';
import { BTC, bar, bars, Harness, priceAbove, storedRule, T0 } from './harness';

/** indices where series a crosses series b in the given direction (both defined at i-1 and i) */
function crossings(a: ref.Series, b: ref.Series | number, direction: 'above' | 'below'): number[] {
  const at = (s: ref.Series | number, i: number) => (typeof s === 'number' ? s : s[i]);
  const out: number[] = [];
  for (let i = 1; i < a.length; i++) {
    const [a0, a1, b0, b1] = [a[i - 1], a[i], at(b, i - 1), at(b, i)];
    if (a0 == null || a1 == null || b0 == null || b1 == null) continue;
    if (direction === 'above' ? a0 <= b0 && a1 > b1 : a0 >= b0 && a1 < b1) out.push(i);
  }
  return out;
}

const walk = ref.walk(600, 11, T0);
const walkCloses = walk.map((c) => c[4]);

describe('price-cross', () => {
  it('fires on the candle that closes across the level, not while it stays there', () => {
    const h = new Harness([storedRule({ when: { type: 'price-cross', direction: 'above', level: 100 } })]);
    h.stream(bars([99, 99.5, 100, 100.5, 101, 102, 99, 100.2, 100.1]));
    // reaching 100 is not crossing it; 100 → 100.5 is
    expect(h.firedAt()).toEqual([3, 7]);
    expect(h.firings[0]!.explanation.values).toEqual({ close: 100.5, level: 100 });
  });

  it('below mirrors above', () => {
    const h = new Harness([storedRule({ when: { type: 'price-cross', direction: 'below', level: 100 } })]);
    h.stream(bars([101, 100.5, 99.9, 99, 101, 99.5]));
    expect(h.firedAt()).toEqual([2, 5]);
  });

  it('needs a previous candle: the first candle ever seen never counts as a cross', () => {
    const h = new Harness([storedRule({ when: { type: 'price-cross', direction: 'above', level: 100 } })]);
    h.stream(bars([150, 151]));
    expect(h.firings).toEqual([]);
  });
});

describe('channel', () => {
  const closes = [90, 94, 96, 97, 101, 99, 93, 94];
  it('enter fires when the close moves from outside into [low, high]', () => {
    const h = new Harness([storedRule({ when: { type: 'channel', action: 'enter', low: 95, high: 100 } })]);
    h.stream(bars(closes));
    expect(h.firedAt()).toEqual([2, 5]);
  });

  it('exit fires when the close leaves it, either side', () => {
    const h = new Harness([storedRule({ when: { type: 'channel', action: 'exit', low: 95, high: 100 } })]);
    h.stream(bars(closes));
    expect(h.firedAt()).toEqual([4, 6]);
  });
});

describe('percent-move', () => {
  it('up: the close is the percent above the lowest close of the previous N candles', () => {
    const h = new Harness([
      storedRule({ when: { type: 'percent-move', direction: 'up', percent: 5, candles: 3 } }),
    ]);
    h.stream(bars([100, 100, 100, 104, 105.1, 103, 100]));
    expect(h.firedAt()).toEqual([4]);
    expect(h.firings[0]!.explanation.values['move %']).toBeCloseTo(5.1, 10);
  });

  it('down mirrors up; either takes both', () => {
    const closes = [100, 100, 100, 96, 94.9, 97, 100, 106];
    const down = new Harness([
      storedRule({ when: { type: 'percent-move', direction: 'down', percent: 5, candles: 3 } }),
    ]).stream(bars(closes));
    expect(down.firedAt()).toEqual([4]);
    const either = new Harness([
      storedRule({ when: { type: 'percent-move', direction: 'either', percent: 5, candles: 3 } }),
    ]).stream(bars(closes));
    expect(either.firedAt()).toEqual([4, 6, 7]);
  });

  it('a move spread over more than N candles does not count', () => {
    const h = new Harness([
      storedRule({ when: { type: 'percent-move', direction: 'up', percent: 5, candles: 2 } }),
    ]);
    h.stream(bars([100, 102, 104, 106, 108]));
    expect(h.firings).toEqual([]);
  });
});

describe('indicator-threshold', () => {
  const rsi = ref.rsi(walkCloses, 14);
  it('RSI(14) above 70 fires on every candle it is above (once per bar), none before warm-up', () => {
    const h = new Harness([
      storedRule({
        when: {
          type: 'indicator-threshold',
          indicator: { indicator: 'rsi', period: 14 },
          direction: 'above',
          level: 70,
        },
      }),
    ]);
    h.stream(walk);
    const expected = rsi.flatMap((v, i) => (v !== null && v > 70 ? [i] : []));
    expect(expected.length).toBeGreaterThan(3);
    expect(h.firedAt()).toEqual(expected);
  });

  it('RSI(14) below 30 with rearm fires only when it goes below again after being above', () => {
    const h = new Harness([
      storedRule({
        trigger: 'rearm',
        when: {
          type: 'indicator-threshold',
          indicator: { indicator: 'rsi', period: 14 },
          direction: 'below',
          level: 30,
        },
      }),
    ]);
    h.stream(walk);
    const expected = rsi.flatMap((v, i) =>
      v !== null && v < 30 && !(rsi[i - 1] != null && rsi[i - 1]! < 30) ? [i] : [],
    );
    expect(expected.length).toBeGreaterThan(1);
    expect(h.firedAt()).toEqual(expected);
  });

  it('compares with another indicator: price above EMA(20)', () => {
    const h = new Harness([
      storedRule({
        trigger: 'rearm',
        when: {
          type: 'indicator-threshold',
          indicator: { indicator: 'price' },
          direction: 'above',
          level: { indicator: 'ema', period: 20 },
        },
      }),
    ]);
    h.stream(walk);
    const ema = ref.ema(walkCloses, 20);
    const above = walkCloses.map((c, i) => (ema[i] == null ? null : c > ema[i]!));
    const expected = above.flatMap((v, i) => (v === true && above[i - 1] !== true ? [i] : []));
    expect(h.firedAt()).toEqual(expected);
  });
});

describe('indicator-cross', () => {
  it('EMA(9) crosses above EMA(21)', () => {
    const h = new Harness([
      storedRule({
        when: {
          type: 'indicator-cross',
          indicator: { indicator: 'ema', period: 9 },
          direction: 'above',
          other: { indicator: 'ema', period: 21 },
        },
      }),
    ]);
    h.stream(walk);
    const expected = crossings(ref.ema(walkCloses, 9), ref.ema(walkCloses, 21), 'above');
    expect(expected.length).toBeGreaterThan(3);
    expect(h.firedAt()).toEqual(expected);
  });

  it('MACD line crosses below its signal', () => {
    const h = new Harness([
      storedRule({
        when: {
          type: 'indicator-cross',
          indicator: { indicator: 'macd', output: 'macd' },
          direction: 'below',
          other: { indicator: 'macd', output: 'signal' },
        },
      }),
    ]);
    h.stream(walk);
    const m = ref.macd(walkCloses, 12, 26, 9);
    const expected = crossings(
      m.map((x) => x?.macd ?? null),
      m.map((x) => x?.signal ?? null),
      'below',
    );
    expect(expected.length).toBeGreaterThan(3);
    expect(h.firedAt()).toEqual(expected);
  });

  it('price crosses above the upper Bollinger band', () => {
    const h = new Harness([
      storedRule({
        when: {
          type: 'indicator-cross',
          indicator: { indicator: 'price' },
          direction: 'above',
          other: { indicator: 'bollinger', period: 20, stdDev: 2, output: 'upper' },
        },
      }),
    ]);
    h.stream(walk);
    const upper = ref.bollinger(walkCloses, 20, 2).map((b) => b?.upper ?? null);
    const expected = crossings(walkCloses, upper, 'above');
    expect(expected.length).toBeGreaterThan(0);
    expect(h.firedAt()).toEqual(expected);
  });
});

describe('volume-spike', () => {
  it('fires when volume is at least N× the average of the candles before it', () => {
    const h = new Harness([storedRule({ when: { type: 'volume-spike', multiplier: 3, period: 5 } })]);
    const volumes = [
      100, 100, 100, 100, 100, 100, 350, 100, 290, 100, 100, 100, 100, 100, 100, 100, 100, 299, 300,
    ];
    h.stream(volumes.map((v, i) => bar(i, 100, { volume: v })));
    // 290 at 8 is measured against an average that holds the 350 spike (150); 299 at 17 is just
    // short of 3 × 100; 300 at 18 is measured against an average that holds the 299
    expect(h.firedAt()).toEqual([6]);
    expect(h.firings[0]!.explanation.values.ratio).toBeCloseTo(3.5, 10);
  });

  it('a spike right after warm-up counts, none before the average exists', () => {
    const h = new Harness([storedRule({ when: { type: 'volume-spike', multiplier: 2, period: 3 } })]);
    h.stream([100, 500, 100, 100, 300].map((v, i) => bar(i, 100, { volume: v })));
    // 500 at index 1 has no 3-candle average before it; 300 at 4 is 300 / (500+100+100)/3 = 1.29×
    expect(h.firedAt()).toEqual([]);
    h.stream([bar(5, 100, { volume: 100 }), bar(6, 100, { volume: 100 }), bar(7, 100, { volume: 350 })]);
    expect(h.firedAt()).toEqual([7]);
  });
});

describe('all-of across timeframes', () => {
  const FIVE: SeriesKey = { ...BTC, timeframe: '5m' };
  const rule = storedRule({
    when: {
      type: 'all-of',
      conditions: [{ when: priceAbove(100) }, { timeframe: '5m', when: priceAbove(50) }],
    },
  });

  it('fires only while every part holds on its own timeframe', () => {
    const h = new Harness([rule]);
    h.close([bar(0, 40, { timeframe: '5m' })], FIVE);
    h.stream(bars([101, 102, 103, 104, 105], 5));
    expect(h.firings).toEqual([]);
    h.close([bar(1, 60, { timeframe: '5m' })], FIVE);
    h.stream(bars([106, 99, 107], 10));
    // 00:10 closes the 1m candle 9 and the 5m candle 1 at the same instant: the rule waited for
    // the 5m close (60) and fired on candle 9 with it
    expect(h.firedAt()).toEqual([9, 10, 12]);
    expect(h.firings[0]!.explanation.values).toMatchObject({ close: 105, '5m close': 60 });
    expect(h.firings[1]!.explanation.values).toMatchObject({ close: 106, '5m close': 60 });
    expect(h.firings[1]!.explanation.text).toMatch(/5m close 60 is above 50/);
  });

  it('is not ready (no firing) while a timeframe has no data', () => {
    const h = new Harness([rule]);
    h.stream(bars([101, 102, 103]));
    expect(h.firings).toEqual([]);
  });
});

describe('targets', () => {
  it('a watchlist rule runs on every watchlist symbol of its exchange, and follows the watchlist', () => {
    const eth: SeriesKey = { ...BTC, symbol: 'ETH/USDT' };
    const h = new Harness(
      [
        storedRule({
          symbol: undefined,
          watchlist: true,
          when: { type: 'price-cross', direction: 'above', level: 100 },
        }),
      ],
      {
        watchlist: [
          { exchange: 'binance', symbol: 'BTC/USDT', timeframes: ['1m'] },
          { exchange: 'okx', symbol: 'ETH/USDT', timeframes: ['1m'] },
        ],
      },
    );
    h.stream(bars([99, 101]));
    h.stream(bars([99, 101]), eth);
    expect(h.firings.map((f) => f.key.symbol)).toEqual(['BTC/USDT']);
    h.engine.setWatchlist([{ exchange: 'binance', symbol: 'ETH/USDT', timeframes: ['1m'] }]);
    h.stream(bars([99, 101], 2), eth);
    h.stream(bars([99, 101], 2));
    expect(h.firings.map((f) => f.key.symbol)).toEqual(['BTC/USDT', 'ETH/USDT']);
  });

  it('a symbols rule runs on each listed symbol independently', () => {
    const eth: SeriesKey = { ...BTC, symbol: 'ETH/USDT' };
    const h = new Harness([
      storedRule({
        symbol: undefined,
        symbols: ['BTC/USDT', 'ETH/USDT'],
        when: { type: 'price-cross', direction: 'above', level: 100 },
      }),
    ]);
    h.stream(bars([99, 101]), eth).stream(bars([99, 98]));
    expect(h.firings.map((f) => f.key.symbol)).toEqual(['ETH/USDT']);
  });
});

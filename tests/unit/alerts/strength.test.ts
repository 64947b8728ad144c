import { describe, expect, it } from 'vitest';
import {
  candleRange,
  channelStrength,
  distanceStrength,
  excessStrength,
  weakestStrength,
} from '../../../src/main/core/alerts/strength';
import { bar, bars, Harness, priceAbove, RSI_BELOW_30, rsiWalk, storedRule, T0 } from './harness';

const strengthOf = (h: Harness, i = 0) => h.firings[i]!.explanation.strength;

describe('strength formulas (docs/rules.md "Strength")', () => {
  it('price scale: distance past the line over the candle high − low', () => {
    expect(distanceStrength('price', 102, 100, 'above', 4, true).strength).toBe(0.5);
    expect(distanceStrength('price', 97, 100, 'below', 12, true).strength).toBe(0.25);
    // a full range or more is 1
    expect(distanceStrength('price', 110, 100, 'above', 4, true).strength).toBe(1);
  });

  it('oscillator against a fixed level: share of the room to the end of the scale', () => {
    // RSI 85 above 70: 15 of the 30 points to 100
    expect(distanceStrength('oscillator', 85, 70, 'above', 1, true).strength).toBe(0.5);
    // RSI 24 below 30: 6 of the 30 points to 0
    expect(distanceStrength('oscillator', 24, 30, 'below', 1, true).strength).toBeCloseTo(0.2, 12);
  });

  it('oscillator against another line: 10 points = 1', () => {
    expect(distanceStrength('oscillator', 63, 60, 'above', 1, false).strength).toBeCloseTo(0.3, 12);
    expect(distanceStrength('oscillator', 40, 60, 'below', 1, false).strength).toBe(1);
  });

  it('volume scale: the gap as a share of the line', () => {
    expect(distanceStrength('volume', 150, 120, 'above', 1, false).strength).toBe(0.25);
  });

  it('channel: depth inside when entering, distance outside over the range when leaving', () => {
    expect(channelStrength('enter', 104, 100, 110, 1).strength).toBe(0.8);
    expect(channelStrength('exit', 112, 100, 110, 4).strength).toBe(0.5);
    expect(channelStrength('exit', 99, 100, 110, 4).strength).toBe(0.25);
  });

  it('percent move and volume spike: excess over the threshold in units of it', () => {
    expect(excessStrength(3, 2, 'move', '2%').strength).toBe(0.5);
    expect(excessStrength(4.5, 3, 'volume', '3×').strength).toBe(0.5);
    expect(excessStrength(2, 2, 'move', '2%').strength).toBe(0);
  });

  it('all-of: the weakest part; a flat candle measures distance against 0.1 % of its close', () => {
    expect(weakestStrength([0.9, 0.35, 0.6]).strength).toBe(0.35);
    expect(candleRange(101, 97, 100)).toBe(4);
    expect(candleRange(200, 200, 200)).toBeCloseTo(0.2, 12);
  });
});

describe('strength computed by the engine on real firings', () => {
  it('price-cross above 100: close 102 in a 99–103 candle is half a range past', () => {
    const h = new Harness([storedRule({ when: { type: 'price-cross', direction: 'above', level: 100 } })]);
    h.stream([bar(0, 99), bar(1, 102, { open: 99, high: 103, low: 99 })]);
    expect(strengthOf(h)).toBe(0.5);
    expect(h.firings[0]!.explanation.basis).toMatch(/share of the candle's high−low range/);
  });

  it('price-cross either way, going down: measured below the line', () => {
    const h = new Harness([storedRule({ when: { type: 'price-cross', direction: 'either', level: 100 } })]);
    h.stream([bar(0, 101), bar(1, 98, { open: 101, high: 101, low: 97 })]);
    expect(strengthOf(h)).toBe(0.5);
  });

  it('RSI(14) crosses below 30: (30 − RSI) / 30, from the RSI computed independently', () => {
    const { walk, rsi } = rsiWalk();
    const h = new Harness([storedRule({ when: RSI_BELOW_30 })]);
    h.stream(walk);
    expect(h.firings.length).toBeGreaterThan(2);
    for (const f of h.firings) {
      const i = (f.candle[0] - T0) / 60_000;
      expect(f.explanation.strength).toBeCloseTo((30 - rsi[i]!) / 30, 9);
    }
  });

  it('channel enter at 104 of 100–110: 4 of the 5 points to its middle', () => {
    const h = new Harness([storedRule({ when: { type: 'channel', action: 'enter', low: 100, high: 110 } })]);
    h.stream(bars([95, 104]));
    expect(strengthOf(h)).toBe(0.8);
  });

  it('percent-move up 2 % within 3 candles: a 3 % move is 0.5', () => {
    const h = new Harness([
      storedRule({ when: { type: 'percent-move', direction: 'up', percent: 2, candles: 3 } }),
    ]);
    h.stream(bars([100, 100.5, 101, 103]));
    expect(strengthOf(h)).toBeCloseTo(0.5, 12);
  });

  it('volume-spike 2× over a 100 average: a 300 candle is 0.5', () => {
    const h = new Harness([storedRule({ when: { type: 'volume-spike', multiplier: 2, period: 3 } })]);
    h.stream([100, 100, 100, 300].map((v, i) => bar(i, 50, { volume: v })));
    expect(strengthOf(h)).toBe(0.5);
  });

  it('all-of: the weakest of its parts', () => {
    const h = new Harness([
      storedRule({
        when: {
          type: 'all-of',
          conditions: [
            { when: priceAbove(100) },
            { when: { type: 'channel', action: 'enter', low: 100, high: 110 } },
          ],
        },
      }),
    ]);
    // close 101 above 100 in a 98–102 candle: 1/4; inside 100–110 by 1 of 5: 0.2
    h.stream([bar(0, 95), bar(1, 101, { open: 98, high: 102, low: 98 })]);
    expect(strengthOf(h)).toBeCloseTo(0.2, 12);
    expect(h.firings[0]!.explanation.basis).toBe('the weakest of its conditions');
  });
});

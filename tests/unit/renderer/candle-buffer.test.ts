import { describe, expect, it } from 'vitest';
import { CandleBuffer } from '../../../src/renderer/chart/candle-buffer';
import type { Candle } from '../../../src/shared/domain/market';

const M = 60_000;
const T = Date.UTC(2026, 0, 1, 12, 0);
const c = (i: number, close = 100 + i): Candle => [T + i * M, close, close + 1, close - 1, close, 10 + i];

describe('CandleBuffer', () => {
  it('replaces the forming candle, then appends the next one when it opens', () => {
    const b = new CandleBuffer('1m');
    b.reset([c(0), c(1)]);
    expect(b.apply([], c(2, 50))).toEqual({ bars: [c(2, 50)], missing: null });
    expect(b.apply([], c(2, 51))).toEqual({ bars: [c(2, 51)], missing: null });
    expect(b.formingCandle).toEqual(c(2, 51));
    // The closed value of 2 arrives with the forming 3.
    expect(b.apply([c(2, 52)], c(3))).toEqual({ bars: [c(2, 52), c(3)], missing: null });
    expect(b.all.map((x) => x[4])).toEqual([100, 101, 52, 103]);
    expect(b.closed().length).toBe(3);
  });

  it('ignores replays of candles it already holds and never lets a forming value undo a closed one', () => {
    const b = new CandleBuffer('1m');
    b.reset([c(0), c(1), c(2)]);
    expect(b.apply([c(1, 999)], null).bars).toEqual([]);
    expect(b.apply([], c(2, 999)).bars).toEqual([]);
    expect(b.last).toEqual(c(2));
  });

  it('reports candles skipped by the live stream as missing', () => {
    const b = new CandleBuffer('1m');
    b.reset([c(0), c(1)]);
    expect(b.apply([c(4)], null).missing).toEqual({ from: T + 2 * M, to: T + 3 * M });
    // A forming candle whose closed value never came: that candle is missing too.
    b.apply([], c(5));
    expect(b.apply([], c(6)).missing).toEqual({ from: T + 5 * M, to: T + 5 * M });
  });

  it('puts older candles in front (scroll-back) and fills holes with stored values', () => {
    const b = new CandleBuffer('1m');
    b.reset([c(5), c(6)]);
    expect(b.prepend([c(2), c(3), c(4), c(5, 0)])).toBe(3);
    expect(b.first).toEqual(c(2));
    b.apply([c(9)], c(10));
    expect(b.merge([c(7), c(8)])).toBe(2);
    expect(b.all.map((x) => x[0])).toEqual([2, 3, 4, 5, 6, 7, 8, 9, 10].map((i) => T + i * M));
    expect(b.formingCandle).toEqual(c(10));
  });

  it('finds the month before for calendar timeframes', () => {
    const b = new CandleBuffer('1M');
    const jan = Date.UTC(2026, 0, 1);
    const apr = Date.UTC(2026, 3, 1);
    b.reset([[jan, 1, 1, 1, 1, 1]]);
    expect(b.apply([[apr, 1, 1, 1, 1, 1]], null).missing).toEqual({
      from: Date.UTC(2026, 1, 1),
      to: Date.UTC(2026, 2, 1),
    });
  });
});

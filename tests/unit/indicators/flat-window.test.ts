import { describe, expect, it } from 'vitest';
import { createIndicator, readOutput } from '../../../src/main/core/indicators/factory';
import { isFlat } from '../../../src/main/core/indicators/indicator';
import { Rsi } from '../../../src/main/core/indicators/oscillators';
import { indicatorRefSchema } from '../../../src/shared/domain/indicator';
import type { Candle } from '../../../src/shared/domain/market';

/** 40 moving closes, then `flat` candles at one price (a halted or quiet market). */
function movingThenFlat(flat: number, price = 123.4567): Candle[] {
  const out: Candle[] = [];
  for (let i = 0; i < 40; i++) {
    const c = 100 + Math.sin(i) * 3 + i * 0.1;
    out.push([i * 60_000, c, c + 0.5, c - 0.5, c, 10]);
  }
  for (let i = 40; i < 40 + flat; i++) out.push([i * 60_000, price, price, price, price, 0]);
  return out;
}

const run = (ref: unknown, candles: Candle[]) => {
  const r = indicatorRefSchema.parse(ref);
  const ind = createIndicator(r);
  return candles.map((c) => {
    const v = ind.close(c);
    return v === undefined ? undefined : readOutput(r, v);
  });
};

describe('ratio indicators on a flat window read their convention value', () => {
  it('the RSI of unchanged closes wobbles by an ulp (the noise the convention absorbs)', () => {
    const rsi = new Rsi(14);
    const values = movingThenFlat(40).map((c) => rsi.close(c[4])!);
    const flat = values.slice(45);
    expect(new Set(flat).size).toBeGreaterThan(1);
    expect(Math.max(...flat) - Math.min(...flat)).toBeLessThan(1e-12);
  });

  it('StochRSI %K and %D read exactly 50 once stochPeriod + smoothing flat candles passed', () => {
    // 14 RSI values to fill the window, then 3 + 3 for the two smoothings
    const candles = movingThenFlat(40);
    for (const output of ['k', 'd'] as const) {
      const values = run({ indicator: 'stochrsi', output }, candles);
      const settled = values.slice(40 + 14 + 3 + 3);
      expect(settled.length).toBeGreaterThan(10);
      for (const v of settled) expect(v).toBeCloseTo(50, 9);
    }
  });

  it('the price Stochastic of a flat window is 50, and stays within 0..100 elsewhere', () => {
    const candles = movingThenFlat(30);
    const k = run({ indicator: 'stoch', output: 'k' }, candles);
    for (const v of k.slice(40 + 14 + 3)) expect(v).toBeCloseTo(50, 9);
    for (const v of k) if (v !== undefined) expect(v >= 0 && v <= 100).toBe(true);
  });

  it('Bollinger Bands of a flat window are the price itself, all three lines', () => {
    // 0.1 × 20 / 20 is 0.10000000000000002 in floating point: a plain mean lands an ulp off
    const candles: Candle[] = Array.from({ length: 25 }, (_, i) => [i * 60_000, 0.1, 0.1, 0.1, 0.1, 1]);
    for (const output of ['upper', 'middle', 'lower'] as const) {
      const values = run({ indicator: 'bollinger', period: 20, output }, candles);
      for (const v of values.slice(19)) expect(v).toBe(0.1);
    }
  });

  it('a window counts as flat within a relative 1e-9 of its values, scale-free', () => {
    expect(isFlat(75.12052936011906, 75.1205293601191)).toBe(true);
    expect(isFlat(100_000, 100_000.00001)).toBe(true);
    expect(isFlat(100_000, 100_000.01)).toBe(false);
    // a coin priced in satoshis with a one-tick range is not flat
    expect(isFlat(0.00000123, 0.00000124)).toBe(false);
    expect(isFlat(0, 0)).toBe(true);
  });

  it('a tiny real range still reads its true position', () => {
    const candles: Candle[] = Array.from({ length: 20 }, (_, i) => {
      const c = 0.00000123 + (i % 2) * 0.00000001;
      return [i * 60_000, c, c, c, c, 1];
    });
    const k = run({ indicator: 'stoch', kPeriod: 5, kSmooth: 1, dPeriod: 1, output: 'k' }, candles);
    // alternating low/high closes: the position is 0 on a low close and 100 on a high one
    expect(k.at(-1)).toBeCloseTo(100, 6);
    expect(k.at(-2)).toBeCloseTo(0, 6);
  });
});

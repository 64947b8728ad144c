import { describe, expect, it } from 'vitest';
import { draftKeyStep, stepPrice } from '../../../src/renderer/chart/draft-step';

describe('the arrow-key step of a price alert line', () => {
  it('is a round price worth at least three pixels', () => {
    // 1.7 per pixel → at least 5.1 → 10
    expect(draftKeyStep(1.7, 2)).toBe(10);
    // 0.6 per pixel → 1.8 → 2
    expect(draftKeyStep(0.6, 2)).toBe(2);
    // 0.0004 per pixel → 0.0012 → 0.002
    expect(draftKeyStep(0.0004, 4)).toBe(0.002);
  });

  it('is never finer than the market tick', () => {
    expect(draftKeyStep(0.0001, 2)).toBe(0.01);
    expect(draftKeyStep(0.00001, 0)).toBe(1);
  });

  it('falls back to one tick when the scale is unknown', () => {
    expect(draftKeyStep(NaN, 3)).toBe(0.001);
    expect(draftKeyStep(0, null)).toBe(1);
  });

  it('lands on the step grid, up and down', () => {
    expect(stepPrice(41_903.17, 10, 1)).toBe(41_910);
    expect(stepPrice(41_910, 10, 1)).toBe(41_920);
    expect(stepPrice(41_903.17, 10, -1)).toBe(41_900);
    expect(stepPrice(41_900, 10, -1)).toBe(41_890);
    expect(stepPrice(41_903.17, 10, 10)).toBe(42_000);
  });

  it('leaves no floating-point noise', () => {
    expect(stepPrice(0.3, 0.1, 1)).toBe(0.4);
    expect(stepPrice(1.0003, 0.002, -1)).toBe(1);
    expect(stepPrice(2.0193, 0.0005, 1)).toBe(2.0195);
  });
});

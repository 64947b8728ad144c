import { describe, expect, it } from 'vitest';
import { createIndicator, readOutput } from '../../../src/main/core/indicators/factory';
import { Ema, Sma, Wma } from '../../../src/main/core/indicators/moving-averages';
import { Rsi } from '../../../src/main/core/indicators/oscillators';
import { indicatorRefSchema, type IndicatorRef } from '../../../src/shared/domain/indicator';
import type { Candle } from '../../../src/shared/domain/market';
import * as ref from './reference';

const candles = ref.walk(400);
const closes = candles.map((c) => c[4]);
const highs = candles.map((c) => c[2]);
const lows = candles.map((c) => c[3]);

type Case = { ref: IndicatorRef; expected: ref.Series };
const pick = <T>(xs: (T | null)[], f: (x: T) => number): ref.Series =>
  xs.map((x) => (x === null ? null : f(x)));
const parse = (r: unknown) => indicatorRefSchema.parse(r);

const rsi14 = ref.rsi(closes, 14);
const cases: Case[] = [
  { ref: parse({ indicator: 'sma', period: 20 }), expected: ref.sma(closes, 20) },
  { ref: parse({ indicator: 'ema', period: 9 }), expected: ref.ema(closes, 9) },
  { ref: parse({ indicator: 'ema', period: 200 }), expected: ref.ema(closes, 200) },
  { ref: parse({ indicator: 'wma', period: 10 }), expected: ref.wma(closes, 10) },
  { ref: parse({ indicator: 'rsi', period: 14 }), expected: rsi14 },
  ...(['macd', 'signal', 'histogram'] as const).map((output) => ({
    ref: parse({ indicator: 'macd', output }),
    expected: pick(ref.macd(closes, 12, 26, 9), (m) => m[output]),
  })),
  ...(['upper', 'middle', 'lower'] as const).map((output) => ({
    ref: parse({ indicator: 'bollinger', period: 20, stdDev: 2, output }),
    expected: pick(ref.bollinger(closes, 20, 2), (b) => b[output]),
  })),
  { ref: parse({ indicator: 'atr', period: 14 }), expected: ref.atr(candles, 14) },
  ...(['k', 'd'] as const).map((output) => ({
    ref: parse({ indicator: 'stoch', kPeriod: 14, kSmooth: 3, dPeriod: 3, output }),
    expected: pick(ref.stochOf(closes, highs, lows, 14, 3, 3), (s) => s[output]),
  })),
  ...(['k', 'd'] as const).map((output) => ({
    ref: parse({ indicator: 'stochrsi', output }),
    expected: pick(ref.stochOf(rsi14, rsi14, rsi14, 14, 3, 3), (s) => s[output]),
  })),
  { ref: parse({ indicator: 'vwap' }), expected: ref.vwap(candles) },
  { ref: parse({ indicator: 'obv' }), expected: ref.obv(candles) },
  {
    ref: parse({ indicator: 'volume-sma', period: 20 }),
    expected: ref.sma(
      candles.map((c) => c[5]),
      20,
    ),
  },
  {
    ref: parse({ indicator: 'ema', period: 5, source: 'hlc3' }),
    expected: ref.ema(
      candles.map((c) => (c[2] + c[3] + c[4]) / 3),
      5,
    ),
  },
];

const name = (c: Case) => JSON.stringify(c.ref);

function expectNear(actual: number | undefined, expected: number | null, at: number) {
  if (expected === null) {
    expect(actual, `candle ${at}: not ready yet`).toBeUndefined();
    return;
  }
  expect(actual, `candle ${at}`).toBeDefined();
  const tolerance = 1e-9 * Math.max(1, Math.abs(expected));
  expect(Math.abs(actual! - expected), `candle ${at}: ${actual} vs ${expected}`).toBeLessThanOrEqual(
    tolerance,
  );
}

describe('indicators against a from-scratch reference', () => {
  it.each(cases.map((c) => [name(c), c] as const))('%s matches on every closed candle', (_n, c) => {
    const ind = createIndicator(c.ref);
    candles.forEach((candle, i) => {
      const v = ind.close(candle);
      expectNear(v === undefined ? undefined : readOutput(c.ref, v), c.expected[i]!, i);
    });
  });

  it.each(cases.map((c) => [name(c), c] as const))('%s declares its warm-up exactly', (_n, c) => {
    // vwap and obv are ready from the first candle that has volume / exists
    const firstReady = c.expected.findIndex((v) => v !== null);
    const ind = createIndicator(c.ref);
    if (c.ref.indicator === 'vwap') expect(ind.warmup).toBe(1);
    else expect(firstReady + 1).toBe(ind.warmup);
  });

  it.each(cases.map((c) => [name(c), c] as const))(
    '%s previews the forming candle without disturbing the history (replace-last)',
    (_n, c) => {
      const ind = createIndicator(c.ref);
      candles.forEach((candle, i) => {
        // three ticks of the forming candle, the last one equal to the final candle
        const [t, o, h, l, cl, v] = candle;
        const ticks: Candle[] = [
          [t, o, Math.max(o, o * 1.01), Math.min(o, o * 0.97), o * 0.97, v / 3],
          [t, o, h * 1.02, l, cl * 1.02, v / 2],
          candle,
        ];
        let last: number | undefined;
        for (const tick of ticks) {
          const p = ind.update(tick);
          last = p === undefined ? undefined : readOutput(c.ref, p);
        }
        expectNear(last, c.expected[i]!, i);
        const closed = ind.close(candle);
        expectNear(closed === undefined ? undefined : readOutput(c.ref, closed), c.expected[i]!, i);
      });
    },
  );
});

describe('indicators against published values', () => {
  // Wilder's RSI worked example as StockCharts publishes it (their table rounds the averages to two
  // decimals at each step, hence the 0.1 tolerance). Unrounded, the first value is exactly
  // avg gain 3.34/14 over avg loss 1.40/14: 100 − 100 / (1 + 3.34/1.40) = 70.4641.
  const wilderCloses = [
    44.34, 44.09, 44.15, 43.61, 44.33, 44.83, 45.1, 45.42, 45.84, 46.08, 45.89, 46.03, 45.61, 46.28, 46.28,
    46.0, 46.03, 46.41, 46.22, 45.64, 46.21, 46.25, 45.71, 46.45, 45.78, 45.35, 44.03, 44.18, 44.22, 44.57,
    43.42, 42.66, 43.13,
  ];
  const publishedRsi = [
    70.53, 66.32, 66.55, 69.41, 66.36, 57.97, 62.93, 63.26, 56.06, 62.38, 54.71, 50.42, 39.99, 41.46, 41.87,
    45.46, 37.3, 33.08, 37.77,
  ];

  it("reproduces Wilder's RSI(14) worked example", () => {
    const rsi = new Rsi(14);
    const values = wilderCloses.map((c) => rsi.close(c));
    expect(values.slice(0, 14).every((v) => v === undefined)).toBe(true);
    expect(values[14]).toBeCloseTo(100 - 100 / (1 + 3.34 / 1.4), 10);
    expect(values[14]).toBeCloseTo(70.4641, 4);
    values.slice(14).forEach((v, i) => expect(Math.abs(v! - publishedRsi[i]!)).toBeLessThan(0.1));
  });

  it("reproduces StockCharts' 10-day EMA example (SMA seed, multiplier 2/11)", () => {
    const closes10 = [
      22.27, 22.19, 22.08, 22.17, 22.18, 22.13, 22.23, 22.43, 22.24, 22.29, 22.15, 22.39, 22.38, 22.61, 23.36,
      24.05, 23.75, 23.83, 23.95, 23.63, 23.82, 23.87, 23.65, 23.19, 23.1, 23.33, 22.68, 23.1, 22.4, 22.17,
    ];
    const published = [
      22.22, 22.21, 22.24, 22.27, 22.33, 22.52, 22.8, 22.97, 23.13, 23.28, 23.34, 23.43, 23.51, 23.54, 23.47,
      23.4, 23.39, 23.26, 23.23, 23.08, 22.92,
    ];
    const ema = new Ema(10);
    const values = closes10.map((c) => ema.close(c));
    expect(values.slice(0, 9).every((v) => v === undefined)).toBe(true);
    values.slice(9).forEach((v, i) => expect(Math.abs(v! - published[i]!)).toBeLessThanOrEqual(0.011));
  });

  it('reads a flat market as RSI 50, a steady rise as 100 and a steady fall as 0', () => {
    const flat = new Rsi(3);
    expect([5, 5, 5, 5, 5].map((x) => flat.close(x)).at(-1)).toBe(50);
    const up = new Rsi(3);
    expect([1, 2, 3, 4, 5].map((x) => up.close(x)).at(-1)).toBe(100);
    const down = new Rsi(3);
    expect([5, 4, 3, 2, 1].map((x) => down.close(x)).at(-1)).toBe(0);
  });

  it('restarts VWAP at UTC midnight', () => {
    const vwap = createIndicator(parse({ indicator: 'vwap' }));
    const day1 = Date.UTC(2024, 0, 1, 23, 59);
    expect(vwap.close([day1, 10, 12, 8, 10, 100])).toBe(10);
    expect(vwap.close([day1 + 60_000, 30, 33, 27, 30, 100])).toBe(30);
    expect(vwap.update([day1 + 120_000, 40, 43, 37, 40, 100])).toBe(35);
  });
});

describe('running sums stay exact over long runs', () => {
  it('SMA, WMA and EMA after 100,000 steps at BTC-sized prices', () => {
    const sma = new Sma(50);
    const wma = new Wma(50);
    const ema = new Ema(50);
    const xs: number[] = [];
    let last = { s: 0, w: 0, e: 0 };
    for (let i = 0; i < 100_000; i++) {
      const x = 100_000 + Math.sin(i / 10) * 500 + (i % 7) * 0.01;
      xs.push(x);
      last = { s: sma.close(x)!, w: wma.close(x)!, e: ema.close(x)! };
    }
    const window = xs.slice(-50);
    expect(last.s).toBeCloseTo(window.reduce((a, b) => a + b, 0) / 50, 8);
    expect(last.w).toBeCloseTo(window.reduce((a, b, i) => a + b * (i + 1), 0) / 1275, 8);
    expect(last.e).toBeCloseTo(ref.ema(xs.slice(-2_000), 50).at(-1)!, 6);
  });
});

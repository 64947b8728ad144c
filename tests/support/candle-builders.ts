import type { Candle } from '../../src/shared/domain/market';

export const MINUTE = 60_000;
export const T0 = Date.UTC(2026, 0, 5, 12, 0, 0);

/** A deterministic closed candle for index i of a series starting at `start`. */
export function candleAt(i: number, start = T0, period = MINUTE): Candle {
  const open = 100 + ((i * 37) % 11);
  const close = 100 + ((i * 53) % 13);
  return [
    start + i * period,
    open,
    Math.max(open, close) + 2,
    Math.min(open, close) - 1,
    close,
    10 + (i % 7),
  ];
}

export function candles(from: number, count: number, start = T0, period = MINUTE): Candle[] {
  return Array.from({ length: count }, (_, k) => candleAt(from + k, start, period));
}

/** What a websocket shows of a candle part of the way through it (progress in (0, 1]; 1 = final). */
export function partial(c: Candle, progress: number): Candle {
  if (progress >= 1) return [...c];
  const [t, o, h, l, cl, v] = c;
  const close = o + (cl - o) * progress;
  return [
    t,
    o,
    Math.max(o, close, o + (h - o) * progress),
    Math.min(o, close, o + (l - o) * progress),
    close,
    v * progress,
  ];
}

/** mulberry32: a small seeded PRNG for scenario tests */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/**
 * From-scratch batch implementations of the indicators, written straight from their textbook
 * definitions (whole array in, whole array out, null before the first value). The streaming
 * indicators are checked against these, so the two must never share code.
 */
import type { Candle } from '../../../src/shared/domain/market';

export type Series = (number | null)[];

export function sma(xs: number[], n: number): Series {
  return xs.map((_, i) => (i < n - 1 ? null : mean(xs.slice(i - n + 1, i + 1))));
}

export function wma(xs: number[], n: number): Series {
  const div = (n * (n + 1)) / 2;
  return xs.map((_, i) => {
    if (i < n - 1) return null;
    let s = 0;
    for (let j = 0; j < n; j++) s += (j + 1) * xs[i - n + 1 + j]!;
    return s / div;
  });
}

/** exponential smoothing of the non-null inputs, seeded by the mean of the first n */
function smooth(xs: Series, n: number, alpha: number): Series {
  const out: Series = [];
  const seen: number[] = [];
  let prev: number | null = null;
  for (const x of xs) {
    if (x === null) {
      out.push(null);
      continue;
    }
    seen.push(x);
    if (seen.length < n) out.push(null);
    else if (seen.length === n) out.push((prev = mean(seen)));
    else out.push((prev = prev! + alpha * (x - prev!)));
  }
  return out;
}

export const ema = (xs: Series, n: number): Series => smooth(xs, n, 2 / (n + 1));
export const rma = (xs: Series, n: number): Series => smooth(xs, n, 1 / n);

export function rsi(xs: number[], n: number): Series {
  const gains: Series = xs.map((x, i) => (i === 0 ? null : Math.max(x - xs[i - 1]!, 0)));
  const losses: Series = xs.map((x, i) => (i === 0 ? null : Math.max(xs[i - 1]! - x, 0)));
  const g = rma(gains, n);
  const l = rma(losses, n);
  return xs.map((_, i) => {
    const a = g[i];
    const b = l[i];
    if (a == null || b == null) return null;
    if (a + b === 0) return 50;
    return 100 - 100 / (1 + a / b);
  });
}

export function macd(xs: number[], fast: number, slow: number, signal: number) {
  const f = ema(xs, fast);
  const s = ema(xs, slow);
  const line: Series = xs.map((_, i) => (f[i] == null || s[i] == null ? null : f[i]! - s[i]!));
  const sig = ema(line, signal);
  return xs.map((_, i) =>
    sig[i] == null ? null : { macd: line[i]!, signal: sig[i]!, histogram: line[i]! - sig[i]! },
  );
}

export function bollinger(xs: number[], n: number, k: number) {
  return xs.map((_, i) => {
    if (i < n - 1) return null;
    const w = xs.slice(i - n + 1, i + 1);
    const m = mean(w);
    const sd = Math.sqrt(mean(w.map((v) => (v - m) ** 2)));
    return { upper: m + k * sd, middle: m, lower: m - k * sd };
  });
}

export function atr(cs: Candle[], n: number): Series {
  const tr = cs.map((c, i) => {
    const [, , h, l] = c;
    if (i === 0) return h - l;
    const pc = cs[i - 1]![4];
    return Math.max(h - l, Math.abs(h - pc), Math.abs(l - pc));
  });
  return rma(tr, n);
}

/** stochastic of values v within highs/lows over n, then SMA smoothing of %K and %D */
export function stochOf(v: Series, hi: Series, lo: Series, n: number, kSmooth: number, dPeriod: number) {
  const raw: Series = v.map((x, i) => {
    if (x == null) return null;
    const hs = hi.slice(Math.max(0, i - n + 1), i + 1);
    const ls = lo.slice(Math.max(0, i - n + 1), i + 1);
    if (hs.length < n || hs.some((h) => h == null)) return null;
    const hh = Math.max(...(hs as number[]));
    const ll = Math.min(...(ls as number[]));
    return hh === ll ? 50 : (100 * (x - ll)) / (hh - ll);
  });
  const k = smaOfSeries(raw, kSmooth);
  const d = smaOfSeries(k, dPeriod);
  return v.map((_, i) => (d[i] == null ? null : { k: k[i]!, d: d[i]! }));
}

function smaOfSeries(xs: Series, n: number): Series {
  const out: Series = [];
  const seen: number[] = [];
  for (const x of xs) {
    if (x == null) {
      out.push(null);
      continue;
    }
    seen.push(x);
    out.push(seen.length < n ? null : mean(seen.slice(-n)));
  }
  return out;
}

export function vwap(cs: Candle[]): Series {
  return cs.map((c, i) => {
    const day = Math.floor(c[0] / 86_400_000);
    let pv = 0;
    let vol = 0;
    for (let j = 0; j <= i; j++) {
      const d = cs[j]!;
      if (Math.floor(d[0] / 86_400_000) !== day) continue;
      pv += ((d[2] + d[3] + d[4]) / 3) * d[5];
      vol += d[5];
    }
    return vol > 0 ? pv / vol : null;
  });
}

export function obv(cs: Candle[]): Series {
  let total = 0;
  return cs.map((c, i) => {
    if (i > 0) {
      const diff = c[4] - cs[i - 1]![4];
      if (diff > 0) total += c[5];
      if (diff < 0) total -= c[5];
    }
    return total;
  });
}

function mean(xs: number[]): number {
  return xs.reduce((a, b) => a + b, 0) / xs.length;
}

/** Deterministic candles: a seeded random walk, 1m apart, crossing a UTC midnight. */
export function walk(count: number, seed = 7, start = Date.UTC(2024, 0, 1, 22, 0)): Candle[] {
  let s = seed >>> 0;
  const rnd = () => {
    s = (s * 1_664_525 + 1_013_904_223) >>> 0;
    return s / 2 ** 32;
  };
  let price = 100;
  const out: Candle[] = [];
  for (let i = 0; i < count; i++) {
    const open = price;
    // a few unchanged closes and zero-volume candles exercise the edge cases
    const close = i % 53 === 0 ? open : open * (1 + (rnd() - 0.5) * 0.02);
    const high = Math.max(open, close) * (1 + rnd() * 0.005);
    const low = Math.min(open, close) * (1 - rnd() * 0.005);
    const volume = i % 37 === 0 ? 0 : Math.round(1_000 * rnd() * 100) / 100;
    out.push([start + i * 60_000, open, high, low, close, volume]);
    price = close;
  }
  return out;
}

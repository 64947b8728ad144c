import type { Candle } from '../../../shared/domain/market';

/** Candles of `rows` opening at or after `from` (only the newest when `from` is unknown), copied. */
export function readSince(rows: readonly number[][], from: number | undefined): Candle[] {
  const out: Candle[] = [];
  for (let i = rows.length - 1; i >= 0; i--) {
    const c = toCandle(rows[i]!);
    if (!c) continue;
    if (from === undefined) {
      out.push(c);
      break;
    }
    if (c[0] < from) break;
    out.push(c);
  }
  return out.reverse();
}

export function toCandle(r: readonly number[]): Candle | null {
  const [t, o, h, l, c, v] = r;
  if (
    !Number.isFinite(t) ||
    !Number.isFinite(o) ||
    !Number.isFinite(h) ||
    !Number.isFinite(l) ||
    !Number.isFinite(c)
  )
    return null;
  return [t!, o!, h!, l!, c!, Number.isFinite(v) ? v! : 0];
}

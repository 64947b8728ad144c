import type { Candle } from '../../../../src/shared/domain/market';
import { alignTime, timeframeMs } from '../../../../src/shared/timeframe';
import { klineAt, shown, toCandle, type Kline } from '../klines';
import type { PriceSeries } from '../price-series';

/**
 * A bar as an exchange cuts it: a unified timeframe (fixed length: no months) whose bars open
 * `shiftMs` before the UTC boundaries — OKX's Hong Kong bars (`1D`, `6H`, `12H`, `1W`) open at
 * 16:00 UTC, the UTC+8 midnight: `shiftMs` = 8 h. UTC bars have `shiftMs` 0.
 */
export type BarSpec = { timeframe: string; shiftMs: number };

export const HONG_KONG_SHIFT_MS = 8 * 3_600_000;

/** Open time of the bar that contains `time`. */
export function barOpen(time: number, bar: BarSpec): number {
  return alignTime(time + bar.shiftMs, bar.timeframe) - bar.shiftMs;
}

/**
 * The bar opening at `openTime` as it stands at `now` (see klineAt), or null before the series, in
 * the future, or when the exchange shows nothing for a bar without trades (klines.ts `shown`).
 */
export function barAt(series: PriceSeries, bar: BarSpec, openTime: number, now: number): Kline | null {
  const kline = klineAt(series, bar.timeframe, openTime, now);
  return kline && shown(series, kline) ? kline : null;
}

/**
 * Bars newest first, the order OKX and Bybit answer in: open times < `before` and > `after` (both
 * exclusive, either may be absent), at most `limit`, counted from the newest (the forming bar is
 * included), never older than `oldest`.
 */
export function barsNewestFirst(
  series: PriceSeries,
  bar: BarSpec,
  range: { below?: number; above?: number; limit: number; oldest?: number },
  now: number,
): Kline[] {
  const period = barPeriod(bar);
  const first = Math.max(barOpen(series.startSecond * 1000, bar), range.oldest ?? -Infinity);
  let t = barOpen(now, bar);
  if (range.below !== undefined) t = Math.min(t, barOpen(range.below - 1, bar));
  const rows: Kline[] = [];
  while (t >= first && rows.length < range.limit && (range.above === undefined || t > range.above)) {
    const kline = barAt(series, bar, t, now);
    if (kline) rows.push(kline);
    t -= period;
  }
  return rows;
}

/** Closed bars with open times in [from, to], oldest first, as ccxt parses them. */
export function closedBars(
  series: PriceSeries,
  bar: BarSpec,
  from: number,
  to: number,
  now: number,
): Candle[] {
  const period = barPeriod(bar);
  const out: Candle[] = [];
  let t = Math.max(barOpen(from - 1, bar) + period, barOpen(series.startSecond * 1000, bar));
  for (; t <= to; t += period) {
    const kline = klineAt(series, bar.timeframe, t, now);
    if (!kline || !kline.closed) break;
    if (shown(series, kline)) out.push(toCandle(series, kline));
  }
  return out;
}

/** The length of a bar (fixed: month bars are not modelled). */
export function barPeriod(bar: BarSpec): number {
  if (bar.timeframe.endsWith('M'))
    throw new Error(`Fake exchange: month bars (${bar.timeframe}) are not modelled`);
  return timeframeMs(bar.timeframe);
}

/**
 * One candle subscription's view of time: the bar it has seen forming, so that every bar that
 * closes is pushed closed exactly once (at the first look after its end; none during a stall).
 */
export class BarCursor {
  private formingOpen: number;

  constructor(
    readonly bar: BarSpec,
    now: number,
  ) {
    this.formingOpen = barOpen(now, bar);
  }

  /** open times of the bars that closed since the last call, oldest first */
  closedSince(now: number): number[] {
    const current = barOpen(now, this.bar);
    const closed: number[] = [];
    while (this.formingOpen < current) {
      closed.push(this.formingOpen);
      this.formingOpen += barPeriod(this.bar);
    }
    return closed;
  }
}

import type { Candle } from '../../../src/shared/domain/market';
import { alignTime, nextOpenTime } from '../../../src/shared/timeframe';
import { formatFloat, formatScaled } from './decimal';
import { TRADE_ID_STRIDE, emptyBar, type Bar, type PriceSeries } from './price-series';

/** Every interval Binance spot accepts for klines (case-sensitive: 1m is a minute, 1M a month). */
export const BINANCE_INTERVALS = [
  '1s',
  '1m',
  '3m',
  '5m',
  '15m',
  '30m',
  '1h',
  '2h',
  '4h',
  '6h',
  '8h',
  '12h',
  '1d',
  '3d',
  '1w',
  '1M',
] as const;

export function isBinanceInterval(interval: string): boolean {
  return (BINANCE_INTERVALS as readonly string[]).includes(interval);
}

export type Kline = {
  openTime: number;
  /** openTime of the next candle − 1, as Binance reports it */
  closeTime: number;
  bar: Bar;
  /** true once the candle's period is over: its values never change again */
  closed: boolean;
};

/**
 * The candle of `series` opening at `openTime` (must be aligned) as it stands at `now`: the aggregate
 * of the seconds completed so far. A candle whose first second has not completed yet has o=h=l=c =
 * the previous close and no volume, like Binance's first update of a candle. Null if it does not
 * exist (in the future, or entirely before the series starts).
 */
export function klineAt(series: PriceSeries, interval: string, openTime: number, now: number): Kline | null {
  if (openTime > now) return null;
  const nextOpen = nextOpenTime(openTime, interval);
  const openSecond = openTime / 1000;
  const endSecond = nextOpen / 1000;
  if (endSecond <= series.startSecond) return null;
  const completedTo = Math.min(endSecond, Math.floor(now / 1000));
  let bar = series.aggregate(openSecond, completedTo);
  if (!bar || bar.firstSecond < 0) {
    const price = series.closeOf(Math.max(openSecond, series.startSecond) - 1);
    bar = { ...emptyBar(), open: price, high: price, low: price, close: price };
  }
  return { openTime, closeTime: nextOpen - 1, bar, closed: nextOpen <= now };
}

/** Open time of the first candle that opens at or after `time`. */
export function ceilOpenTime(time: number, interval: string): number {
  const aligned = alignTime(time, interval);
  return aligned === time ? aligned : nextOpenTime(aligned, interval);
}

export type KlineRange = { startTime?: number; endTime?: number; limit: number };

/**
 * Whether an exchange would show this candle at all: one without trades only where the exchange
 * pushes flat bars for empty intervals (series.emptyIntervals, set per fake from the exchange's
 * docs). A thin Binance market models the exchanges that send nothing then, on the socket and over
 * REST alike (Bitfinex: "candles with no trades are not returned by the API", bfx-hf-util
 * lib/candles/preprocess_remote_candles.js); Binance itself pushes a flat kline.
 */
export function shown(series: PriceSeries, kline: Kline): boolean {
  return kline.bar.trades > 0 || series.emptyIntervals === 'pushed';
}

/**
 * Binance spot `GET /api/v3/klines` selection: candles whose open time is ≥ startTime and ≤ endTime;
 * with no startTime, the `limit` most recent ones up to endTime (or now); with a startTime, the first
 * `limit` from it. The last candle may be the forming one.
 */
export function listKlines(series: PriceSeries, interval: string, range: KlineRange, now: number): Kline[] {
  const firstOpen = alignTime(series.startSecond * 1000, interval);
  const lastOpen = Math.min(alignTime(now, interval), range.endTime ?? Infinity);
  const opens: number[] = [];
  if (range.startTime !== undefined) {
    let t = Math.max(ceilOpenTime(range.startTime, interval), firstOpen);
    while (t <= lastOpen && opens.length < range.limit) {
      opens.push(t);
      t = nextOpenTime(t, interval);
    }
  } else {
    let t = alignTime(lastOpen, interval);
    while (t >= firstOpen && opens.length < range.limit) {
      opens.push(t);
      t = alignTime(t - 1, interval);
    }
    opens.reverse();
  }
  const rows: Kline[] = [];
  for (const openTime of opens) {
    const kline = klineAt(series, interval, openTime, now);
    if (kline && shown(series, kline)) rows.push(kline);
  }
  return rows;
}

/** Closed candles with open times in [fromOpenTime, toOpenTime], as numbers parsed from the REST strings. */
export function closedCandles(
  series: PriceSeries,
  interval: string,
  fromOpenTime: number,
  toOpenTime: number,
  now: number,
): Candle[] {
  const candles: Candle[] = [];
  let t = Math.max(ceilOpenTime(fromOpenTime, interval), alignTime(series.startSecond * 1000, interval));
  while (t <= toOpenTime) {
    const kline = klineAt(series, interval, t, now);
    if (!kline || !kline.closed) break;
    if (shown(series, kline)) candles.push(toCandle(series, kline));
    t = nextOpenTime(t, interval);
  }
  return candles;
}

export function toCandle(series: PriceSeries, kline: Kline): Candle {
  const { bar } = kline;
  return [
    kline.openTime,
    series.tickToNumber(bar.open),
    series.tickToNumber(bar.high),
    series.tickToNumber(bar.low),
    series.tickToNumber(bar.close),
    series.stepToNumber(bar.volume),
  ];
}

export function firstTradeId(bar: Bar): number {
  return bar.firstSecond < 0 ? -1 : bar.firstSecond * TRADE_ID_STRIDE;
}

export function lastTradeId(bar: Bar): number {
  return bar.lastSecond < 0 ? -1 : bar.lastSecond * TRADE_ID_STRIDE + bar.lastSecondTrades - 1;
}

/** One row of the REST answer, field for field as Binance sends it. */
export function klineRow(series: PriceSeries, kline: Kline): (string | number)[] {
  const { priceDecimals: pd, qtyDecimals: qd } = series.spec;
  const { bar } = kline;
  return [
    kline.openTime,
    formatScaled(bar.open, pd),
    formatScaled(bar.high, pd),
    formatScaled(bar.low, pd),
    formatScaled(bar.close, pd),
    formatScaled(bar.volume, qd),
    kline.closeTime,
    formatFloat(bar.quoteVolume),
    bar.trades,
    formatScaled(bar.takerBuyVolume, qd),
    formatFloat(bar.takerBuyQuoteVolume),
    '0',
  ];
}

/** The `k` object of a kline stream event. */
export function klineEventBody(series: PriceSeries, interval: string, kline: Kline): Record<string, unknown> {
  const { priceDecimals: pd, qtyDecimals: qd, id } = series.spec;
  const { bar } = kline;
  return {
    t: kline.openTime,
    T: kline.closeTime,
    s: id,
    i: interval,
    f: firstTradeId(bar),
    L: lastTradeId(bar),
    o: formatScaled(bar.open, pd),
    c: formatScaled(bar.close, pd),
    h: formatScaled(bar.high, pd),
    l: formatScaled(bar.low, pd),
    v: formatScaled(bar.volume, qd),
    n: bar.trades,
    x: kline.closed,
    q: formatFloat(bar.quoteVolume),
    V: formatScaled(bar.takerBuyVolume, qd),
    Q: formatFloat(bar.takerBuyQuoteVolume),
    B: '0',
  };
}

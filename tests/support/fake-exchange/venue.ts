import { formatFloat, formatScaled } from './decimal';
import { firstTradeId, lastTradeId } from './klines';
import { marketSpec, type MarketSpec } from './markets';
import { SimulatedBook } from './order-book';
import { SECONDS_PER_DAY, emptyBar, PriceSeries, type Bar, type EmptyIntervals } from './price-series';

/** One listed market: its spec, ground-truth series and order book. */
export type Listing = { spec: MarketSpec; series: PriceSeries; book: SimulatedBook };

/** Rolling 24 h statistics, the common part of the REST ticker and the ticker streams. */
type Rolling24h = { bar: Bar; prevClose: number; lastQty: number; openTime: number; closeTime: number };

/** Binance's one-letter names, in the `24hrTicker` stream event, of the REST ticker's fields. */
const TICKER_STREAM_KEYS: readonly (readonly [string, string])[] = [
  ['priceChange', 'p'],
  ['priceChangePercent', 'P'],
  ['weightedAvgPrice', 'w'],
  ['prevClosePrice', 'x'],
  ['lastPrice', 'c'],
  ['lastQty', 'Q'],
  ['bidPrice', 'b'],
  ['bidQty', 'B'],
  ['askPrice', 'a'],
  ['askQty', 'A'],
  ['openPrice', 'o'],
  ['highPrice', 'h'],
  ['lowPrice', 'l'],
  ['volume', 'v'],
  ['quoteVolume', 'q'],
  ['openTime', 'O'],
  ['closeTime', 'C'],
  ['firstId', 'F'],
  ['lastId', 'L'],
  ['count', 'n'],
];

/** The markets the fake exchange lists, by Binance id and by ccxt symbol. */
export class Venue {
  readonly listings: Listing[];
  private readonly byId = new Map<string, Listing>();

  constructor(
    symbols: string[],
    seed: number,
    startSecond: number,
    market: { thin?: boolean; emptyIntervals: EmptyIntervals },
  ) {
    this.listings = symbols.map((symbol) => {
      const spec = marketSpec(symbol, seed);
      const series = new PriceSeries(spec, startSecond, market.thin ?? false, market.emptyIntervals);
      return { spec, series, book: new SimulatedBook(series) };
    });
    for (const listing of this.listings) this.byId.set(listing.spec.id, listing);
  }

  /** Nobody trades on any listed market in [fromMs, toMs) (VenueFaults.noTrades). */
  noTrades(fromMs: number, toMs: number): void {
    for (const { series } of this.listings)
      series.noTradesBetween(Math.floor(fromMs / 1000), Math.ceil(toMs / 1000));
  }

  /** By Binance id (case-insensitive, since stream names are lowercase). */
  byMarketId(id: string): Listing | undefined {
    return this.byId.get(id.toUpperCase());
  }

  bySymbol(symbol: string): Listing | undefined {
    return this.listings.find((listing) => listing.spec.symbol === symbol);
  }

  private rolling24h(listing: Listing, now: number): Rolling24h {
    const { series } = listing;
    const to = Math.floor(now / 1000);
    const from = to - SECONDS_PER_DAY;
    const prevClose = series.closeOf(Math.max(from, series.startSecond) - 1);
    const bar = series.aggregate(from, to) ?? {
      ...emptyBar(),
      open: prevClose,
      high: prevClose,
      low: prevClose,
      close: prevClose,
    };
    const lastQty = series.aggregate(to - 1, to)?.volume ?? 0;
    return { bar, prevClose, lastQty, openTime: now - SECONDS_PER_DAY * 1000, closeTime: now };
  }

  /** `GET /api/v3/ticker/24hr` entry (FULL type). */
  restTicker(listing: Listing, now: number): Record<string, unknown> {
    const t = this.rolling24h(listing, now);
    const { bid, ask } = listing.book.top(now);
    const { priceDecimals: pd, qtyDecimals: qd } = listing.spec;
    const p = (ticks: number): string => formatScaled(ticks, pd);
    const q = (steps: number): string => formatScaled(steps, qd);
    return {
      symbol: listing.spec.id,
      priceChange: p(t.bar.close - t.bar.open),
      priceChangePercent: percentChange(t.bar),
      weightedAvgPrice: weightedAverage(listing, t.bar),
      prevClosePrice: p(t.prevClose),
      lastPrice: p(t.bar.close),
      lastQty: q(t.lastQty),
      bidPrice: p(bid[0]),
      bidQty: q(bid[1]),
      askPrice: p(ask[0]),
      askQty: q(ask[1]),
      openPrice: p(t.bar.open),
      highPrice: p(t.bar.high),
      lowPrice: p(t.bar.low),
      volume: q(t.bar.volume),
      quoteVolume: formatFloat(t.bar.quoteVolume),
      openTime: t.openTime,
      closeTime: t.closeTime,
      firstId: firstTradeId(t.bar),
      lastId: lastTradeId(t.bar),
      count: t.bar.trades,
    };
  }

  /** `<symbol>@ticker` stream event (24hrTicker, with best bid/ask): the REST ticker's fields, renamed. */
  tickerEvent(listing: Listing, now: number): Record<string, unknown> {
    const rest = this.restTicker(listing, now);
    const event: Record<string, unknown> = { e: '24hrTicker', E: now, s: listing.spec.id };
    for (const [restKey, streamKey] of TICKER_STREAM_KEYS) event[streamKey] = rest[restKey];
    return event;
  }

  /** `<symbol>@miniTicker` stream event: what ccxt's watchTicker subscribes by default (no bid/ask). */
  miniTickerEvent(listing: Listing, now: number): Record<string, unknown> {
    const t = this.rolling24h(listing, now);
    const { priceDecimals: pd, qtyDecimals: qd } = listing.spec;
    return {
      e: '24hrMiniTicker',
      E: now,
      s: listing.spec.id,
      c: formatScaled(t.bar.close, pd),
      o: formatScaled(t.bar.open, pd),
      h: formatScaled(t.bar.high, pd),
      l: formatScaled(t.bar.low, pd),
      v: formatScaled(t.bar.volume, qd),
      q: formatFloat(t.bar.quoteVolume),
    };
  }

  /** `GET /api/v3/ticker/bookTicker` entry. */
  restBookTicker(listing: Listing, now: number): Record<string, unknown> {
    const { bid, ask } = listing.book.top(now);
    const { priceDecimals: pd, qtyDecimals: qd } = listing.spec;
    return {
      symbol: listing.spec.id,
      bidPrice: formatScaled(bid[0], pd),
      bidQty: formatScaled(bid[1], qd),
      askPrice: formatScaled(ask[0], pd),
      askQty: formatScaled(ask[1], qd),
    };
  }

  /** `<symbol>@bookTicker` stream event: no event type, ccxt recognises it by its b/a fields. */
  bookTickerEvent(listing: Listing, now: number): Record<string, unknown> {
    const rest = this.restBookTicker(listing, now);
    return {
      u: listing.book.updateId(),
      s: listing.spec.id,
      b: rest['bidPrice'],
      B: rest['bidQty'],
      a: rest['askPrice'],
      A: rest['askQty'],
    };
  }
}

function percentChange(bar: Bar): string {
  return bar.open === 0 ? '0.000' : (((bar.close - bar.open) / bar.open) * 100).toFixed(3);
}

function weightedAverage(listing: Listing, bar: Bar): string {
  const base = listing.series.stepToNumber(bar.volume);
  return formatFloat(base === 0 ? listing.series.tickToNumber(bar.close) : bar.quoteVolume / base);
}

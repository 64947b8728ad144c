import { formatScaled } from '../../decimal';
import type { Kline } from '../../klines';
import type { Listing, Venue } from '../../venue';
import type { BarSpec } from '../bars';

/**
 * Bybit v5 names. Categories `spot` and `linear` (USDT perpetuals, symbol BASE/QUOTE:QUOTE in ccxt)
 * share one id per market (BTCUSDT); the fake's linear market trades on the spot market's ground
 * truth. Kline intervals "1,3,5,15,30,60,120,240,360,720,D,W,M" — all UTC bars ("Get Kline",
 * interval parameter); no 1s.
 */
export type BybitCategory = 'spot' | 'linear';

export const BYBIT_INTERVALS: Record<string, BarSpec> = {
  '1': { timeframe: '1m', shiftMs: 0 },
  '3': { timeframe: '3m', shiftMs: 0 },
  '5': { timeframe: '5m', shiftMs: 0 },
  '15': { timeframe: '15m', shiftMs: 0 },
  '30': { timeframe: '30m', shiftMs: 0 },
  '60': { timeframe: '1h', shiftMs: 0 },
  '120': { timeframe: '2h', shiftMs: 0 },
  '240': { timeframe: '4h', shiftMs: 0 },
  '360': { timeframe: '6h', shiftMs: 0 },
  '720': { timeframe: '12h', shiftMs: 0 },
  D: { timeframe: '1d', shiftMs: 0 },
  W: { timeframe: '1w', shiftMs: 0 },
};

export const bybitId = (listing: Listing): string => listing.spec.base + listing.spec.quote;

export function byBybitId(venue: Venue, id: string | undefined): Listing | undefined {
  return id === undefined ? undefined : venue.listings.find((l) => bybitId(l) === id);
}

const plain = (units: number, decimals: number): string => formatScaled(units, decimals, decimals);

/** REST kline row: [startTime, open, high, low, close, volume (base), turnover (quote)], all strings. */
export function bybitKlineRow(listing: Listing, kline: Kline): string[] {
  const { priceDecimals: pd, qtyDecimals: qd } = listing.spec;
  const { bar } = kline;
  return [
    String(kline.openTime),
    plain(bar.open, pd),
    plain(bar.high, pd),
    plain(bar.low, pd),
    plain(bar.close, pd),
    plain(bar.volume, qd),
    bar.quoteVolume.toFixed(pd + qd),
  ];
}

/**
 * WebSocket kline entry ("WS / Kline": start, end, interval, open, close, high, low, volume,
 * turnover, `confirm` "Weather the tick is ended or not", timestamp).
 */
export function bybitKlineEvent(
  listing: Listing,
  interval: string,
  kline: Kline,
  now: number,
): Record<string, unknown> {
  const [start, open, high, low, close, volume, turnover] = bybitKlineRow(listing, kline);
  return {
    start: Number(start),
    end: kline.closeTime,
    interval,
    open,
    close,
    high,
    low,
    volume,
    turnover,
    confirm: kline.closed,
    timestamp: now,
  };
}

/** `GET /v5/market/instruments-info` entry ("Get Instruments Info", spot and linear shapes). */
export function bybitInstrument(listing: Listing, category: BybitCategory): Record<string, unknown> {
  const { spec } = listing;
  const tick = plain(1, spec.priceDecimals);
  const step = plain(1, spec.qtyDecimals);
  if (category === 'spot')
    return {
      symbol: bybitId(listing),
      baseCoin: spec.base,
      quoteCoin: spec.quote,
      innovation: '0',
      status: 'Trading',
      marginTrading: 'none',
      lotSizeFilter: {
        basePrecision: step,
        quotePrecision: '0.00000001',
        minOrderQty: step,
        maxOrderQty: '9000',
        minOrderAmt: '1',
        maxOrderAmt: '4000000',
      },
      priceFilter: { tickSize: tick },
    };
  return {
    symbol: bybitId(listing),
    contractType: 'LinearPerpetual',
    status: 'Trading',
    baseCoin: spec.base,
    quoteCoin: spec.quote,
    launchTime: '1585526400000',
    deliveryTime: '0',
    deliveryFeeRate: '',
    priceScale: String(spec.priceDecimals),
    leverageFilter: { minLeverage: '1', maxLeverage: '100.00', leverageStep: '0.01' },
    priceFilter: { minPrice: tick, maxPrice: '1999999.80', tickSize: tick },
    lotSizeFilter: {
      maxOrderQty: '1190.000',
      minOrderQty: step,
      qtyStep: step,
      postOnlyMaxOrderQty: '1190.000',
      maxMktOrderQty: '500.000',
      minNotionalValue: '5',
    },
    unifiedMarginTrade: true,
    fundingInterval: 480,
    settleCoin: spec.quote,
    copyTrading: 'both',
    upperFundingRate: '0.00375',
    lowerFundingRate: '-0.00375',
  };
}

/**
 * Ticker ("Get Tickers" / "WS / Ticker"): spot has no best bid/ask on the socket; linear adds bid1/ask1,
 * mark and index prices, funding rate and next funding time.
 */
export function bybitTicker(
  venue: Venue,
  listing: Listing,
  category: BybitCategory,
  now: number,
): Record<string, string> {
  const rest = venue.restTicker(listing, now);
  const { bid, ask } = listing.book.top(now);
  const { priceDecimals: pd, qtyDecimals: qd } = listing.spec;
  const num = (key: string) => String(Number(rest[key]));
  const common = {
    symbol: bybitId(listing),
    lastPrice: num('lastPrice'),
    highPrice24h: num('highPrice'),
    lowPrice24h: num('lowPrice'),
    prevPrice24h: num('openPrice'),
    volume24h: num('volume'),
    turnover24h: num('quoteVolume'),
    price24hPcnt: (Number(rest['priceChangePercent']) / 100).toFixed(4),
    bid1Price: plain(bid[0], pd),
    bid1Size: plain(bid[1], qd),
    ask1Price: plain(ask[0], pd),
    ask1Size: plain(ask[1], qd),
  };
  if (category === 'spot') return { ...common, usdIndexPrice: num('lastPrice') };
  const eightHours = 8 * 3_600_000;
  return {
    ...common,
    markPrice: num('lastPrice'),
    indexPrice: num('lastPrice'),
    openInterest: '1000',
    openInterestValue: String(Number(rest['lastPrice']) * 1000),
    fundingRate: '0.0001',
    nextFundingTime: String(Math.floor(now / eightHours) * eightHours + eightHours),
  };
}

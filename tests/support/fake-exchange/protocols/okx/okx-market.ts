import { formatScaled } from '../../decimal';
import type { Kline } from '../../klines';
import type { Listing, Venue } from '../../venue';
import { HONG_KONG_SHIFT_MS, type BarSpec } from '../bars';

/**
 * OKX v5 names. Instrument ids are BASE-QUOTE (spot). Candle bars: minutes lower case, hours and
 * longer upper case; `6H`, `12H`, `1D`, `1W` are Hong Kong bars (open at UTC+8 midnight, 16:00 UTC)
 * and `6Hutc`, `12Hutc`, `1Dutc`, `1Wutc` the UTC ones — "Hong Kong time opening price k-line:
 * [6H/12H/1D/2D/3D/1W/1M/3M]; UTC time opening price k-line: [/6Hutc/12Hutc/1Dutc/…]"
 * (docs-v5 "Get candlesticks", bar parameter; same list for the `candle<bar>` WebSocket channels,
 * "WS / Candlesticks channel"). Bars shorter than 6H are the same in both zones. `1s` is not a REST
 * bar: OKX answers 51000 "Parameter bar error" (ValueCell-ai/valuecell#543).
 */
export const OKX_BARS: Record<string, BarSpec> = {
  '1m': { timeframe: '1m', shiftMs: 0 },
  '3m': { timeframe: '3m', shiftMs: 0 },
  '5m': { timeframe: '5m', shiftMs: 0 },
  '15m': { timeframe: '15m', shiftMs: 0 },
  '30m': { timeframe: '30m', shiftMs: 0 },
  '1H': { timeframe: '1h', shiftMs: 0 },
  '2H': { timeframe: '2h', shiftMs: 0 },
  '4H': { timeframe: '4h', shiftMs: 0 },
  '6H': { timeframe: '6h', shiftMs: HONG_KONG_SHIFT_MS },
  '12H': { timeframe: '12h', shiftMs: HONG_KONG_SHIFT_MS },
  '1D': { timeframe: '1d', shiftMs: HONG_KONG_SHIFT_MS },
  '1W': { timeframe: '1w', shiftMs: HONG_KONG_SHIFT_MS },
  '6Hutc': { timeframe: '6h', shiftMs: 0 },
  '12Hutc': { timeframe: '12h', shiftMs: 0 },
  '1Dutc': { timeframe: '1d', shiftMs: 0 },
  '1Wutc': { timeframe: '1w', shiftMs: 0 },
};

export const okxInstId = (listing: Listing): string => `${listing.spec.base}-${listing.spec.quote}`;

export function byInstId(venue: Venue, instId: string | undefined): Listing | undefined {
  return instId === undefined ? undefined : venue.listings.find((l) => okxInstId(l) === instId);
}

const plain = (units: number, decimals: number): string => formatScaled(units, decimals, decimals);

/**
 * One candle row as OKX sends it over REST and WebSocket alike: [ts, o, h, l, c, vol (base),
 * volCcy (quote), volCcyQuote (quote), confirm] — confirm "0" while forming, "1" once closed
 * ("Get candlesticks" response parameters).
 */
export function okxCandleRow(listing: Listing, kline: Kline): string[] {
  const { priceDecimals: pd, qtyDecimals: qd } = listing.spec;
  const { bar } = kline;
  const quote = bar.quoteVolume.toFixed(pd + qd);
  return [
    String(kline.openTime),
    plain(bar.open, pd),
    plain(bar.high, pd),
    plain(bar.low, pd),
    plain(bar.close, pd),
    plain(bar.volume, qd),
    quote,
    quote,
    kline.closed ? '1' : '0',
  ];
}

/** `GET /api/v5/public/instruments?instType=SPOT` entry ("Get instruments"). */
export function okxInstrument(listing: Listing): Record<string, string> {
  const { spec } = listing;
  return {
    alias: '',
    baseCcy: spec.base,
    category: '1',
    ctMult: '',
    ctType: '',
    ctVal: '',
    ctValCcy: '',
    expTime: '',
    instFamily: '',
    instId: okxInstId(listing),
    instType: 'SPOT',
    lever: '10',
    listTime: '1606468572000',
    lotSz: plain(1, spec.qtyDecimals),
    maxIcebergSz: '9999999999',
    maxLmtAmt: '20000000',
    maxLmtSz: '9999999999',
    maxMktAmt: '1000000',
    maxMktSz: '1000000',
    maxStopSz: '1000000',
    maxTriggerSz: '9999999999',
    maxTwapSz: '9999999999',
    minSz: plain(1, spec.qtyDecimals),
    optType: '',
    quoteCcy: spec.quote,
    settleCcy: '',
    state: 'live',
    stk: '',
    tickSz: plain(1, spec.priceDecimals),
    uly: '',
  };
}

/** `tickers` channel / `GET /api/v5/market/ticker` entry ("Get ticker"). */
export function okxTicker(venue: Venue, listing: Listing, now: number): Record<string, string> {
  const rest = venue.restTicker(listing, now);
  const { bid, ask } = listing.book.top(now);
  const { priceDecimals: pd, qtyDecimals: qd } = listing.spec;
  const num = (key: string) => String(Number(rest[key]));
  return {
    instType: 'SPOT',
    instId: okxInstId(listing),
    last: num('lastPrice'),
    lastSz: num('lastQty'),
    askPx: plain(ask[0], pd),
    askSz: plain(ask[1], qd),
    bidPx: plain(bid[0], pd),
    bidSz: plain(bid[1], qd),
    open24h: num('openPrice'),
    high24h: num('highPrice'),
    low24h: num('lowPrice'),
    volCcy24h: num('quoteVolume'),
    vol24h: num('volume'),
    sodUtc0: num('openPrice'),
    sodUtc8: num('openPrice'),
    ts: String(now),
  };
}

/** Base units per contract of the fake's perpetuals ("Get instruments": ctVal, e.g. BTC-USDT-SWAP 0.01). */
export const OKX_CONTRACT_VALUE = 0.01;
export const okxSwapId = (listing: Listing): string => `${okxInstId(listing)}-SWAP`;

export function bySwapId(venue: Venue, instId: string | undefined): Listing | undefined {
  return venue.listings.find((l) => okxSwapId(l) === instId);
}

/** `public/instruments?instType=SWAP` entry of a pair's USDT-margined perpetual ("Get instruments"). */
export function okxSwapInstrument(listing: Listing): Record<string, string> {
  const { spec } = listing;
  const id = okxInstId(listing);
  return {
    instType: 'SWAP',
    instId: okxSwapId(listing),
    uly: id,
    instFamily: id,
    baseCcy: '',
    quoteCcy: '',
    settleCcy: spec.quote,
    ctVal: String(OKX_CONTRACT_VALUE),
    ctMult: '1',
    ctValCcy: spec.base,
    ctType: 'linear',
    lever: '100',
    listTime: '1611916828000',
    expTime: '',
    lotSz: '1',
    minSz: '1',
    tickSz: (10 ** -spec.priceDecimals).toFixed(spec.priceDecimals),
    maxLmtSz: '100000000',
    maxMktSz: '12000',
    state: 'live',
    stk: '',
    optType: '',
    alias: '',
    category: '1',
  };
}

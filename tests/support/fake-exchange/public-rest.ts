import { unitString } from './decimal';
import { isBinanceInterval, klineRow, listKlines } from './klines';
import type { Listing, Venue } from './venue';

/** What a route answers: HTTP status and a JSON body (or raw text for fault answers). */
export type RestAnswer = { status: number; body: unknown; weight?: number };

export type RestRequest = {
  method: string;
  path: string;
  query: Record<string, string>;
  /** the query string and body exactly as sent, for signature checks */
  rawQuery: string;
  rawBody: string;
  headers: Record<string, string | string[] | undefined>;
  /** x-www-form-urlencoded body of POST/PUT/DELETE, parsed */
  form: Record<string, string>;
  now: number;
};

export type RestRoute = (request: RestRequest) => RestAnswer;

export class BinanceError extends Error {
  constructor(
    readonly status: number,
    readonly code: number,
    msg: string,
  ) {
    super(msg);
  }

  answer(): RestAnswer {
    return { status: this.status, body: { code: this.code, msg: this.message } };
  }
}

export const mandatory = (name: string): BinanceError =>
  new BinanceError(400, -1102, `Mandatory parameter '${name}' was not sent, was empty/null, or malformed.`);

export function integerParam(query: Record<string, string>, name: string): number | undefined {
  const raw = query[name];
  if (raw === undefined || raw === '') return undefined;
  if (!/^-?[0-9]{1,20}$/.test(raw))
    throw new BinanceError(
      400,
      -1100,
      `Illegal characters found in parameter '${name}'; legal range is '^-?[0-9]{1,20}$'.`,
    );
  return Number(raw);
}

function listing(venue: Venue, query: Record<string, string>): Listing {
  const id = query['symbol'];
  if (!id) throw mandatory('symbol');
  const found = venue.byMarketId(id);
  // Binance ids are upper case: 'btcusdt' is as invalid as 'NOPE' over REST.
  if (!found || found.spec.id !== id) throw new BinanceError(400, -1121, 'Invalid symbol.');
  return found;
}

/** `symbol=X` → [X], `symbols=["X","Y"]` → [X, Y], neither → every listing. */
function listings(venue: Venue, query: Record<string, string>): { single: boolean; list: Listing[] } {
  if (query['symbol'] !== undefined) return { single: true, list: [listing(venue, query)] };
  const raw = query['symbols'];
  if (raw === undefined) return { single: false, list: venue.listings };
  let ids: unknown;
  try {
    ids = JSON.parse(raw);
  } catch {
    throw new BinanceError(400, -1100, "Illegal characters found in parameter 'symbols'.");
  }
  if (!Array.isArray(ids) || ids.some((id) => typeof id !== 'string'))
    throw new BinanceError(400, -1100, "Illegal characters found in parameter 'symbols'.");
  return { single: false, list: ids.map((id: string) => listing(venue, { symbol: id })) };
}

function symbolInfo(entry: Listing): Record<string, unknown> {
  const { spec } = entry;
  const tick = unitString(spec.priceDecimals);
  const step = unitString(spec.qtyDecimals);
  return {
    symbol: spec.id,
    status: 'TRADING',
    baseAsset: spec.base,
    baseAssetPrecision: 8,
    quoteAsset: spec.quote,
    quotePrecision: 8,
    quoteAssetPrecision: 8,
    baseCommissionPrecision: 8,
    quoteCommissionPrecision: 8,
    orderTypes: [
      'LIMIT',
      'LIMIT_MAKER',
      'MARKET',
      'STOP_LOSS',
      'STOP_LOSS_LIMIT',
      'TAKE_PROFIT',
      'TAKE_PROFIT_LIMIT',
    ],
    icebergAllowed: true,
    ocoAllowed: true,
    otoAllowed: true,
    quoteOrderQtyMarketAllowed: true,
    allowTrailingStop: true,
    cancelReplaceAllowed: true,
    amendAllowed: true,
    isSpotTradingAllowed: true,
    isMarginTradingAllowed: false,
    filters: [
      { filterType: 'PRICE_FILTER', minPrice: tick, maxPrice: '1000000.00000000', tickSize: tick },
      { filterType: 'LOT_SIZE', minQty: step, maxQty: '9000.00000000', stepSize: step },
      { filterType: 'ICEBERG_PARTS', limit: 10 },
      { filterType: 'MARKET_LOT_SIZE', minQty: '0.00000000', maxQty: '100.00000000', stepSize: '0.00000000' },
      {
        filterType: 'TRAILING_DELTA',
        minTrailingAboveDelta: 10,
        maxTrailingAboveDelta: 2000,
        minTrailingBelowDelta: 10,
        maxTrailingBelowDelta: 2000,
      },
      {
        filterType: 'PERCENT_PRICE_BY_SIDE',
        bidMultiplierUp: '5',
        bidMultiplierDown: '0.2',
        askMultiplierUp: '5',
        askMultiplierDown: '0.2',
        avgPriceMins: 5,
      },
      {
        filterType: 'NOTIONAL',
        minNotional: '5.00000000',
        applyMinToMarket: true,
        maxNotional: '9000000.00000000',
        applyMaxToMarket: false,
        avgPriceMins: 5,
      },
      { filterType: 'MAX_NUM_ORDERS', maxNumOrders: 200 },
      { filterType: 'MAX_NUM_ALGO_ORDERS', maxNumAlgoOrders: 5 },
    ],
    // Binance moved trading permissions to permissionSets in 2024 and sends permissions empty.
    permissions: [],
    permissionSets: [['SPOT']],
    defaultSelfTradePreventionMode: 'EXPIRE_MAKER',
    allowedSelfTradePreventionModes: ['NONE', 'EXPIRE_TAKER', 'EXPIRE_MAKER', 'EXPIRE_BOTH'],
  };
}

function exchangeInfo(venue: Venue, query: Record<string, string>, now: number): RestAnswer {
  const { list } = listings(venue, query);
  return {
    status: 200,
    weight: 20,
    body: {
      timezone: 'UTC',
      serverTime: now,
      rateLimits: [
        { rateLimitType: 'REQUEST_WEIGHT', interval: 'MINUTE', intervalNum: 1, limit: 6000 },
        { rateLimitType: 'ORDERS', interval: 'SECOND', intervalNum: 10, limit: 100 },
        { rateLimitType: 'ORDERS', interval: 'DAY', intervalNum: 1, limit: 200000 },
        { rateLimitType: 'RAW_REQUESTS', interval: 'MINUTE', intervalNum: 5, limit: 61000 },
      ],
      exchangeFilters: [],
      symbols: list.map(symbolInfo),
    },
  };
}

function klines(venue: Venue, query: Record<string, string>, now: number): RestAnswer {
  const entry = listing(venue, query);
  const interval = query['interval'];
  if (!interval) throw mandatory('interval');
  if (!isBinanceInterval(interval)) throw new BinanceError(400, -1120, 'Invalid interval.');
  const limit = integerParam(query, 'limit') ?? 500;
  if (limit < 1 || limit > 1000)
    throw new BinanceError(400, -1130, "Data sent for parameter 'limit' is not valid.");
  const startTime = integerParam(query, 'startTime');
  const endTime = integerParam(query, 'endTime');
  if (startTime !== undefined && endTime !== undefined && startTime > endTime)
    throw new BinanceError(400, -1023, 'Start time is greater than end time.');
  const range: { startTime?: number; endTime?: number; limit: number } = { limit };
  if (startTime !== undefined) range.startTime = startTime;
  if (endTime !== undefined) range.endTime = endTime;
  const rows = listKlines(entry.series, interval, range, now);
  return { status: 200, weight: 2, body: rows.map((kline) => klineRow(entry.series, kline)) };
}

function depth(venue: Venue, query: Record<string, string>, now: number): RestAnswer {
  const entry = listing(venue, query);
  const limit = integerParam(query, 'limit') ?? 100;
  if (limit < 1 || limit > 5000)
    throw new BinanceError(400, -1130, "Data sent for parameter 'limit' is not valid.");
  const weight = limit <= 100 ? 5 : limit <= 500 ? 25 : limit <= 1000 ? 50 : 250;
  return { status: 200, weight, body: entry.book.snapshot(limit, now) };
}

function ticker24h(venue: Venue, query: Record<string, string>, now: number): RestAnswer {
  const { single, list } = listings(venue, query);
  const tickers = list.map((entry) => venue.restTicker(entry, now));
  return { status: 200, weight: single ? 2 : 80, body: single ? tickers[0] : tickers };
}

function bookTicker(venue: Venue, query: Record<string, string>, now: number): RestAnswer {
  const { single, list } = listings(venue, query);
  const tickers = list.map((entry) => venue.restBookTicker(entry, now));
  return { status: 200, weight: single ? 2 : 4, body: single ? tickers[0] : tickers };
}

/**
 * Public Binance spot REST, plus empty futures exchangeInfo answers: ccxt's loadMarkets asks for
 * spot, linear and inverse markets by default, and an empty list keeps a config with only `urls`
 * working (ccxtConfig() limits it to spot anyway). `serverClock` is what /time reports: the real
 * clock plus any clock-skew fault, so ccxt's time-difference sync can be tested.
 */
export function publicRoutes(venue: Venue, serverClock: () => number): Map<string, RestRoute> {
  const emptyFuturesInfo: RestRoute = ({ now }) => ({
    status: 200,
    weight: 1,
    body: { timezone: 'UTC', serverTime: now, rateLimits: [], exchangeFilters: [], assets: [], symbols: [] },
  });
  return new Map<string, RestRoute>([
    ['GET /api/v3/ping', () => ({ status: 200, weight: 1, body: {} })],
    ['GET /api/v3/time', () => ({ status: 200, weight: 1, body: { serverTime: serverClock() } })],
    ['GET /api/v3/exchangeInfo', ({ query }) => exchangeInfo(venue, query, serverClock())],
    ['GET /api/v3/klines', ({ query, now }) => klines(venue, query, now)],
    ['GET /api/v3/uiKlines', ({ query, now }) => klines(venue, query, now)],
    ['GET /api/v3/depth', ({ query, now }) => depth(venue, query, now)],
    ['GET /api/v3/ticker/24hr', ({ query, now }) => ticker24h(venue, query, now)],
    ['GET /api/v3/ticker/bookTicker', ({ query, now }) => bookTicker(venue, query, now)],
    ['GET /fapi/v1/exchangeInfo', emptyFuturesInfo],
    ['GET /dapi/v1/exchangeInfo', emptyFuturesInfo],
  ]);
}

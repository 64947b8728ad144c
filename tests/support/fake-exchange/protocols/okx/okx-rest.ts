import type { RestDialect } from '../../rest-handler';
import type { RestAnswer, RestRequest, RestRoute } from '../../public-rest';
import type { Venue } from '../../venue';
import { barOpen, barPeriod, barsNewestFirst } from '../bars';
import { OKX_BARS, byInstId, okxCandleRow, okxInstrument, okxSwapInstrument, okxTicker } from './okx-market';

/** An OKX error answer: HTTP status and the `{code, msg, data: []}` body ("Error Code" section). */
export class OkxError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    msg: string,
  ) {
    super(msg);
  }
}

/**
 * OKX's rate-limit answer: HTTP 429, code 50011 "Too Many Requests", no Retry-After header ("Error
 * Code" → 50011; limits are counted per 2-second window per endpoint, "Rate Limits").
 */
export const OKX_RATE_LIMIT_BODY = JSON.stringify({ msg: 'Too Many Requests', code: '50011' });

export const okxDialect: RestDialect = {
  notFound: () => ({ status: 404, body: { msg: 'Not Found', code: '404' } }),
  errorAnswer: (error) =>
    error instanceof OkxError
      ? { status: error.status, body: { code: error.code, msg: error.message, data: [] } }
      : undefined,
  headers: () => ({}),
};

const ok = (data: unknown[]): RestAnswer => ({ status: 200, body: { code: '0', msg: '', data } });

/** `GET /api/v5/market/candles` serves only the latest 1,440 bars ("Get candlesticks"). */
const RECENT_BARS = 1_440;
/**
 * Page sizes: candles "Maximum is 300; default 100"; history-candles the same today (docs-v5 "Get
 * candlesticks history"; it was 100 until 2025, see ccxt/ccxt#26705). A larger limit is clamped.
 */
const MAX_LIMIT = 300;
const DEFAULT_LIMIT = 100;

function integer(query: Record<string, string>, name: string): number | undefined {
  const raw = query[name];
  if (raw === undefined || raw === '') return undefined;
  if (!/^[0-9]{1,16}$/.test(raw)) throw new OkxError(400, '51000', `Parameter ${name} error`);
  return Number(raw);
}

/**
 * The candle routes. Paging as documented: `after` — "records earlier than the requested ts",
 * `before` — "records newer than the requested ts", both exclusive; rows newest first, counted from
 * the newest bar that matches (the forming one included, confirm "0").
 */
function candles(venue: Venue, recentOnly: boolean): RestRoute {
  return (request: RestRequest) => {
    const { query } = request;
    const listing = byInstId(venue, query['instId']);
    if (!query['instId']) throw new OkxError(400, '50014', "Parameter instId can't be empty");
    if (!listing) throw new OkxError(400, '51001', "Instrument ID doesn't exist.");
    const bar = OKX_BARS[query['bar'] ?? '1m'];
    if (!bar) throw new OkxError(400, '51000', 'Parameter bar error');
    const limit = Math.min(MAX_LIMIT, integer(query, 'limit') ?? DEFAULT_LIMIT);
    const oldest = recentOnly ? barOpen(request.now, bar) - (RECENT_BARS - 1) * barPeriod(bar) : undefined;
    const rows = barsNewestFirst(
      listing.series,
      bar,
      { below: integer(query, 'after'), above: integer(query, 'before'), limit, oldest },
      request.now,
    );
    return ok(rows.map((kline) => okxCandleRow(listing, kline)));
  };
}

export function okxRoutes(venue: Venue): Map<string, RestRoute> {
  return new Map<string, RestRoute>([
    ['GET /api/v5/public/time', (request) => ok([{ ts: String(request.now) }])],
    [
      'GET /api/v5/public/instruments',
      (request) => {
        const type = request.query['instType'];
        if (!type) throw new OkxError(400, '50014', "Parameter instType can't be empty");
        // Every listed pair also has its USDT-margined perpetual (BTC-USDT-SWAP), asked for by a
        // client whose fetchMarkets types include swap (the derivatives account's).
        if (type === 'SPOT') return ok(venue.listings.map(okxInstrument));
        return ok(type === 'SWAP' ? venue.listings.map(okxSwapInstrument) : []);
      },
    ],
    ['GET /api/v5/market/candles', candles(venue, true)],
    ['GET /api/v5/market/history-candles', candles(venue, false)],
    [
      'GET /api/v5/market/ticker',
      (request) => {
        const listing = byInstId(venue, request.query['instId']);
        if (!listing) throw new OkxError(400, '51001', "Instrument ID doesn't exist.");
        return ok([okxTicker(venue, listing, request.now)]);
      },
    ],
    [
      'GET /api/v5/market/tickers',
      (request) => ok(venue.listings.map((listing) => okxTicker(venue, listing, request.now))),
    ],
  ]);
}

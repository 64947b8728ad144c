import type { RestAnswer, RestRequest, RestRoute } from '../../public-rest';
import type { RestDialect } from '../../rest-handler';
import type { Listing, Venue } from '../../venue';
import { barOpen, barPeriod, barsNewestFirst } from '../bars';
import {
  BYBIT_INTERVALS,
  byBybitId,
  bybitInstrument,
  bybitKlineRow,
  bybitTicker,
  type BybitCategory,
} from './bybit-market';

/** A Bybit business error: HTTP 200 with a non-zero retCode ("Error Codes": HTTP code 200 for API errors). */
export class BybitError extends Error {
  constructor(
    readonly retCode: number,
    msg: string,
  ) {
    super(msg);
  }
}

const envelope = (retCode: number, retMsg: string, result: unknown, now: number) => ({
  retCode,
  retMsg,
  result,
  retExtInfo: {},
  time: now,
});

/**
 * Bybit's rate-limit answer for an endpoint's per-second limit: HTTP 200, retCode 10006 "Too many
 * visits!", and the X-Bapi-Limit-* headers telling when the window resets ("Rate Limit Rules": "If
 * you exceed the limit, … retCode 10006"; headers X-Bapi-Limit-Status, X-Bapi-Limit,
 * X-Bapi-Limit-Reset-Timestamp). The IP-wide limit is a 403 "access too frequent" (10018 in the
 * error code list); the fake models the endpoint limit.
 */
export function bybitRateLimitAnswer(now: number): { body: string; headers: Record<string, string> } {
  return {
    body: JSON.stringify(envelope(10006, 'Too many visits!', {}, now)),
    headers: {
      'X-Bapi-Limit-Status': '0',
      'X-Bapi-Limit': '10',
      'X-Bapi-Limit-Reset-Timestamp': String(now + 1_000),
    },
  };
}

export const bybitDialect = (now: () => number): RestDialect => ({
  notFound: () => ({ status: 404, body: { retCode: 404, retMsg: 'Not Found' } }),
  errorAnswer: (error) =>
    error instanceof BybitError
      ? { status: 200, body: envelope(error.retCode, error.message, {}, now()) }
      : undefined,
  headers: () => ({}),
});

const ok = (result: unknown, now: number): RestAnswer => ({
  status: 200,
  body: envelope(0, 'OK', result, now),
});

function category(query: Record<string, string>): BybitCategory {
  const value = query['category'];
  if (value === 'spot' || value === 'linear') return value;
  throw new BybitError(10001, `params error: Category is invalid: ${value ?? ''}`);
}

function listing(venue: Venue, query: Record<string, string>): Listing {
  const found = byBybitId(venue, query['symbol']);
  if (!found) throw new BybitError(10001, 'params error: Symbol Is Invalid');
  return found;
}

function integer(query: Record<string, string>, name: string): number | undefined {
  const raw = query[name];
  if (raw === undefined || raw === '') return undefined;
  if (!/^[0-9]{1,16}$/.test(raw)) throw new BybitError(10001, `params error: ${name} invalid`);
  return Number(raw);
}

/**
 * `GET /v5/market/kline`: limit 1…1000, default 200; rows "sorted in reverse by startTime" ("Get
 * Kline"). With `start`, the page is the first `limit` bars from it (start=9999&limit=1 gives the
 * oldest bar, bybit-exchange/pybit#186); without, the newest `limit` up to `end` (default now). The
 * newest row may be the forming bar.
 */
function kline(venue: Venue): RestRoute {
  return (request: RestRequest) => {
    const { query, now } = request;
    category(query);
    const market = listing(venue, query);
    const bar = BYBIT_INTERVALS[query['interval'] ?? ''];
    if (!bar) throw new BybitError(10001, 'params error: Invalid period!');
    const limit = integer(query, 'limit') ?? 200;
    if (limit < 1 || limit > 1000) throw new BybitError(10001, 'params error: limit out of range');
    const start = integer(query, 'start');
    const end = Math.min(integer(query, 'end') ?? now, now);
    let below = end + 1;
    if (start !== undefined) {
      const first = Math.max(
        barOpen(start - 1, bar) + barPeriod(bar),
        barOpen(market.series.startSecond * 1000, bar),
      );
      below = Math.min(below, first + limit * barPeriod(bar));
    }
    const rows = barsNewestFirst(
      market.series,
      bar,
      { below, above: start === undefined ? undefined : start - 1, limit },
      now,
    );
    return ok(
      {
        category: query['category'],
        symbol: market.spec.base + market.spec.quote,
        list: rows.map((k) => bybitKlineRow(market, k)),
      },
      now,
    );
  };
}

export function bybitRoutes(venue: Venue): Map<string, RestRoute> {
  return new Map<string, RestRoute>([
    [
      'GET /v5/market/time',
      ({ now }) => ok({ timeSecond: String(Math.floor(now / 1000)), timeNano: `${now}000000` }, now),
    ],
    [
      'GET /v5/market/instruments-info',
      ({ query, now }) => {
        const cat = category(query);
        // Pre-launch markets (ccxt asks for them separately): none here. One page holds every market;
        // a `cursor` asks for the page after it, which is empty.
        const none = query['status'] === 'PreLaunch' || query['cursor'] !== undefined;
        const list = none ? [] : venue.listings.map((l) => bybitInstrument(l, cat));
        return ok({ category: cat, list, nextPageCursor: '' }, now);
      },
    ],
    ['GET /v5/market/kline', kline(venue)],
    [
      'GET /v5/market/tickers',
      ({ query, now }) => {
        const cat = category(query);
        const list = query['symbol'] ? [listing(venue, query)] : venue.listings;
        return ok({ category: cat, list: list.map((l) => bybitTicker(venue, l, cat, now)) }, now);
      },
    ],
    [
      'GET /v5/market/orderbook',
      ({ query, now }) => {
        category(query);
        const market = listing(venue, query);
        const book = market.book.snapshot(integer(query, 'limit') ?? 25, now);
        const plain = (levels: [string, string][]) =>
          levels.map(([p, q]) => [String(Number(p)), String(Number(q))]);
        return ok(
          {
            s: query['symbol'],
            b: plain(book.bids),
            a: plain(book.asks),
            ts: now,
            u: book.lastUpdateId,
            seq: book.lastUpdateId,
            cts: now,
          },
          now,
        );
      },
    ],
  ]);
}

import type { Candle } from '../../../shared/domain/market';
import { alignTime, nextOpenTime } from '../../../shared/timeframe';
import { classifyError, type ClassifiedError } from '../base/classify-error';
import { ceilOpenTime, openTimeBefore } from './candle-time';

/** One REST page: candles opening at or after `since`, oldest first (MarketSource.fetchCandles). */
export type FetchPage = (since: number, limit: number, priority: number) => Promise<Candle[]>;

export type OlderQuery = {
  timeframe: string;
  /** open time of the oldest closed candle held: everything fetched opens before it */
  before: number;
  /** how many candles to gather (fewer when the history ends or a request fails) */
  want: number;
  /** most candles one request may ask for (the exchange's limit) */
  pageLimit: number;
  /** nothing opening before this is wanted (the retention setting); 0 for none */
  notBefore: number;
  /** open time of the exchange's first candle of the series, when an earlier call found it */
  firstKnown: number | null | undefined;
  now: number;
  /** most requests one call makes: a market without trades for years would otherwise page on and on */
  maxRequests?: number;
};

export type OlderResult = {
  /** closed candles older than `before`, oldest first, without holes the exchange did not have */
  candles: Candle[];
  /** why nothing older exists: the exchange's history starts there, or retention keeps no more */
  end: 'exchange' | 'retention' | null;
  /** the request that failed; what came before it is in `candles` */
  error: ClassifiedError | null;
  /** the exchange's first candle (null: the exchange has none), when this call found it */
  firstFound: number | null | undefined;
  /** how far back this call searched: a next call may go on from here (before it, nothing was found) */
  searchedTo: number;
};

const DEFAULT_MAX_REQUESTS = 20;

/**
 * Pages back in time from `before`, one window of `pageLimit` candles at a time, each asked for by
 * its start time: ccxt's `since` is the one paging parameter every exchange supports, and each
 * window ends where the previous one began, so the candles gathered join the stored ones without a
 * hole. A window without candles is either before the exchange's history or a stretch without
 * trades on an exchange that skips those (invariant 8): one more request, the exchange's first
 * candle (`since` 0, limit 1), tells which. Binance answers a start before the listing with the
 * candles from the listing on; an exchange that ignores `since` (or keeps only recent bars)
 * answers with recent candles, which also reads as "nothing older": the search always ends.
 */
export async function fetchOlderCandles(fetch: FetchPage, q: OlderQuery): Promise<OlderResult> {
  const floor = q.notBefore > 0 ? ceilOpenTime(q.notBefore, q.timeframe) : 0;
  const pages: Candle[][] = [];
  let gathered = 0;
  let end = q.before;
  let first = q.firstKnown;
  let firstFound: number | null | undefined;
  const result = (over: OlderResult['end'], error: ClassifiedError | null = null): OlderResult => ({
    candles: pages.flat(),
    end: over,
    error,
    firstFound,
    searchedTo: pages[0]?.[0]?.[0] ?? end,
  });
  for (let requests = 0; gathered < q.want;) {
    if (first !== undefined && (first === null || end <= first)) return result('exchange');
    if (end <= floor) return result('retention');
    if (requests >= (q.maxRequests ?? DEFAULT_MAX_REQUESTS)) break;
    const limit = Math.min(q.pageLimit, q.want - gathered);
    const since = Math.max(floor, Math.max(0, openTimeBefore(end, q.timeframe, limit)));
    let page: Candle[];
    try {
      requests++;
      // Priority of a gap ending at `end`: live data and newer gaps of every series go first.
      page = await fetch(since, limit, end);
    } catch (err) {
      return result(null, classifyError(err));
    }
    const window = closedInWindow(page, q.timeframe, since, end, q.now);
    if (window.length > 0) {
      pages.unshift(window);
      gathered += window.length;
      end = window[0]![0];
      continue;
    }
    if (since <= floor && floor > 0) return result('retention');
    if (first === undefined) {
      try {
        requests++;
        const oldest = await fetch(0, 1, end);
        first = firstFound = oldest[0]?.[0] ?? null;
      } catch (err) {
        return result(null, classifyError(err));
      }
    }
    // The exchange's first candle is not before this window: its history starts after it.
    if (first === null || first >= since) return result('exchange');
    end = since;
  }
  return result(null);
}

/**
 * The page's candles inside [since, end), closed by `now`, on the timeframe's bars, each open
 * time once, oldest first: an exchange's page may overlap what is held or reach the forming bar.
 */
function closedInWindow(page: readonly Candle[], timeframe: string, since: number, end: number, now: number) {
  const byTime = new Map<number, Candle>();
  for (const c of page) {
    const t = c[0];
    if (t < since || t >= end || alignTime(t, timeframe) !== t || nextOpenTime(t, timeframe) > now) continue;
    byTime.set(t, c);
  }
  return [...byTime.values()].sort((a, b) => a[0] - b[0]);
}

import { describe, expect, it } from 'vitest';
import type { Candle } from '../../../src/shared/domain/market';
import {
  fetchOlderCandles,
  type FetchPage,
  type OlderQuery,
} from '../../../src/main/core/candles/older-candles';
import { MarketDataError } from '../../../src/main/core/base/classify-error';

const MIN = 60_000;
const T0 = Date.UTC(2026, 0, 1);
const bar = (t: number): Candle => [t, 1, 2, 0.5, 1.5, 10];

/**
 * An exchange with a 1m candle at every minute in [listed, now) except `quiet` ones, answering like
 * Binance's klines: the first `limit` candles opening at or after `since` (from the listing when
 * `since` is before it), the forming one included. Records every request.
 */
function exchange(o: {
  listed: number;
  now: number;
  quiet?: (t: number) => boolean;
  ignoresSince?: boolean;
}) {
  const calls: { since: number; limit: number }[] = [];
  const fetch: FetchPage = (since, limit) => {
    calls.push({ since, limit });
    const out: Candle[] = [];
    const start = o.ignoresSince ? o.now - limit * MIN : Math.max(since, o.listed);
    for (let t = Math.ceil(start / MIN) * MIN; t <= o.now && out.length < limit; t += MIN)
      if (!o.quiet?.(t)) out.push(bar(t));
    return Promise.resolve(out);
  };
  return { fetch, calls };
}

const query = (q: Partial<OlderQuery> & Pick<OlderQuery, 'before' | 'now'>): OlderQuery => ({
  timeframe: '1m',
  want: 1_000,
  pageLimit: 300,
  notBefore: 0,
  firstKnown: undefined,
  ...q,
});

const times = (cs: readonly Candle[]) => cs.map((c) => c[0]);
const minutes = (from: number, count: number) => Array.from({ length: count }, (_, i) => from + i * MIN);

describe('fetchOlderCandles', () => {
  it('pages back from the oldest held candle, each window ending where the next one starts', async () => {
    const before = T0 + 5_000 * MIN;
    const ex = exchange({ listed: T0, now: before + 100 * MIN });
    const r = await fetchOlderCandles(ex.fetch, query({ before, now: before + 100 * MIN, want: 700 }));
    expect(times(r.candles)).toEqual(minutes(before - 700 * MIN, 700));
    expect(r.end).toBeNull();
    expect(r.error).toBeNull();
    // within the exchange's page limit: 300, 300, then the 100 still wanted
    expect(ex.calls.map((c) => c.limit)).toEqual([300, 300, 100]);
    expect(ex.calls.map((c) => c.since)).toEqual([
      before - 300 * MIN,
      before - 600 * MIN,
      before - 700 * MIN,
    ]);
  });

  it('ends at the listing: the candles from it, then "start of the exchange\'s history"', async () => {
    const before = T0 + 450 * MIN;
    const ex = exchange({ listed: T0, now: before + MIN * 10 });
    const r = await fetchOlderCandles(ex.fetch, query({ before, now: before + MIN * 10 }));
    expect(times(r.candles)).toEqual(minutes(T0, 450));
    expect(r.end).toBe('exchange');
    expect(r.firstFound).toBe(T0);
    // Known now: the next call answers without a request.
    const again = exchange({ listed: T0, now: before });
    const r2 = await fetchOlderCandles(again.fetch, query({ before: T0, now: before, firstKnown: T0 }));
    expect(r2).toMatchObject({ candles: [], end: 'exchange' });
    expect(again.calls).toEqual([]);
  });

  it('steps over a stretch without trades on an exchange that skips empty intervals', async () => {
    const before = T0 + 2_000 * MIN;
    const quiet = (t: number) => t >= T0 + 1_000 * MIN && t < T0 + 1_700 * MIN;
    const ex = exchange({ listed: T0, now: before, quiet });
    const r = await fetchOlderCandles(ex.fetch, query({ before, now: before, want: 500 }));
    // 300 candles after the quiet stretch, then the 200 before it
    expect(times(r.candles)).toEqual([...minutes(T0 + 800 * MIN, 200), ...minutes(T0 + 1_700 * MIN, 300)]);
    expect(r.end).toBeNull();
  });

  it('reads an exchange that ignores `since` (recent bars only) as having nothing older', async () => {
    const now = T0 + 10_000 * MIN;
    const ex = exchange({ listed: T0, now, ignoresSince: true });
    const r = await fetchOlderCandles(ex.fetch, query({ before: now - 1_000 * MIN, now }));
    expect(r).toMatchObject({ candles: [], end: 'exchange', error: null });
  });

  it('stops at the retention cut-off rather than fetching what would be deleted', async () => {
    const before = T0 + 1_000 * MIN;
    const ex = exchange({ listed: T0, now: before });
    const notBefore = T0 + 800 * MIN + 30_000;
    const r = await fetchOlderCandles(ex.fetch, query({ before, now: before, notBefore }));
    expect(times(r.candles)).toEqual(minutes(T0 + 801 * MIN, 199));
    expect(r.end).toBe('retention');
  });

  it('keeps what came before a failed request and hands the failure back classified', async () => {
    const before = T0 + 5_000 * MIN;
    const ex = exchange({ listed: T0, now: before });
    let n = 0;
    const failing: FetchPage = (since, limit, priority) =>
      ++n === 2
        ? Promise.reject(new MarketDataError('rate-limited', '429 Too Many Requests'))
        : ex.fetch(since, limit, priority);
    const r = await fetchOlderCandles(failing, query({ before, now: before }));
    expect(times(r.candles)).toEqual(minutes(before - 300 * MIN, 300));
    expect(r.error).toMatchObject({ kind: 'rate-limited' });
    expect(r.end).toBeNull();
  });

  it('never hands over the forming candle, a duplicate or a candle off the bar grid', async () => {
    const now = T0 + 10 * MIN + 20_000;
    const page: Candle[] = [bar(T0 + 10 * MIN), bar(T0 + 9 * MIN), bar(T0 + 9 * MIN), bar(T0 + 8 * MIN + 5)];
    const fetch: FetchPage = () => Promise.resolve(page);
    // `before` after the forming candle: a store whose newest candle is still forming (never the case
    // in practice) would still get only closed ones.
    const r = await fetchOlderCandles(fetch, query({ before: T0 + 11 * MIN, now, want: 5, maxRequests: 1 }));
    expect(times(r.candles)).toEqual([T0 + 9 * MIN]);
  });

  it('makes at most maxRequests requests and says more may exist', async () => {
    const before = T0 + 100_000 * MIN;
    const quiet = (t: number) => t > T0 + 10 * MIN;
    const ex = exchange({ listed: T0, now: before, quiet });
    const r = await fetchOlderCandles(ex.fetch, query({ before, now: before, maxRequests: 5 }));
    expect(r).toMatchObject({ candles: [], end: null, error: null });
    expect(ex.calls).toHaveLength(5);
  });
});

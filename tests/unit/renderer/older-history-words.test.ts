import { describe, expect, it } from 'vitest';
import { olderHistoryWords, olderRetryWords } from '../../../src/renderer/chart/older-history-words';

describe('olderHistoryWords', () => {
  it('says where older candles come from while they load, with the count fetched so far', () => {
    expect(olderHistoryWords({ kind: 'loading', from: 'store', fetched: 0 }, 'Binance')).toBe(
      'loading older candles…',
    );
    expect(olderHistoryWords({ kind: 'loading', from: 'exchange', fetched: 0 }, 'Binance')).toBe(
      'loading older candles from Binance…',
    );
    expect(olderHistoryWords({ kind: 'loading', from: 'exchange', fetched: 2000 }, 'Binance')).toBe(
      'loading older candles from Binance… 2,000 fetched so far',
    );
  });

  it("tells the exchange's listing from retention and from what cannot be fetched", () => {
    expect(olderHistoryWords({ kind: 'end', reason: 'exchange' }, 'Binance')).toBe(
      "start of Binance's history",
    );
    expect(olderHistoryWords({ kind: 'end', reason: 'retention' }, 'Binance')).toMatch(/retention setting/);
    expect(olderHistoryWords({ kind: 'end', reason: 'unavailable', message: 'x' }, 'Binance')).toBe(
      'start of stored history',
    );
    expect(olderHistoryWords({ kind: 'failed', message: 'x' }, 'Binance')).toBe(
      'older candles could not be loaded',
    );
    expect(olderHistoryWords({ kind: 'more' }, 'Binance')).toBe('');
  });

  it('counts down the wait of a rate limit in whole seconds', () => {
    expect(olderHistoryWords({ kind: 'waiting', until: 0, message: 'x' }, 'Binance')).toBe(
      'Binance is limiting requests',
    );
    expect(olderRetryWords('Binance', 11_200)).toBe(
      'Binance is limiting requests; loading older candles again in 12 s',
    );
    expect(olderRetryWords('Binance', 1_000)).toMatch(/again in 1 s$/);
    // Past the deadline the retry is on its way: never "in 0 s" or a negative count.
    expect(olderRetryWords('Binance', -300)).toMatch(/again in 1 s$/);
  });
});

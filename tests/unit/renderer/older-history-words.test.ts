import { describe, expect, it } from 'vitest';
import { olderHistoryWords } from '../../../src/renderer/chart/older-history-words';

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
});

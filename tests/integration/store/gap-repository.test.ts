import { afterEach, describe, expect, it } from 'vitest';
import { GapRepository } from '../../../src/main/core/store/gap-repository';
import { BTC_1M, closeTestStore, ETH_1M, MINUTE, openTestStore, T0, type TestStore } from './store-fixtures';

let store: TestStore | undefined;
afterEach(() => closeTestStore(store));

describe('GapRepository (the gap ledger)', () => {
  it('records a gap, its fill and its failure, newest first', () => {
    store = openTestStore();
    const gaps = new GapRepository(store.db, store.series);
    const first = gaps.opened({
      ...BTC_1M,
      from: T0,
      to: T0 + 9 * MINUTE,
      expected: 10,
      reason: 'start',
      detectedAt: 1,
    });
    const second = gaps.opened({
      ...ETH_1M,
      from: T0,
      to: T0,
      expected: 1,
      reason: 'reconnect',
      detectedAt: 2,
    });
    gaps.failed(first, 'exchange answered 429');
    expect(gaps.list({ limit: 10 })).toEqual([
      {
        id: second,
        ...ETH_1M,
        from: T0,
        to: T0,
        expected: 1,
        filled: 0,
        reason: 'reconnect',
        detectedAt: 2,
        filledAt: null,
        error: null,
      },
      {
        id: first,
        ...BTC_1M,
        from: T0,
        to: T0 + 9 * MINUTE,
        expected: 10,
        filled: 0,
        reason: 'start',
        detectedAt: 1,
        filledAt: null,
        error: 'exchange answered 429',
      },
    ]);
    gaps.filled(first, 8, 5);
    // A fill clears the earlier failure; fewer than expected means the exchange had no data there.
    expect(gaps.list({ symbol: 'BTC/USDT', limit: 10 })).toMatchObject([
      { id: first, filled: 8, filledAt: 5, error: null },
    ]);
  });

  it('filters by exchange, symbol and timeframe and honours the limit', () => {
    store = openTestStore();
    const gaps = new GapRepository(store.db, store.series);
    for (let i = 0; i < 5; i++)
      gaps.opened({ ...BTC_1M, from: i, to: i, expected: 1, reason: 'jump', detectedAt: i });
    gaps.opened({ ...BTC_1M, timeframe: '1h', from: 0, to: 0, expected: 1, reason: 'resume', detectedAt: 9 });
    expect(gaps.list({ exchange: 'binance', timeframe: '1m', limit: 100 })).toHaveLength(5);
    expect(gaps.list({ timeframe: '1h', limit: 100 }).map((g) => g.reason)).toEqual(['resume']);
    expect(gaps.list({ exchange: 'kraken', limit: 100 })).toEqual([]);
    expect(gaps.list({ limit: 2 }).map((g) => g.detectedAt)).toEqual([9, 4]);
  });
});

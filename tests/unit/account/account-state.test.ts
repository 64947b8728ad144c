import { describe, expect, it } from 'vitest';
import { BalanceBook, OpenOrderBook, PositionBook } from '../../../src/main/core/account/account-state';
import type { AccountOrder, AccountPosition } from '../../../src/shared/contract/methods/account';

const order = (id: string, status: string, symbol = 'BTC/USDT'): AccountOrder => ({
  id,
  clientOrderId: null,
  symbol,
  side: 'buy',
  type: 'limit',
  price: 1,
  average: null,
  amount: 1,
  filled: 0,
  remaining: 1,
  status,
  createdAt: Number(id),
  updatedAt: Number(id),
});

describe('OpenOrderBook', () => {
  it('keeps open orders only: an update to any other status removes it', () => {
    const book = new OpenOrderBook();
    book.apply([order('1', 'open'), order('2', 'open', 'ETH/USDT')], 10);
    book.apply([order('1', 'closed')], 11);
    expect(book.orders().map((o) => o.id)).toEqual(['2']);
    expect(book.symbols()).toEqual(['ETH/USDT']);
  });

  it('lets a stream update newer than a REST request win over its answer', () => {
    const book = new OpenOrderBook();
    book.apply([order('1', 'open')], 10);
    // The REST request went out at 20; order 1 was filled (stream, 25) before its answer arrived.
    book.apply([order('1', 'closed'), order('3', 'open')], 25);
    book.snapshot([order('1', 'open'), order('2', 'open')], 20);
    expect(
      book
        .orders()
        .map((o) => o.id)
        .sort(),
    ).toEqual(['2', '3']);
    // Older stream updates do not outlive the next snapshot.
    book.snapshot([order('2', 'open')], 30);
    expect(book.orders().map((o) => o.id)).toEqual(['2']);
  });
});

describe('BalanceBook', () => {
  it('drops assets that reach zero and reports assets whose REST amounts differ', () => {
    const book = new BalanceBook();
    book.snapshot(
      [
        { asset: 'USDT', free: 90, used: 10, total: 100 },
        { asset: 'BTC', free: 1, used: 0, total: 1 },
      ],
      0,
      1,
    );
    book.apply([{ asset: 'BTC', free: 0, used: 0, total: 0 }], 2);
    expect(book.rows().map((r) => r.asset)).toEqual(['USDT']);
    expect(book.updatedAt).toBe(2);
    expect(
      book.differences([
        { asset: 'USDT', free: 90, used: 10, total: 100 },
        { asset: 'BTC', free: 0, used: 0, total: 0 },
      ]),
    ).toEqual([]);
    expect(
      book.differences([
        { asset: 'USDT', free: 100, used: 0, total: 100 },
        { asset: 'ETH', free: 2, used: 0, total: 2 },
      ]),
    ).toEqual(['ETH', 'USDT']);
  });
});

describe('PositionBook', () => {
  it('keeps a position per symbol and side until it is closed', () => {
    const p = (side: 'long' | 'short', contracts: number): AccountPosition => ({
      symbol: 'BTC/USDT:USDT',
      side,
      contracts,
      contractSize: 1,
      notional: null,
      entryPrice: 100,
      markPrice: 100,
      unrealizedPnl: 0,
      liquidationPrice: 50,
      leverage: 2,
      marginMode: 'cross',
      liquidationDistance: 0.5,
      updatedAt: 1,
      markPriceAt: null,
      funding: null,
    });
    const book = new PositionBook();
    book.apply([p('long', 2), p('short', 1)], 1);
    book.apply([p('short', 0)], 2);
    expect(book.positions().map((x) => [x.side, x.contracts])).toEqual([['long', 2]]);
  });
});

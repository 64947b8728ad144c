import { describe, expect, it } from 'vitest';
import { fillMessage } from '../../../src/main/core/account/fill-recorder';
import { pricingSymbol, valueBalances } from '../../../src/main/core/account/valuation';

describe('USDT values', () => {
  const markets = new Set(['BTC/USDT', 'USDT/TRY']);
  const has = (s: string) => markets.has(s);

  it('prices an asset by ASSET/USDT, else by USDT/ASSET, else not at all', () => {
    expect(pricingSymbol('BTC', has)).toBe('BTC/USDT');
    expect(pricingSymbol('TRY', has)).toBe('USDT/TRY');
    expect(pricingSymbol('XYZ', has)).toBeNull();
    expect(pricingSymbol('USDT', has)).toBeNull();
  });

  it('values, sums and sorts the balances, and lists what it cannot value', () => {
    const v = valueBalances(
      [
        { asset: 'USDT', free: 50, used: 0, total: 50 },
        { asset: 'XYZ', free: 3, used: 0, total: 3 },
        { asset: 'BTC', free: 0.5, used: 0.5, total: 1 },
        { asset: 'TRY', free: 400, used: 0, total: 400 },
      ],
      new Map([
        ['BTC/USDT', 60_000],
        ['USDT/TRY', 40],
      ]),
    );
    expect(v.balances.map((b) => [b.asset, b.valueUsdt])).toEqual([
      ['BTC', 60_000],
      ['USDT', 50],
      ['TRY', 10],
      ['XYZ', null],
    ]);
    expect(v.totalValueUsdt).toBe(60_060);
    expect(v.unvaluedAssets).toEqual(['XYZ']);
    expect(
      valueBalances([{ asset: 'XYZ', free: 1, used: 0, total: 1 }], new Map()).totalValueUsdt,
    ).toBeNull();
  });
});

describe('fillMessage', () => {
  it('says what was bought or sold, at what price, with fee and order', () => {
    expect(
      fillMessage({
        side: 'buy',
        symbol: 'ETH/USDT',
        amount: 0.25,
        price: 2990,
        orderId: '3',
        fee: { cost: 0.00025, currency: 'ETH' },
      }),
    ).toBe('Bought 0.25 ETH at 2,990 USDT (fee 0.00025 ETH, order 3)');
    expect(
      fillMessage({
        side: 'sell',
        symbol: 'BTC/USDT:USDT',
        amount: 1,
        price: 70_000.5,
        orderId: null,
        fee: null,
      }),
    ).toBe('Sold 1 BTC at 70,000.5 USDT');
  });
});

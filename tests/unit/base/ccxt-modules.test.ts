import ccxt from 'ccxt';
import { describe, expect, it } from 'vitest';
import { ccxtErrors, requireCcxtFile } from '../../../src/main/core/base/ccxt-modules';
import { classifyError } from '../../../src/main/core/base/classify-error';
import { findCcxtClass } from '../../../src/main/core/exchange/ccxt-class';

describe('ccxt modules loaded one by one', () => {
  it("hands out the very classes ccxt's index exports, so instanceof holds across both", () => {
    expect(ccxtErrors.NetworkError).toBe(ccxt.NetworkError);
    expect(new ccxt.DDoSProtection('429') instanceof ccxtErrors.NetworkError).toBe(true);
    expect(classifyError(new ccxt.BadSymbol('binance does not have market symbol NOPE/USDT')).kind).toBe(
      'bad-symbol',
    );
    expect(findCcxtClass('binance')).toBe(ccxt.pro.binance);
  });

  it('finds the REST class of an exchange without websockets, and nothing for an unknown id', () => {
    const lists = ccxt as unknown as { exchanges: string[]; pro: { exchanges: string[] } };
    const restOnly = lists.exchanges.find((id) => !lists.pro.exchanges.includes(id))!;
    expect(findCcxtClass(restOnly)).toBe((ccxt as unknown as Record<string, unknown>)[restOnly]);
    for (const id of ['nope', 'Binance', '../base/Exchange', 'base/errors', ''])
      expect(findCcxtClass(id)).toBeUndefined();
    expect(requireCcxtFile('js/src/nope.js')).toBeUndefined();
  });
});

import ccxt, { type Exchange } from 'ccxt';

export type ExchangeConstructor = new (config?: Record<string, unknown>) => Exchange;

/** The ccxt class of an exchange id: `ccxt.pro` when it has websockets, plain ccxt (REST) otherwise. */
export function findCcxtClass(id: string): ExchangeConstructor | undefined {
  const pro = (ccxt.pro as unknown as Record<string, ExchangeConstructor | undefined>)[id];
  if (pro) return pro;
  return ccxt.exchanges.includes(id)
    ? (ccxt as unknown as Record<string, ExchangeConstructor>)[id]
    : undefined;
}

export const unknownExchangeMessage = (id: string): string =>
  `"${id}" is not an exchange ccxt knows; ids are lowercase, like binance, bybit, okx, kucoin`;

import type { Exchange } from 'ccxt';
import { requireCcxtFile } from '../base/ccxt-modules';

export type ExchangeConstructor = new (config?: Record<string, unknown>) => Exchange;

/** ccxt's file names are its exchange ids: lowercase letters and digits, nothing to climb out with. */
const EXCHANGE_ID = /^[a-z][a-z0-9]*$/;

/**
 * The ccxt class of an exchange id, loaded alone (base/ccxt-modules.ts): `ccxt.pro`'s when it has
 * websockets (js/src/pro/<id>.js), the REST one otherwise (js/src/<id>.js); undefined when ccxt has
 * no such exchange.
 */
export function findCcxtClass(id: string): ExchangeConstructor | undefined {
  if (!EXCHANGE_ID.test(id)) return undefined;
  const module = (requireCcxtFile(`js/src/pro/${id}.js`) ?? requireCcxtFile(`js/src/${id}.js`)) as
    { default: ExchangeConstructor } | undefined;
  return module?.default;
}

export const unknownExchangeMessage = (id: string): string =>
  `"${id}" is not an exchange ccxt knows; ids are lowercase, like binance, bybit, okx, kucoin`;

import type { CredentialFields } from '../../../shared/contract/methods/account';
import { secretFieldSchema, type SecretField } from '../../../shared/contract/methods/store';
import { ContractError } from '../../../shared/contract/result';
import { findCcxtClass, unknownExchangeMessage, type ExchangeConstructor } from '../exchange/ccxt-class';

/** Exchanges whose key permissions Candlewatch can read (Binance's GET /sapi/v1/account/apiRestrictions). */
export const PERMISSIONS_VISIBLE = (id: string): boolean =>
  id === 'binance' || id === 'binanceusdm' || id === 'binancecoinm';

/** Form order: the names users look for first. */
const ORDER: readonly SecretField[] = secretFieldSchema.options;

const cache = new Map<string, CredentialFields>();

/** The ccxt class of an exchange id (pro when it has websockets), or a not-found ContractError. */
export function ccxtClass(id: string): ExchangeConstructor {
  const Ctor = findCcxtClass(id);
  if (!Ctor) throw new ContractError('not-found', unknownExchangeMessage(id));
  return Ctor;
}

/**
 * What a key form for the exchange needs, read from a bare ccxt instance (no network): the fields of
 * `requiredCredentials` and the private capabilities of `has`. Cached: building a ccxt instance
 * costs milliseconds.
 */
export function credentialFields(id: string): CredentialFields {
  const hit = cache.get(id);
  if (hit) return hit;
  const ex = new (ccxtClass(id))();
  const required = Object.entries(ex.requiredCredentials ?? {})
    .filter(([, needed]) => needed === true)
    .map(([field]) => field);
  const has = ex.has;
  const result: CredentialFields = {
    exchange: id,
    name: String(ex.name ?? id),
    fields: ORDER.filter((f) => required.includes(f)),
    unstorable: required.filter((f) => !secretFieldSchema.safeParse(f).success),
    websocket: {
      balance: has['watchBalance'] === true,
      orders: has['watchOrders'] === true,
      fills: has['watchMyTrades'] === true,
    },
    positions: has['fetchPositions'] === true || has['watchPositions'] === true,
    permissionsVisible: PERMISSIONS_VISIBLE(id),
  };
  cache.set(id, result);
  return result;
}

import { AsyncLocalStorage } from 'node:async_hooks';
import type { Exchange } from 'ccxt';

/** Thrown instead of a request the account features never make: Candlewatch only reads accounts. */
export class ReadOnlyRefusedError extends Error {
  constructor(what: string) {
    super(
      `Candlewatch is read-only: it never places, changes or cancels orders or moves funds (refused ${what})`,
    );
    this.name = 'ReadOnlyRefusedError';
  }
}

/**
 * The only ccxt calls the account features make (account-client.ts), and so the only ones whose
 * requests may be signed: markets and the clock (loadMarkets, loadTimeDifference, fetchTime), the
 * reads (balance, open orders, fills, positions, the account's margin mode, funding rates, last
 * prices), the private streams and the Binance
 * WebSocket API login ahead of them, and the key-permission read (Binance apiRestrictions).
 */
export const READ_CALLS: readonly string[] = [
  'loadMarkets',
  'loadTimeDifference',
  'fetchTime',
  'fetchBalance',
  'fetchOpenOrders',
  'fetchMyTrades',
  'fetchPositions',
  'fetchFundingRates',
  'fetchMarginMode',
  'fetchTicker',
  'fetchTickers',
  'watchBalance',
  'watchOrders',
  'watchMyTrades',
  'watchPositions',
  'watchFundingRates',
  'authenticate',
  'sapiGetAccountApiRestrictions',
];

/** Where ccxt keeps credentials on an instance (the keys of `requiredCredentials`). */
const CREDENTIAL_PROPS = [
  'apiKey',
  'secret',
  'uid',
  'login',
  'password',
  'twofa',
  'privateKey',
  'walletAddress',
  'token',
];

type Instance = Record<string, unknown> & {
  has: Record<string, unknown>;
  sign(...args: unknown[]): unknown;
  fetch(url: string, method?: string, ...rest: unknown[]): Promise<unknown>;
};

/**
 * Makes a keyed ccxt instance read-only by allowlist, for every exchange whatever its paths are
 * called. Each allowlisted call runs in an async context (AsyncLocalStorage) that follows ccxt's own
 * awaits, timers and nested calls (fetchPositions may call a helper of its own); outside one:
 * - every other unified method (createOrder, withdraw, transfer, createOrderWs, …) rejects;
 * - `sign` runs with the credentials taken off the instance, so an implicit endpoint
 *   (`privatePostOrder`, `sapiPostAssetDust`, …) cannot be signed: ccxt refuses it for want of a key;
 * - `fetch` refuses to send anything at all.
 * The account code calls nothing else; this is what makes a bug there, or a ccxt change, harmless.
 */
export function restrictToReadCalls(ex: Exchange): void {
  const target = ex as unknown as Instance;
  const context = new AsyncLocalStorage<string>();
  const inside = () => context.getStore() !== undefined;
  const allowed = new Set(READ_CALLS);

  const names = new Set([...Object.keys(target.has), ...READ_CALLS]);
  for (const name of names) {
    const original = target[name];
    if (typeof original !== 'function') continue;
    const call = original as (...args: unknown[]) => unknown;
    if (allowed.has(name)) {
      target[name] = (...args: unknown[]) => context.run(name, () => call.apply(ex, args));
    } else {
      // ccxt may call a helper of its own inside an allowed call (binance fetchPositions →
      // fetchPositionsRisk); from anywhere else the method does not exist.
      target.has[name] = false;
      target[name] = (...args: unknown[]) =>
        inside() ? call.apply(ex, args) : Promise.reject(new ReadOnlyRefusedError(`${ex.id}.${name}`));
    }
  }

  const sign = target.sign.bind(ex);
  target.sign = (...args: unknown[]) => {
    if (inside()) return sign(...args);
    // sign is synchronous in every ccxt exchange: nothing else runs while the keys are off.
    const saved = CREDENTIAL_PROPS.map((p) => [p, target[p]] as const);
    for (const [p] of saved) target[p] = undefined;
    try {
      return sign(...args);
    } finally {
      for (const [p, v] of saved) target[p] = v;
    }
  };

  const fetch = target.fetch.bind(ex);
  target.fetch = (url, method = 'GET', ...rest) => {
    if (inside()) return fetch(url, method, ...rest);
    const path = String(url)
      .split('?')[0]!
      .replace(/^[a-z]+:\/\/[^/]+/i, '');
    return Promise.reject(new ReadOnlyRefusedError(`${String(method)} ${path} on ${ex.id}`));
  };
}

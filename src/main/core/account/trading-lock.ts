import type { Exchange } from 'ccxt';

/** Thrown instead of sending a request that could place, change or cancel an order or move funds. */
export class TradingRefusedError extends Error {
  constructor(what: string) {
    super(
      `Candlewatch is read-only: it never places, changes or cancels orders or moves funds (refused ${what})`,
    );
    this.name = 'TradingRefusedError';
  }
}

/**
 * Unified ccxt methods that act on the account: orders (and their Ws variants), funds, margin and
 * position settings. Read from the instance's own `has` map, so every exchange's list is covered.
 */
const ACTING_METHOD =
  /^(create|edit|cancel|close|modify|amend|withdraw|transfer|borrow|repay|set|add|reduce|redeem)([A-Z]|$)/;

/** REST paths (lowercased, separators removed) that act when called with a verb other than GET. */
const ACTING_PATH =
  /order|withdraw|transfer|borrow|repay|leverage|margin|position|cancel|amend|convert|redeem|purchase|loan|stak/;
/** POST endpoints that only read, on exchanges whose private API is all POST (Kraken: OpenOrders …). */
const READING_POST =
  /(open|closed|query)orders|ordershistory|orderhistory|tradeshistory|tradehistory|balance|ledgers?/;
const ACTING_VERB = /cancel|add|edit|amend|create|place|replace|withdraw|transfer/;
/** The private stream's listen key (Binance, Bybit unified …): created, kept alive and closed with POST/PUT/DELETE. */
const LISTEN_KEY = /listenkey|userdatastream|listentoken/;

const normalize = (path: string): string => path.toLowerCase().replace(/[^a-z0-9]/g, '');

/** Whether a REST request may be sent by a read-only client. */
export function isReadOnlyRequest(path: string, method: string): boolean {
  const verb = method.toUpperCase();
  if (verb === 'GET' || verb === 'HEAD') return true;
  const p = normalize(path);
  if (LISTEN_KEY.test(p)) return true;
  if (verb === 'POST' && READING_POST.test(p) && !ACTING_VERB.test(p)) return true;
  return !ACTING_PATH.test(p);
}

/**
 * Makes a ccxt instance unable to act on the account, in two independent layers:
 * - every acting unified method (createOrder, cancelOrderWs, withdraw, setLeverage …) is replaced
 *   on the instance by one that rejects, and `has` says the exchange does not offer it;
 * - every REST request passes a check before it is signed: a non-GET request to an order, funds or
 *   margin endpoint is refused (this also stops implicit methods like `privatePostOrder`).
 * The account code never calls any of these; the lock is what makes a bug there harmless.
 */
export function lockTrading(ex: Exchange): void {
  const target = ex as unknown as Record<string, unknown> & { has: Record<string, unknown> };
  for (const name of Object.keys(target.has)) {
    if (!ACTING_METHOD.test(name)) continue;
    target.has[name] = false;
    target[name] = () => Promise.reject(new TradingRefusedError(`${ex.id}.${name}`));
  }
  const request = (target['request'] as (...args: unknown[]) => Promise<unknown>).bind(ex);
  target['request'] = (path: unknown, api: unknown, method: unknown = 'GET', ...rest: unknown[]) => {
    const p = String(path);
    const m = String(method);
    if (!isReadOnlyRequest(p, m)) {
      return Promise.reject(new TradingRefusedError(`${m} ${p} on ${ex.id}`));
    }
    return request(path, api, method, ...rest);
  };
}

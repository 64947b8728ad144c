import type { Exchange } from 'ccxt';

type WatchArgs = [url: string, hash: unknown, message?: unknown, subscribeHash?: unknown, ...rest: unknown[]];
type ClientView = { subscriptions?: Record<string, unknown> };

/**
 * Which of our streams' subscriptions ccxt has not sent yet. ccxt 4.5.84's `watch`/`watchMultiple`
 * hand back the future at once and send the SUBSCRIBE only after the socket has opened, after its
 * own reconnect backoff (`calculateWsBackoffDelay`: 1 s doubling to 60 s for a url dialled again
 * within 30 s) and after the socket's throttle (Binance: 5 messages a second, ccxt's `ws.cost` 5 ×
 * `rateLimit` 50 ms). A stream waiting there is not silent, it has not asked yet: at 3,000 streams on a
 * starved process its stale clock ran out before its turn came, the stale drop took down the
 * socket's other 1,000 streams, ccxt's backoff for that url doubled, and the next wave went stale
 * sooner still — the start-up never became live (thousands of reconnects). The feed's stale clock
 * therefore starts when the subscription goes out (watch-loop.ts `waitingTurn`).
 *
 * How: around each of our ccxt watch calls (which reach `watch`/`watchMultiple` synchronously once
 * markets are loaded) the stream keys are named; if the call will send a message (a subscribe hash
 * the socket does not carry yet), the message object is remembered for those keys, and ccxt's
 * `client.send(message)` with that very object clears them. A watch that settles (data, or a
 * failure: ccxt drops the subscription then) clears them too.
 */
export class PendingSubscriptions {
  /** stream key → the message carrying its subscription, and since when it waits */
  private readonly pending = new Map<string, { message: object; since: number }>();
  private readonly keysOf = new WeakMap<object, string[]>();
  private naming: readonly string[] | null = null;

  constructor(private readonly now: () => number) {}

  /** Wraps `ex.watch` and `ex.watchMultiple` (instance methods ccxt's watchX call through `this`). */
  install(ex: Exchange): void {
    const target = ex as unknown as Record<
      'watch' | 'watchMultiple',
      (...args: WatchArgs) => Promise<unknown>
    >;
    for (const name of ['watch', 'watchMultiple'] as const) {
      const original = target[name].bind(ex);
      target[name] = (...args: WatchArgs) => {
        const keys = this.naming;
        const [url, , message, subscribeHash] = args;
        const willSend =
          keys !== null &&
          typeof message === 'object' &&
          message !== null &&
          sendsSubscription(ex.clients?.[url] as ClientView | undefined, subscribeHash);
        if (willSend) this.mark(keys, message);
        const future = original(...args);
        if (willSend) {
          const settled = () => this.clear(message);
          future.then(settled, settled);
        }
        return future;
      };
    }
  }

  /** Runs a ccxt watch call made for `keys`. */
  during<T>(keys: readonly string[], call: () => T): T {
    this.naming = keys;
    try {
      return call();
    } finally {
      this.naming = null;
    }
  }

  /** ccxt handed `message` to the socket: the subscriptions it carries went out. */
  sent(message: unknown): void {
    if (typeof message === 'object' && message !== null) this.clear(message);
  }

  /** Since when `key`'s subscription waits to be sent; null when it is not waiting. */
  waitingSince(key: string): number | null {
    return this.pending.get(key)?.since ?? null;
  }

  forget(key: string): void {
    this.pending.delete(key);
  }

  private mark(keys: readonly string[], message: object): void {
    const since = this.now();
    for (const key of keys) this.pending.set(key, { message, since });
    this.keysOf.set(message, [...keys]);
  }

  private clear(message: object): void {
    const keys = this.keysOf.get(message);
    if (!keys) return;
    this.keysOf.delete(message);
    for (const key of keys) if (this.pending.get(key)?.message === message) this.pending.delete(key);
  }
}

/** ccxt sends the message only when the socket lacks one of the subscribe hashes (or none is given). */
function sendsSubscription(client: ClientView | undefined, subscribeHash: unknown): boolean {
  if (subscribeHash === undefined) return true;
  const subscriptions = client?.subscriptions;
  if (!subscriptions) return true;
  const hashes = Array.isArray(subscribeHash) ? (subscribeHash as unknown[]) : [subscribeHash];
  return hashes.some((h) => subscriptions[String(h)] === undefined);
}

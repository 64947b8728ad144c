import type { StreamInfo } from '../../../shared/domain/stream';
import { Backoff } from '../base/backoff';
import { sleep, type Clock } from '../base/clock';
import { StreamStatus } from '../streams/stream-status';
import { WatchLoop, type BreakReason } from '../streams/watch-loop';
import type { Logger } from '../base/log';

export type PrivateStreamKind = 'balance' | 'orders' | 'fills' | 'positions' | 'funding';

export const privateStreamId = (exchange: string, kind: PrivateStreamKind): string =>
  `${exchange}|account|${kind}`;

export type PrivateStreamHooks<T> = {
  /** runs before the first watch and after every failure: markets */
  prepare(): Promise<void>;
  /** the account's REST catch-up when one is due (after any break, forced ones included); shared */
  sync(): Promise<void>;
  /** next stream update (websocket) */
  watch(): Promise<T>;
  /** one REST read (polling) */
  poll(): Promise<T>;
  onData(value: T, now: number): void;
  onBroken(reason: BreakReason): void;
  dropConnection(): void;
};

export type PrivateStreamDeps = {
  exchange: string;
  clock: Clock;
  log: Logger;
  random?: () => number;
  /** how long a polled stream waits between reads */
  pollMs: number;
  restBlockedForMs(): number;
  onState(info: StreamInfo): void;
};

/**
 * One stream of an account (balance, orders, fills, positions, or its positions' funding) on the market engine's
 * watch loop: the same classification, capped jittered backoff, states and counters as the public
 * streams, shown beside them in the streams panel. Polled with REST where the exchange has no
 * websocket for it.
 */
export class PrivateStream<T> {
  readonly status: StreamStatus;
  private readonly loop: WatchLoop<T>;
  private readonly stopPolling = new AbortController();
  private polled = false;

  constructor(
    readonly kind: PrivateStreamKind,
    readonly websocket: boolean,
    hooks: PrivateStreamHooks<T>,
    deps: PrivateStreamDeps,
  ) {
    const { clock, log } = deps;
    this.status = new StreamStatus(
      {
        id: privateStreamId(deps.exchange, kind),
        kind,
        exchange: deps.exchange,
        symbol: 'account',
        timeframe: null,
        transport: websocket ? 'websocket' : 'rest-poll',
      },
      clock,
      deps.onState,
    );
    const pollOnce = async (): Promise<T> => {
      if (this.polled) await sleep(clock, deps.pollMs, this.stopPolling.signal);
      this.polled = true;
      return hooks.poll();
    };
    this.loop = new WatchLoop<T>(
      this.status,
      {
        prepare: () => hooks.prepare(),
        // Here rather than in prepare: a forced reconnect (stale, resume, the user) skips prepare.
        watch: async () => {
          await hooks.sync();
          if (!websocket) return pollOnce();
          // The loop shows `live` on the first update, and an account may have none for hours: once
          // subscribed and caught up, a private websocket stream is live.
          this.status.set('live');
          return hooks.watch();
        },
        onData: (value, now) => {
          this.status.message(now);
          hooks.onData(value, now);
        },
        onBroken: (reason) => {
          this.polled = false;
          hooks.onBroken(reason);
        },
        flowingState: () => (websocket ? 'live' : 'polling'),
        dropConnection: () => hooks.dropConnection(),
        // Closing the account's ccxt instance ends its private subscriptions.
        unsubscribe: () => Promise.resolve(),
      },
      { clock, log, backoff: new Backoff({ random: deps.random }), restBlockedForMs: deps.restBlockedForMs },
    );
  }

  start(): void {
    this.loop.start();
  }

  stop(): Promise<void> {
    this.stopPolling.abort();
    return this.loop.stop();
  }

  forceReconnect(reason: BreakReason, dropConnection = true): void {
    this.loop.forceReconnect(reason, dropConnection);
  }

  /**
   * The account found a change over REST that this stream never delivered: it is stale although
   * its socket looks alive (an idle private stream sends nothing, so silence alone proves nothing).
   */
  markStale(message: string, now: number): void {
    this.status.error({ kind: 'stale', message, at: now });
    this.status.set('stale');
    this.loop.forceReconnect('stale', false);
  }
}

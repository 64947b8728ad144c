import type { StreamInfo } from '../../../shared/domain/stream';
import type { Clock } from '../base/clock';
import type { StreamStatus } from '../streams/stream-status';
import { StreamRunner } from '../streams/stream-runner';
import type { BreakReason } from '../streams/watch-loop';
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
  private readonly runner: StreamRunner<T>;

  constructor(
    readonly kind: PrivateStreamKind,
    readonly websocket: boolean,
    hooks: PrivateStreamHooks<T>,
    deps: PrivateStreamDeps,
  ) {
    this.runner = new StreamRunner<T>(
      {
        id: privateStreamId(deps.exchange, kind),
        kind,
        exchange: deps.exchange,
        symbol: 'account',
        timeframe: null,
        transport: websocket ? 'websocket' : 'rest-poll',
      },
      {
        prepare: () => hooks.prepare(),
        // Here rather than in prepare: a forced reconnect (stale, resume, the user) skips prepare.
        watch: async () => {
          await hooks.sync();
          if (!websocket) {
            await this.runner.pollTurn(deps.pollMs);
            return hooks.poll();
          }
          // The loop shows `live` on the first update, and an account may have none for hours: once
          // subscribed and caught up, a private websocket stream is live.
          this.status.set('live');
          return hooks.watch();
        },
        onData: (value, now) => {
          this.status.message(now);
          hooks.onData(value, now);
        },
        onBroken: (reason) => hooks.onBroken(reason),
        flowingState: () => (websocket ? 'live' : 'polling'),
        dropConnection: () => hooks.dropConnection(),
        // Closing the account's ccxt instance ends its private subscriptions.
        unsubscribe: () => Promise.resolve(),
      },
      deps,
    );
    this.status = this.runner.status;
  }

  start(): void {
    this.runner.start();
  }

  stop(): Promise<void> {
    return this.runner.stop();
  }

  forceReconnect(reason: BreakReason, dropConnection = true): void {
    this.runner.forceReconnect(reason, dropConnection);
  }

  /**
   * The account found a change over REST that this stream never delivered: it is stale although
   * its socket looks alive (an idle private stream sends nothing, so silence alone proves nothing).
   * The account closed the socket itself.
   */
  markStale(message: string, now: number): void {
    this.runner.markStale(message, now, false);
  }
}

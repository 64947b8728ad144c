import type { StreamInfo } from '../../../shared/domain/stream';
import { Backoff } from '../base/backoff';
import type { Clock } from '../base/clock';
import type { Logger } from '../base/log';
import { PollPace } from './poll-pace';
import { StreamStatus, type StreamIdentity } from './stream-status';
import { WatchLoop, type BreakReason, type LoopHooks } from './watch-loop';

export type StreamRunnerHooks<T> = LoopHooks<T> & {
  /**
   * How long this stream may be silent before it is stale, given the setting (a polled channel
   * needs at least its poll interval); null when silence is no failure (a quiet market's trades).
   * Without it, the setting as is.
   */
  staleAfterMs?(settingMs: number): number | null;
};

export type StreamRunnerDeps = {
  clock: Clock;
  log: Logger;
  random?: () => number;
  /** ms left in the exchange's Retry-After window (shared by all its streams) */
  restBlockedForMs(): number;
  onState(info: StreamInfo): void;
};

/**
 * The skeleton every stream kind composes (candles, tickers, books, trades, an account's private
 * streams): its status, its watch loop with a backoff of its own (one stream's failures must not
 * slow another's retries), the pace of its REST polls, and the one place that stops it, forces a
 * reconnect and checks it for staleness. The stream kind supplies only what it watches or polls
 * and what it does with the data.
 */
export class StreamRunner<T> {
  readonly status: StreamStatus;
  private readonly loop: WatchLoop<T>;
  private readonly pace: PollPace;

  constructor(
    identity: StreamIdentity,
    private readonly hooks: StreamRunnerHooks<T>,
    deps: StreamRunnerDeps,
  ) {
    const { clock, log } = deps;
    this.status = new StreamStatus(identity, clock, deps.onState);
    this.pace = new PollPace(clock);
    this.loop = new WatchLoop<T>(
      this.status,
      {
        ...hooks,
        onBroken: (reason) => {
          this.pace.reset();
          hooks.onBroken(reason);
        },
      },
      {
        clock,
        log,
        backoff: new Backoff({ random: deps.random }),
        restBlockedForMs: () => deps.restBlockedForMs(),
      },
    );
  }

  start(): void {
    this.loop.start();
  }

  /** Ends the stream; `unsubscribe: false` when the exchange's sockets are about to be closed anyway. */
  stop(unsubscribe = true): Promise<void> {
    this.pace.stop();
    return this.loop.stop(unsubscribe);
  }

  /** Drop the connection and resubscribe now (stale, OS resume, or the user asked). */
  forceReconnect(reason: BreakReason, dropConnection = true): void {
    this.loop.forceReconnect(reason, dropConnection);
  }

  /** The feed's once-a-second tick: true when the stream was found stale (and is reconnecting). */
  checkStale(now: number, settingMs: number): boolean {
    const after = this.hooks.staleAfterMs ? this.hooks.staleAfterMs(settingMs) : settingMs;
    if (after === null) return false;
    return this.loop.checkStale(now, after);
  }

  /**
   * Something other than silence shows the stream missed data (an account's REST read found a
   * change it never delivered): stale now, reconnecting.
   */
  markStale(message: string, now: number, dropConnection = true): void {
    this.loop.markStale(message, now, dropConnection);
  }

  /**
   * For a watch hook that polls: resolves when the next read is due (at once after a start or a
   * break, else `intervalMs` after the last), and rejects when a break or a stop calls it off.
   */
  pollTurn(intervalMs: number): Promise<void> {
    return this.pace.turn(intervalMs);
  }

  /** A poll waiting its turn reads now. */
  wakePoll(): void {
    this.pace.wake();
  }
}

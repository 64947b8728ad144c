import type { StreamState } from '../../../shared/domain/stream';
import type { Logger } from '../base/log';
import type { Backoff } from '../base/backoff';
import { classifyError, toStreamError } from '../base/classify-error';
import { sleep, type Clock } from '../base/clock';
import type { StreamStatus } from './stream-status';

/** Why a stream's connection is no longer trusted. */
export type BreakReason = 'reconnect' | 'stale' | 'resume';

export type LoopHooks<T> = {
  /** runs before the first watch and after every failure: load markets, check the symbol */
  prepare(): Promise<void>;
  /** waits for the next update; must not sleep when data is already there */
  watch(): Promise<T>;
  /** handles one wake synchronously (counting the message is its job: it knows the exchange stamp) */
  onData(value: T, now: number): void;
  /** the connection failed or is being dropped: whatever was forming may be partial */
  onBroken(reason: BreakReason): void;
  /** the state to show while data flows (live, polling, backfilling) */
  flowingState(): StreamState;
  /**
   * closes the socket carrying this stream, so its pending watch fails; for 'stale' a socket that is
   * still delivering other streams' data may be kept (only this stream is quiet)
   */
  dropConnection(reason: BreakReason): void;
  unsubscribe(): Promise<void>;
  /**
   * For a stream the exchange leaves silent while nothing trades: asks the exchange over REST
   * whether anything traded since `since` (the last message). Resolves true for a quiet market,
   * false when trades happened that the stream never delivered (a dead stream); null when no check
   * applies (the exchange promises pushes while nothing trades: silence means dead).
   */
  quietCheck?(since: number): Promise<boolean> | null;
  /**
   * Since when the stream's subscription waits its turn to be sent (null: it went out, or the
   * exchange cannot tell). Waiting is not silence: the stale clock starts once it went out.
   */
  waitingSince?(): number | null;
};

export type LoopDeps = {
  clock: Clock;
  log: Logger;
  backoff: Backoff;
  /** ms left in the exchange's Retry-After window */
  restBlockedForMs(): number;
};

const INTERRUPTED = Symbol('interrupted');

/**
 * A subscription waiting its turn holds the stale clock at most this long: past ccxt's longest
 * reconnect backoff (60 s) plus its connection timeout (10 s) and any socket's message pace, so a
 * turn that never comes still ends in a stale reconnect (a stream never dies silently).
 */
export const TURN_WAIT_LIMIT_MS = 300_000;

/**
 * One stream's loop: watch, handle, watch again, with nothing in between, so an update is handled
 * the moment ccxt resolves it. Every failure is classified, shown as a state, and retried forever
 * with capped jittered backoff (reset once data flows); a forced reconnect (stale, resume, manual)
 * retries at once. A stream never dies silently.
 */
export class WatchLoop<T> {
  private stopped = false;
  private running: Promise<void> | null = null;
  private prepared = false;
  private interrupt: ((reason: typeof INTERRUPTED) => void) | null = null;
  private forced: BreakReason | null = null;
  private readonly stopSignal = new AbortController();
  private wakeSleep: AbortController | null = null;
  private watching = false;
  private attemptSince = 0;
  /** a REST quiet check is under way (the stale check waits for its answer) */
  private checkingQuiet = false;
  /** when the exchange last confirmed the silence is a quiet market: the threshold runs from here */
  private quietConfirmedAt = 0;
  /** the last check that found the subscription still waiting its turn: the threshold runs from here */
  private waitedUntil = 0;

  constructor(
    readonly status: StreamStatus,
    private readonly hooks: LoopHooks<T>,
    private readonly deps: LoopDeps,
  ) {}

  start(): void {
    this.running ??= this.run();
  }

  /** Ends the loop; `unsubscribe: false` when the exchange's sockets are about to be closed anyway. */
  async stop(unsubscribe = true): Promise<void> {
    if (this.stopped) return this.running ?? undefined;
    this.stopped = true;
    this.stopSignal.abort();
    this.interrupt?.(INTERRUPTED);
    await this.running;
    // Not awaited: ccxt paces a socket's messages (Binance takes 5 a second), and a watchlist edit
    // that drops 80 streams must not wait 16 s for every acknowledgement.
    if (unsubscribe) {
      this.hooks.unsubscribe().catch((err: unknown) => {
        this.deps.log.debug('unsubscribe failed', { stream: this.status.identity.id, error: err });
      });
    }
    this.status.set('stopped');
  }

  /** Drop the connection and resubscribe now (stale, OS resume, or the user asked). */
  forceReconnect(reason: BreakReason, dropConnection = true): void {
    if (this.stopped) return;
    this.hooks.onBroken(reason);
    this.forced = reason;
    this.interrupt?.(INTERRUPTED);
    this.wakeSleep?.abort();
    if (dropConnection) this.hooks.dropConnection(reason);
  }

  /**
   * Called by the feed's once-a-second tick. True when the stream was found stale. A silent stream
   * with a quiet check is declared stale only once the exchange shows trades it never delivered;
   * while REST shows none, it stays live and says so (`quietSince`).
   */
  checkStale(now: number, timeoutMs: number): boolean {
    this.status.staleAfterMs = timeoutMs;
    if (!this.watching || this.stopped || this.checkingQuiet) return false;
    const waiting = this.hooks.waitingSince?.() ?? null;
    if (waiting !== null && now - waiting < TURN_WAIT_LIMIT_MS) {
      this.waitedUntil = now;
      return false;
    }
    const lastMessage = this.status.lastMessageAt;
    const last = Math.max(lastMessage ?? 0, this.attemptSince, this.quietConfirmedAt, this.waitedUntil);
    if (now - last <= timeoutMs) return false;
    // A subscription that never delivered anything is not a quiet market: nothing to compare with.
    const check = lastMessage === null ? null : (this.hooks.quietCheck?.(lastMessage) ?? null);
    if (check === null || lastMessage === null) {
      this.declareStale(now, last, timeoutMs, '');
      return true;
    }
    this.checkingQuiet = true;
    const attempt = this.attemptSince;
    const answered = (quiet: boolean, failure: string): void => {
      this.checkingQuiet = false;
      const at = this.deps.clock.now();
      // Data came, the stream reconnected or stopped meanwhile: the question no longer stands.
      if (this.stopped || !this.watching || this.attemptSince !== attempt) return;
      if (this.status.lastMessageAt !== lastMessage) return;
      if (quiet) {
        this.quietConfirmedAt = at;
        this.status.setQuiet(lastMessage);
        return;
      }
      this.declareStale(at, last, timeoutMs, failure);
    };
    check.then(
      (quiet) => answered(quiet, '; the exchange shows trades since'),
      (err: unknown) =>
        answered(
          false,
          `; could not ask the exchange whether anything traded (${classifyError(err).message})`,
        ),
    );
    return false;
  }

  /**
   * Calls the stream stale now, saying why, and reconnects it (`dropConnection: false` when the
   * caller closed the socket already). A stopped stream stays stopped.
   */
  markStale(message: string, now: number, dropConnection = true): void {
    if (this.stopped) return;
    this.status.setQuiet(null);
    this.status.error({ kind: 'stale', message, at: now });
    this.status.set('stale');
    this.forceReconnect('stale', dropConnection);
  }

  private declareStale(now: number, last: number, timeoutMs: number, why: string): void {
    const silentS = Math.round((now - last) / 1000);
    this.deps.log.warn(`${this.status.identity.id}: stale: no data for ${silentS} s${why}; reconnecting`);
    this.markStale(
      `no data for ${silentS} s (stale after ${Math.round(timeoutMs / 1000)} s)${why}; reconnecting`,
      now,
    );
  }

  private async run(): Promise<void> {
    const { clock } = this.deps;
    this.attemptSince = clock.now();
    while (!this.stopped) {
      try {
        if (!this.prepared) {
          await this.hooks.prepare();
          this.prepared = true;
          // The stale clock starts with the watch: loading the markets of a large exchange on a
          // busy machine took 28 s, which left a new socket 2 s of a 30 s timeout before its
          // 1,024 streams were dropped as stale.
          this.attemptSince = clock.now();
        }
        this.watching = true;
        const value = await this.race(this.hooks.watch());
        const now = clock.now();
        this.hooks.onData(value, now);
        this.deps.backoff.reset();
        this.status.set(this.hooks.flowingState());
      } catch (err) {
        this.watching = false;
        if (this.stopped) break;
        await this.recover(err);
        this.attemptSince = clock.now();
      }
    }
  }

  private async recover(err: unknown): Promise<void> {
    const { clock, backoff, log } = this.deps;
    this.status.setQuiet(null);
    this.status.reconnected();
    if (this.forced) {
      this.forced = null;
      this.status.set('reconnecting');
      return;
    }
    const c = classifyError(err);
    const now = clock.now();
    this.status.error(toStreamError(c, now));
    this.hooks.onBroken('reconnect');
    this.prepared = false;
    let delay = c.permanent ? backoff.capped() : backoff.next();
    if (c.kind === 'rate-limited') delay = Math.max(delay, this.deps.restBlockedForMs());
    log.warn(`${this.status.identity.id}: ${c.kind}: ${c.message}`, { retryInMs: delay });
    this.status.set(c.permanent ? 'error' : 'reconnecting');
    this.wakeSleep = new AbortController();
    const wake = this.wakeSleep.signal;
    await sleep(clock, delay, AbortSignal.any([this.stopSignal.signal, wake]));
    this.wakeSleep = null;
    if (this.forced) {
      this.forced = null;
      this.status.set('reconnecting');
    }
  }

  /** the watch, or an early exit when forceReconnect/stop interrupts it (the watch is left to settle) */
  private race(watch: Promise<T>): Promise<T> {
    // `interrupt` is left set once the watch settles (a settled promise ignores a late reject): a
    // `.finally()` to clear it cost a promise and two closures per update, and they live as long as
    // the watch waits, seconds, long enough for the GC to promote them (bench scale's heap profile).
    return new Promise<T>((resolve, reject) => {
      this.interrupt = reject;
      watch.then(resolve, reject);
    });
  }
}

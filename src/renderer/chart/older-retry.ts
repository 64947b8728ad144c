import { backoffCeiling } from '../../shared/backoff';

/** Timers of the page; injected so the unit tests run the waits without the wall clock. */
export type RetryTimers = {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
};

const pageTimers: RetryTimers = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

/** The first wait when the exchange named none; doubled on each rate limit in a row, up to the cap. */
const BASE_WAIT_MS = 2_000;
const MAX_WAIT_MS = 60_000;

/**
 * How long scroll-back waits after its `attempt`-th rate limit in a row (0 for the first): the wait
 * the exchange asked for, and no less than a capped exponential backoff, so an exchange that keeps
 * answering 429 with a short Retry-After is asked ever less often.
 */
export function olderRetryDelayMs(askedMs: number | null, attempt: number): number {
  const backoff = backoffCeiling(attempt, BASE_WAIT_MS, MAX_WAIT_MS);
  if (askedMs === null || askedMs <= 0) return backoff;
  // The first time exactly the exchange's wait; in a row, no less than the backoff either (a wait
  // the exchange asked for is kept even past the cap).
  return attempt === 0 ? askedMs : Math.max(askedMs, backoff);
}

/**
 * Scroll-back's automatic retry after a rate limit: at most one retry waits at a time, and it
 * runs `retry` once when its wait is over, unless it was cancelled first (the chart opened another
 * series or timeframe, or the user pressed Retry to go at once).
 */
export class OlderRetry {
  private handle: unknown = null;
  private limitsInARow = 0;

  constructor(
    private readonly retry: () => void,
    private readonly timers: RetryTimers = pageTimers,
  ) {}

  /** After a rate limit: waits, then retries. Returns when (epoch ms) it will. */
  schedule(askedMs: number | null): number {
    this.cancel();
    const wait = olderRetryDelayMs(askedMs, this.limitsInARow++);
    this.handle = this.timers.setTimeout(() => {
      this.handle = null;
      this.retry();
    }, wait);
    return this.timers.now() + wait;
  }

  /** A request answered without a rate limit: the next one starts from the exchange's wait again. */
  succeeded(): void {
    this.limitsInARow = 0;
  }

  /** Whether a retry is waiting. */
  get pending(): boolean {
    return this.handle !== null;
  }

  /** Drops the waiting retry, if any. */
  cancel(): void {
    if (this.handle === null) return;
    this.timers.clearTimeout(this.handle);
    this.handle = null;
  }

  /** A new series: no retry waits, and its first rate limit gets the exchange's own wait. */
  reset(): void {
    this.cancel();
    this.limitsInARow = 0;
  }
}

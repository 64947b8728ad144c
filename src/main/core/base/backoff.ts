export type BackoffOptions = {
  baseMs?: number;
  capMs?: number;
  /** uniform in [0, 1); injected for deterministic tests */
  random?: () => number;
};

/**
 * Capped exponential backoff with full jitter (a uniform delay in [0, min(cap, base·2^n))): spreads
 * the reconnects of hundreds of streams that failed together instead of retrying them in lockstep.
 */
export class Backoff {
  private attempt = 0;
  private readonly baseMs: number;
  private readonly capMs: number;
  private readonly random: () => number;

  constructor(opts: BackoffOptions = {}) {
    this.baseMs = opts.baseMs ?? 1_000;
    this.capMs = opts.capMs ?? 30_000;
    this.random = opts.random ?? Math.random;
  }

  /** the ceiling of the next delay, before jitter */
  get ceilingMs(): number {
    return Math.min(this.capMs, this.baseMs * 2 ** this.attempt);
  }

  get attempts(): number {
    return this.attempt;
  }

  next(): number {
    const delay = Math.floor(this.random() * this.ceilingMs);
    if (this.ceilingMs < this.capMs) this.attempt++;
    return delay;
  }

  /** the longest delay, for failures that will not heal soon (bad symbol, auth) */
  capped(): number {
    return this.capMs;
  }

  reset(): void {
    this.attempt = 0;
  }
}

/** An HTTP Retry-After header in ms from `now`: it is either seconds or an HTTP date (RFC 9110 §10.2.3). */
export function retryAfterMs(header: string | undefined, now: number): number | undefined {
  if (!header) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const at = Date.parse(header);
  return Number.isFinite(at) ? Math.max(0, at - now) : undefined;
}

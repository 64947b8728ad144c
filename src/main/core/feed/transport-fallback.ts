export type FallbackOptions = {
  /** websocket failures in a row (connect errors, stale drops) without data before polling REST */
  failures?: number;
  /** or this long since the first of those failures without websocket data */
  silentMs?: number;
  /** while polling, how often the websocket is tried again in the background */
  probeEveryMs?: number;
};

export const FALLBACK_DEFAULTS: Required<FallbackOptions> = {
  failures: 3,
  silentMs: 60_000,
  probeEveryMs: 15_000,
};

/**
 * When a candle stream's websocket keeps failing while REST still answers (a proxy or firewall that
 * blocks websockets, an exchange whose socket endpoint is down), the stream polls REST instead and
 * keeps alerting live; in the background it tries the websocket again now and then, and goes back
 * to it once it delivers. Only the decisions live here; CandleStream does the switching.
 */
export class TransportFallback {
  private mode: 'websocket' | 'rest-poll' = 'websocket';
  private failedInRow = 0;
  private firstFailureAt: number | null = null;
  private nextProbeAt = 0;
  private readonly opts: Required<FallbackOptions>;

  constructor(opts: FallbackOptions = {}) {
    this.opts = { ...FALLBACK_DEFAULTS, ...opts };
  }

  get polling(): boolean {
    return this.mode === 'rest-poll';
  }

  /** The websocket failed (or went stale). True when the stream should poll REST from now on. */
  failed(now: number): boolean {
    if (this.mode === 'rest-poll') return false;
    this.failedInRow++;
    this.firstFailureAt ??= now;
    if (this.failedInRow < this.opts.failures && now - this.firstFailureAt < this.opts.silentMs) return false;
    this.mode = 'rest-poll';
    this.nextProbeAt = now + this.opts.probeEveryMs;
    return true;
  }

  /** The websocket delivered: it works. */
  delivered(): void {
    this.mode = 'websocket';
    this.failedInRow = 0;
    this.firstFailureAt = null;
  }

  /** While polling: whether to try the websocket now (and when to try next if this one fails). */
  probeDue(now: number): boolean {
    if (this.mode !== 'rest-poll' || now < this.nextProbeAt) return false;
    this.nextProbeAt = now + this.opts.probeEveryMs;
    return true;
  }
}

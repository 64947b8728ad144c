/**
 * The ceiling of retry `attempt` (0 for the first) of a capped exponential backoff: base·2^attempt,
 * at most `capMs`. The one formula behind every retry in the project (the core's stream loops and
 * webhook posts, the candle writer, the browser's reconnects); callers add their own jitter.
 */
export const backoffCeiling = (attempt: number, baseMs: number, capMs = Infinity): number =>
  Math.min(capMs, baseMs * 2 ** attempt);

/** Fault answers queued for the next REST calls, and the stall window of the WebSocket side. */

export type RestFaultStatus = 429 | 418 | 500;

/** A fault answer: Binance's statuses above, or another protocol's own (BingX answers HTTP 200 + a code). */
export type RestFaultAnswer = {
  status: number;
  retryAfterSec?: number;
  body: string;
  /** extra headers (KuCoin's gw-ratelimit-reset, Bybit's X-Bapi-Limit-Reset-Timestamp) */
  headers?: Record<string, string>;
};

// Binance's own wording for these answers, so ccxt's error mapping sees what it would see live.
const BODIES: Record<RestFaultStatus, string> = {
  429: JSON.stringify({
    code: -1003,
    msg: 'Too many requests; current limit of IP(127.0.0.1) is 6000 requests per minute. Please use WebSocket Streams for live updates to avoid polling the API.',
  }),
  418: JSON.stringify({
    code: -1003,
    msg: 'Way too many requests; IP(127.0.0.1) banned until 4102444800000. Please use WebSocket Streams for live updates to avoid bans.',
  }),
  500: JSON.stringify({
    code: -1001,
    msg: 'Internal error; unable to process your request. Please try again.',
  }),
};

const DEFAULT_RETRY_AFTER_SEC: Record<RestFaultStatus, number | undefined> = {
  429: 1,
  418: 2,
  500: undefined,
};

export class FaultPlan {
  private statuses: { answer: RestFaultAnswer; remaining: number }[] = [];
  private delays: { ms: number; remaining: number }[] = [];
  /** epoch ms until which the WebSocket side sends nothing */
  stalledUntil = 0;
  /** whether heartbeats (pings) are answered during the stall */
  stallPongs = true;

  /**
   * Another exchange's answer passes its own `body` (any status); without one, Binance's body for
   * 429, 418 or 500. `retryAfterSec: null`: no Retry-After header (OKX and Bybit send none).
   */
  queueStatus(
    status: number,
    count: number,
    opts: { retryAfterSec?: number | null; body?: string; headers?: Record<string, string> } = {},
  ): void {
    const known = status in BODIES ? (status as RestFaultStatus) : undefined;
    if (known === undefined && opts.body === undefined)
      throw new Error(`Fake exchange: restStatus supports 429, 418 and 500, not ${status}`);
    const retryAfterSec =
      opts.retryAfterSec === undefined
        ? known && DEFAULT_RETRY_AFTER_SEC[known]
        : (opts.retryAfterSec ?? undefined);
    const answer: RestFaultAnswer = { status, body: opts.body ?? BODIES[known!] };
    if (opts.headers) answer.headers = opts.headers;
    if (retryAfterSec !== undefined) answer.retryAfterSec = retryAfterSec;
    if (count > 0) this.statuses.push({ answer, remaining: count });
  }

  /** Queues a protocol's own fault answer (its rate-limit reply) for the next `count` REST calls. */
  queueAnswer(answer: RestFaultAnswer, count: number): void {
    if (count > 0) this.statuses.push({ answer, remaining: count });
  }

  queueDelay(ms: number, count: number): void {
    if (count > 0) this.delays.push({ ms, remaining: count });
  }

  /** The fault answer for the next REST call, if one is queued. */
  takeStatus(): RestFaultAnswer | undefined {
    return take(this.statuses)?.answer;
  }

  takeDelay(): number {
    return take(this.delays)?.ms ?? 0;
  }

  stalled(now: number): boolean {
    return now < this.stalledUntil;
  }

  answersHeartbeat(now: number): boolean {
    return this.stallPongs || !this.stalled(now);
  }
}

function take<T extends { remaining: number }>(queue: T[]): T | undefined {
  const head = queue[0];
  if (!head) return undefined;
  head.remaining--;
  if (head.remaining <= 0) queue.shift();
  return head;
}

import { retryAfterMs } from '../base/backoff';
import { sleep, systemClock } from '../base/clock';

/** How a POST ended, in words safe to show and log: never the URL (webhook and bot URLs carry tokens). */
export type PostResult = { ok: boolean; attempts: number; detail: string };

/** A failed webhook's result as a client sees it: the same words whatever failed (see webhookChannel). */
export const WEBHOOK_NOT_DELIVERED = 'not delivered: the webhook did not accept it (the log says why)';

export type PostOptions = {
  timeoutMs: number;
  /** further attempts after the first fails with a network error, a timeout, 408, 429 or 5xx */
  retries: number;
  /** retry every failure, 4xx included: the number of attempts then says nothing about the endpoint */
  retryAll?: boolean;
  /** wait before retry n (1-based) */
  backoffMs(retry: number): number;
  fetch?: typeof fetch;
};

/** 1 s, 2 s, 4 s … with ±20 % jitter so many clients retrying together spread out. */
export const exponentialBackoff =
  (baseMs: number) =>
  (retry: number): number =>
    baseMs * 2 ** (retry - 1) * (0.8 + Math.random() * 0.4);

/** A Retry-After longer than this is not waited for: the alert is old news by then. */
const MAX_RETRY_AFTER_MS = 30_000;

/**
 * POSTs JSON with a per-attempt timeout and retries with backoff. Never throws: the result says
 * what happened, so a dead endpoint is a status in Settings, not an exception in the engine.
 */
export async function postJson(url: string, body: unknown, opts: PostOptions): Promise<PostResult> {
  const doFetch = opts.fetch ?? fetch;
  const payload = JSON.stringify(body);
  let detail = '';
  let attempts = 0;
  let retryAfter: number | undefined;
  for (let attempt = 0; attempt <= opts.retries; attempt++) {
    if (attempt > 0) await sleep(systemClock, retryAfter ?? opts.backoffMs(attempt));
    retryAfter = undefined;
    attempts++;
    try {
      const res = await doFetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'user-agent': 'Candlewatch' },
        body: payload,
        signal: AbortSignal.timeout(opts.timeoutMs),
      });
      // Read the body so the connection is released; the timeout covers a server that trickles it.
      await res.arrayBuffer();
      detail = `HTTP ${res.status}`;
      if (res.ok) return { ok: true, attempts, detail };
      if (!opts.retryAll && !(res.status === 408 || res.status === 429 || res.status >= 500))
        return { ok: false, attempts, detail };
      const waitMs = retryAfterMs(res.headers.get('retry-after') ?? undefined, Date.now());
      if (res.status === 429 && waitMs) retryAfter = Math.min(waitMs, MAX_RETRY_AFTER_MS);
    } catch (err) {
      detail = describeFailure(err, opts.timeoutMs);
    }
  }
  const retries = attempts - 1;
  return {
    ok: false,
    attempts,
    detail: `${detail} (after ${retries} ${retries === 1 ? 'retry' : 'retries'})`,
  };
}

function describeFailure(err: unknown, timeoutMs: number): string {
  const e = err as { name?: string; code?: string; message?: string; cause?: { code?: string } };
  if (e.name === 'TimeoutError' || e.name === 'AbortError') return `timed out after ${timeoutMs} ms`;
  if (e.name === 'DestinationRefusedError') return `${e.message ?? 'refused'} (not sent)`;
  // undici's "fetch failed" hides the reason in `cause`; its message would also name the host.
  const code = e.cause?.code ?? e.code;
  if (code) return `connection failed (${code})`;
  return `request failed (${e.name ?? 'error'})`;
}

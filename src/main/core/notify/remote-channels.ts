import type { Channel, Outgoing } from './channel';
import { messageText } from './channel';
import { guardedFetch, publicOnly, publicOrLoopback } from './guarded-fetch';
import { exponentialBackoff, postJson, WEBHOOK_NOT_DELIVERED, type PostOptions } from './http-post';

export type RemoteOptions = {
  /** wait before retry n; 1 s, 2 s, 4 s with jitter unless a test shortens it */
  backoffMs?: PostOptions['backoffMs'];
  fetch?: typeof fetch;
};

const RETRIES = 3;

function webhookBody(m: Outgoing): unknown {
  switch (m.kind) {
    case 'alert':
      return { type: 'alert', alert: m.alert, text: messageText(m) };
    case 'missed':
      return { type: 'missed-summary', summary: m.summary, text: messageText(m) };
    case 'test':
      return { type: 'test', at: m.at, text: messageText(m) };
  }
}

const webhookFetch = guardedFetch(publicOnly);
const localWebhookFetch = guardedFetch(publicOrLoopback);
/** Telegram's own host or, for tests, this machine: the settings refuse any other apiBaseUrl. */
const telegramFetch = guardedFetch(publicOrLoopback);

/**
 * POSTs each alert as JSON to the user's URL: timeout, then 3 retries with backoff. Only to public
 * addresses (loopback too when the user allowed local webhooks), checked on every connection. A
 * webhook URL is whatever a client saved, so the result a client sees says delivered or not, never
 * why (a status, "connection refused"): otherwise it would map which ports answer. The log has it.
 */
export function webhookChannel(opts: RemoteOptions = {}): Channel {
  return {
    name: 'webhook',
    enabled: (p) => p.webhook.enabled,
    problem: (p) => (p.webhook.url ? null : 'no URL set'),
    send: async (m, prefs) => {
      const r = await postJson(prefs.webhook.url, webhookBody(m), {
        timeoutMs: prefs.webhook.timeoutMs,
        retries: RETRIES,
        retryAll: true,
        backoffMs: opts.backoffMs ?? exponentialBackoff(1_000),
        fetch: opts.fetch ?? (prefs.webhook.allowLocal ? localWebhookFetch : webhookFetch),
      });
      return r.ok ? r : { ok: false, attempts: r.attempts, detail: WEBHOOK_NOT_DELIVERED, cause: r.detail };
    },
  };
}

/**
 * Telegram Bot API `sendMessage`. The bot token is a credential: it comes from `token()` (the
 * environment or the encrypted secret store, never the settings the UI sees; it throws when the
 * stored one does not decrypt), and the URL holding it never appears in a result or a log.
 */
export function telegramChannel(token: () => string | undefined, opts: RemoteOptions = {}): Channel {
  const tokenProblem = (): string | null => {
    try {
      if (token()) return null;
    } catch (err) {
      const reason = err instanceof Error ? err.message : String(err);
      return `the saved bot token cannot be read on this machine (${reason}): save it again`;
    }
    return (
      'no bot token: save it encrypted (secrets:set with exchange "telegram", field "token") ' +
      'or set CANDLEWATCH_TELEGRAM_BOT_TOKEN where Candlewatch runs'
    );
  };
  return {
    name: 'telegram',
    enabled: (p) => p.telegram.enabled,
    problem: (p) => tokenProblem() ?? (p.telegram.chatId ? null : 'no chat id set'),
    send: (m, prefs) =>
      postJson(
        `${prefs.telegram.apiBaseUrl.replace(/\/+$/, '')}/bot${token() ?? ''}/sendMessage`,
        { chat_id: prefs.telegram.chatId, text: messageText(m), disable_web_page_preview: true },
        {
          timeoutMs: prefs.telegram.timeoutMs,
          retries: RETRIES,
          backoffMs: opts.backoffMs ?? exponentialBackoff(1_000),
          fetch: opts.fetch ?? telegramFetch,
        },
      ),
  };
}

import type { Channel, Outgoing } from './channel';
import { messageText } from './channel';
import { exponentialBackoff, postJson, type PostOptions } from './http-post';

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

/** POSTs each alert as JSON to the user's URL: timeout, then 3 retries with backoff. */
export function webhookChannel(opts: RemoteOptions = {}): Channel {
  return {
    name: 'webhook',
    enabled: (p) => p.webhook.enabled,
    problem: (p) => (p.webhook.url ? null : 'no URL set'),
    send: (m, prefs) =>
      postJson(prefs.webhook.url, webhookBody(m), {
        timeoutMs: prefs.webhook.timeoutMs,
        retries: RETRIES,
        backoffMs: opts.backoffMs ?? exponentialBackoff(1_000),
        fetch: opts.fetch,
      }),
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
          fetch: opts.fetch,
        },
      ),
  };
}

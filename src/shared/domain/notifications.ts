import { z } from 'zod';
import { addressKind, hasUserInfo, parseUrl } from '../net-address';

/**
 * The alert sounds the UI can play. The core only names one in `notify:sound-requested`; the UI
 * makes the sound (src/renderer/alerts/sound-player.ts synthesises each, no files needed).
 */
export const SOUND_IDS = ['rise', 'fall', 'ping', 'bell', 'alarm', 'chime'] as const;
export const soundIdSchema = z.enum(SOUND_IDS, {
  error: () => `sound must be one of ${SOUND_IDS.join(', ')}`,
});
export type SoundId = z.output<typeof soundIdSchema>;

const clockTime = z
  .string()
  .regex(/^([01][0-9]|2[0-3]):[0-5][0-9]$/, 'time must be HH:MM on a 24-hour clock, like 22:30');

export const quietHoursSchema = z
  .object({
    enabled: z.boolean().default(false),
    /** local time of the machine running the core; a range may cross midnight (22:00 → 07:00) */
    start: clockTime.default('22:00'),
    end: clockTime.default('07:00'),
    /** rules marked urgent still sound during quiet hours */
    allowUrgent: z.boolean().default(true),
  })
  .strict();

const httpUrl = z
  .string()
  .trim()
  .max(2_000)
  .refine((s) => {
    try {
      const u = new URL(s);
      return u.protocol === 'http:' || u.protocol === 'https:';
    } catch {
      return false;
    }
  }, 'must be an http:// or https:// URL');

/**
 * Why a webhook URL cannot be saved, or null. A webhook URL is whatever a client sends, and the core
 * POSTs to it from inside the user's network: https to the internet only, unless the user allowed
 * local webhooks (then this machine too, http included); never private, link-local or metadata
 * addresses, nor a user name or password in the URL. Names are checked again after DNS at send time.
 */
export function webhookUrlProblem(url: string, allowLocal: boolean): string | null {
  const u = parseUrl(url);
  if (!u) return 'must be an http:// or https:// URL';
  if (hasUserInfo(u))
    return 'must not carry a user name or password (put a token in the path or query instead)';
  const kind = addressKind(u.hostname);
  if (kind === 'loopback') {
    return allowLocal ? null : 'points at this machine: turn on "allow local webhooks" to send alerts there';
  }
  if (kind !== 'public' && kind !== 'name') {
    return `points at a ${kind} address: webhooks only go to public hosts (or this machine, when allowed)`;
  }
  if (u.protocol !== 'https:')
    return 'must use https:// (plain http:// is only for this machine, when allowed)';
  return null;
}

const TELEGRAM_API_HOST = 'api.telegram.org';

function telegramBaseUrlProblem(url: string): string | null {
  const u = parseUrl(url);
  if (!u || hasUserInfo(u)) return 'invalid';
  if (addressKind(u.hostname) === 'loopback') return null;
  return u.protocol === 'https:' && u.hostname.toLowerCase() === TELEGRAM_API_HOST ? null : 'foreign';
}

const timeoutMs = z
  .number()
  .int()
  .min(500, 'timeoutMs must be at least 500')
  .max(60_000, 'timeoutMs must be at most 60000');

export const notificationSettingsSchema = z
  .object({
    native: z
      .object({ enabled: z.boolean().default(true) })
      .strict()
      .prefault({}),
    toast: z
      .object({
        enabled: z.boolean().default(true),
        /** how long a toast stays on screen; urgent ones stay until dismissed */
        seconds: z
          .number({ error: 'toast seconds must be a number' })
          .int('toast seconds must be a whole number')
          .min(2, 'toast seconds must be at least 2')
          .max(600, 'toast seconds must be at most 600')
          .default(8),
      })
      .strict()
      .prefault({}),
    sound: z
      .object({
        /** false is "mute" */
        enabled: z.boolean().default(true),
        volume: z.number().min(0).max(1).default(0.8),
        byDirection: z
          .object({
            BUY: soundIdSchema.default('rise'),
            SELL: soundIdSchema.default('fall'),
            INFO: soundIdSchema.default('ping'),
          })
          .strict()
          .prefault({}),
        /** sound used for rules marked urgent, repeated until the alert is dismissed */
        urgent: soundIdSchema.default('alarm'),
        repeatEverySeconds: z.number().int().min(2).max(600).default(10),
        quietHours: quietHoursSchema.prefault({}),
      })
      .strict()
      .prefault({}),
    webhook: z
      .object({
        enabled: z.boolean().default(false),
        url: z.union([z.literal(''), httpUrl]).default(''),
        timeoutMs: timeoutMs.default(5_000),
        /** lets the URL point at this machine (http:// included): a local relay or bot of the user's */
        allowLocal: z.boolean().default(false),
      })
      .strict()
      .superRefine((w, ctx) => {
        const problem = w.url === '' ? null : webhookUrlProblem(w.url, w.allowLocal);
        if (problem) ctx.addIssue({ code: 'custom', path: ['url'], message: problem });
      })
      .prefault({}),
    telegram: z
      .object({
        enabled: z.boolean().default(false),
        chatId: z.string().trim().max(100).default(''),
        /** Bot API root; tests point it at a local server */
        apiBaseUrl: httpUrl
          .refine(
            (s) => telegramBaseUrlProblem(s) === null,
            'apiBaseUrl must be https://api.telegram.org (or a loopback address, for tests): the bot token goes into its path',
          )
          .default('https://api.telegram.org'),
        timeoutMs: timeoutMs.default(5_000),
      })
      .strict()
      .prefault({}),
  })
  .strict();
export type NotificationSettings = z.output<typeof notificationSettingsSchema>;

/**
 * Where the Telegram bot token is kept: in the encrypted secrets store, under this pseudo-exchange
 * and field (`secrets:set { exchange: 'telegram', fields: { token } }`; `secrets:delete` removes
 * it; `secrets:status` tells whether it is set, never its value). CANDLEWATCH_TELEGRAM_BOT_TOKEN
 * where the core runs overrides it.
 */
export const TELEGRAM_TOKEN_SECRET = { exchange: 'telegram', field: 'token' } as const;

export const channelNameSchema = z.enum(['native', 'sound', 'toast', 'webhook', 'telegram']);
export type ChannelName = z.output<typeof channelNameSchema>;

/** The last thing a channel did, shown in Settings so a broken webhook is visible. */
export const channelResultSchema = z.object({
  ok: z.boolean(),
  at: z.number(),
  /** the alert it was for; null for a test message or a missed-alerts summary */
  alertId: z.number().nullable(),
  attempts: z.number().int(),
  /** plain words: "HTTP 200", "skipped: quiet hours", "timed out after 5000 ms (3 retries)" */
  detail: z.string(),
});
export type ChannelResult = z.output<typeof channelResultSchema>;

export const channelStatusSchema = z.object({
  channel: channelNameSchema,
  enabled: z.boolean(),
  /** why the channel cannot send even if enabled (no URL, no bot token…); null when ready */
  problem: z.string().nullable(),
  /** sends started and not finished yet (a slow webhook shows here before it times out) */
  pending: z.number().int(),
  last: channelResultSchema.nullable(),
});
export type ChannelStatus = z.output<typeof channelStatusSchema>;

import { z } from 'zod';
import {
  alertCountsSchema,
  alertFilterSchema,
  alertSchema,
  alertStatusChangeSchema,
  alertStatusSchema,
  missedSummarySchema,
} from '../../domain/alert';
import { seriesKeySchema } from '../../domain/market';
import { channelNameSchema, channelStatusSchema, soundIdSchema } from '../../domain/notifications';
import { ruleSchema, ruleSourceSchema, rulesFileSchema } from '../../domain/rule';
import { event, method } from '../define';

const id = z.number().int().positive();
const none = z.object({}).strict();

export const ruleViewSchema = z.object({
  id,
  rule: ruleSchema,
  source: ruleSourceSchema,
  createdAt: z.number(),
  updatedAt: z.number(),
  activeSince: z.number(),
  /** its expiresAt has passed: it no longer fires */
  expired: z.boolean(),
  /** the condition in words, e.g. "RSI(14) above 70" */
  summary: z.string(),
});
export type RuleView = z.output<typeof ruleViewSchema>;

const unreadableRuleSchema = z.object({ id: z.number(), name: z.string(), error: z.string() });

/** Epoch ms range of a backtest; at most a year of candles is read per series. */
const backtestRangeSchema = z
  .object({ from: z.number().int().nonnegative(), to: z.number().int().positive() })
  .strict()
  .refine((r) => r.to > r.from, { message: 'to must be after from', path: ['to'] });

export const backtestFiringSchema = z.object({
  exchange: z.string(),
  symbol: z.string(),
  timeframe: z.string(),
  candleTime: z.number(),
  price: z.number(),
  strength: z.number(),
  message: z.string(),
  values: z.record(z.string(), z.number()),
});

export const backtestResultSchema = z.object({
  firings: z.array(backtestFiringSchema),
  /** firings per day over the range, all series together */
  perDay: z.number(),
  days: z.number(),
  /** closed candles evaluated per series, so "0 firings" can be told apart from "no data" */
  series: z.array(seriesKeySchema.extend({ candles: z.number().int() })),
  /** the firings list stops here; perDay still counts every firing */
  truncated: z.boolean(),
  /** intrabar rules are replayed on closed candles only: what happened inside a candle is not stored */
  notes: z.array(z.string()),
});
export type BacktestResult = z.output<typeof backtestResultSchema>;

const importResultSchema = z.object({
  created: z.number().int(),
  updated: z.number().int(),
  unchanged: z.number().int(),
  deleted: z.number().int(),
});

export const signalsMethods = {
  'rules:list': method(
    none,
    z.object({ rules: z.array(ruleViewSchema), unreadable: z.array(unreadableRuleSchema) }),
    'Every alert rule, oldest first; stored rules that no longer parse are listed apart, untouched.',
  ),
  'rules:create': method(ruleSchema, ruleViewSchema, 'Create a rule; names are unique.'),
  'rules:update': method(
    z.object({ id, rule: ruleSchema }).strict(),
    ruleViewSchema,
    'Replace a rule. Its trigger state starts over and candles closed before now never fire it.',
  ),
  'rules:delete': method(
    z.object({ id }).strict(),
    z.object({ deleted: z.boolean() }),
    'Delete a rule; its alerts stay in the history under its name.',
  ),
  'rules:set-enabled': method(
    z.object({ id, enabled: z.boolean() }).strict(),
    ruleViewSchema,
    'Enable or disable a rule. Re-enabling starts it afresh: nothing that closed while it was off fires.',
  ),
  'rules:backtest': method(
    z.union([
      z.object({ id, range: backtestRangeSchema }).strict(),
      z.object({ rule: ruleSchema, range: backtestRangeSchema }).strict(),
    ]),
    backtestResultSchema,
    'Run a stored or unsaved rule over the stored candles of a range: every firing (chart markers) and alerts per day.',
  ),
  'rules:export': method(
    none,
    z.object({ format: z.literal('candlewatch-rules'), version: z.literal(1), rules: z.array(ruleSchema) }),
    'Every rule as a JSON document to keep under version control.',
  ),
  'rules:import': method(
    z
      .object({
        document: rulesFileSchema,
        /** merge: add and update by name; replace: also delete rules the document does not name */
        mode: z.enum(['merge', 'replace']).default('merge'),
      })
      .strict(),
    importResultSchema,
    'Import a rules document. Every rule is validated first; one bad rule changes nothing and is named.',
  ),
  'alerts:list': method(
    z
      .object({
        filter: alertFilterSchema.default({}),
        limit: z.number().int().min(1).max(5_000).default(200),
        /** page further back: alerts older than this id */
        beforeId: id.optional(),
      })
      .strict(),
    z.object({ alerts: z.array(alertSchema), hasMore: z.boolean() }),
    'Alert history, newest first, filtered by exchange, symbol, timeframe, rule, signal, status and time.',
  ),
  'alerts:get': method(
    z.object({ id }).strict(),
    z.object({ alert: alertSchema, history: z.array(alertStatusChangeSchema) }),
    'One alert with its status history.',
  ),
  'alerts:dismiss': method(
    z.object({ ids: z.array(id).min(1).max(5_000) }).strict(),
    z.object({ dismissed: z.number().int() }),
    'Dismiss the given active or missed alerts.',
  ),
  'alerts:dismiss-all': method(
    z.object({ filter: alertFilterSchema.default({}) }).strict(),
    z.object({ dismissed: z.number().int() }),
    'Dismiss every active or missed alert matching the filter.',
  ),
  'alerts:counts': method(
    z.object({ filter: alertFilterSchema.default({}) }).strict(),
    alertCountsSchema,
    'How many alerts match the filter, by status and by signal.',
  ),
  'notify:status': method(
    none,
    z.object({ channels: z.array(channelStatusSchema) }),
    'Each delivery channel: enabled, what stops it, and its last result.',
  ),
  'notify:test': method(
    z.object({ channel: channelNameSchema.optional() }).strict(),
    z.object({ channels: z.array(channelStatusSchema) }),
    'Send a test message through one channel (or all enabled ones) and wait for the results.',
  ),
};

export const signalsEvents = {
  'alert:fired': event(
    z.object({ alert: alertSchema, toast: z.boolean(), toastSeconds: z.number().int().positive() }),
    'A rule fired live; the alert is already stored. `toast` is false when in-app toasts are off; a toast stays `toastSeconds` (urgent ones until dismissed).',
  ),
  'alerts:missed-summary': event(
    missedSummarySchema,
    'Alerts computed from candles backfilled after a gap or sleep, told once together.',
  ),
  'alerts:status-changed': event(
    z.object({
      status: alertStatusSchema,
      count: z.number().int(),
      /** null when too many changed to list: reload */
      ids: z.array(z.number()).nullable(),
    }),
    'Alerts were dismissed or expired; a UI repeating an urgent sound for one of them stops.',
  ),
  'notify:sound-requested': event(
    z.object({
      alertId: z.number().nullable(),
      sound: soundIdSchema,
      volume: z.number(),
      /** urgent rules: play again every N seconds until the alert is no longer active */
      repeatEverySeconds: z.number().nullable(),
    }),
    'Play one of the named alert sounds (SOUND_IDS) at this volume.',
  ),
  'notify:native-requested': event(
    z.object({
      title: z.string(),
      body: z.string(),
      urgency: z.enum(['normal', 'critical']),
      target: seriesKeySchema.optional(),
    }),
    'Show an OS notification: in headless mode the browser shows it with the Notification API.',
  ),
  'rules:changed': event(
    z.object({ ids: z.array(z.number()), change: z.enum(['created', 'updated', 'deleted', 'imported']) }),
    'Rules were created, edited, enabled/disabled, deleted or imported; reload them with rules:list.',
  ),
};

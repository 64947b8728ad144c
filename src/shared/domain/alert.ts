import { z } from 'zod';
import { exchangeIdSchema, symbolSchema, timeframeSchema } from './ids';
import { signalSchema } from './rule';

/**
 * - `active`: fired live, not yet acknowledged
 * - `missed`: computed from candles backfilled after a gap or sleep; reported in one summary
 * - `dismissed`: acknowledged by the user
 * - `expired`: its rule expired before anyone dismissed it
 */
export const alertStatusSchema = z.enum(['active', 'dismissed', 'expired', 'missed']);
export type AlertStatus = z.output<typeof alertStatusSchema>;

/**
 * - `rule`: a rule fired
 * - `fill`: an order of the user's account filled (an INFO alert without a rule or timeframe)
 */
export const alertKindSchema = z.enum(['rule', 'fill']);
export type AlertKind = z.output<typeof alertKindSchema>;

export const alertSchema = z.object({
  id: z.number().int(),
  kind: alertKindSchema,
  /** null for a fill, and once the rule was deleted; ruleName keeps what it was called */
  ruleId: z.number().int().nullable(),
  ruleName: z.string(),
  signal: signalSchema,
  exchange: z.string(),
  symbol: z.string(),
  /** '' for a fill */
  timeframe: z.string(),
  /** open time of the candle that fired it, or time of the fill (epoch ms) */
  candleTime: z.number(),
  price: z.number(),
  /** the values the condition read, by label: { 'RSI(14)': 72.4, close: 101.2 } */
  values: z.record(z.string(), z.number()),
  strength: z.number().min(0).max(1),
  /** how `strength` was computed, in words */
  strengthBasis: z.string(),
  message: z.string(),
  firedAt: z.number(),
  status: alertStatusSchema,
  statusAt: z.number(),
  urgent: z.boolean(),
});
export type Alert = z.output<typeof alertSchema>;

export const alertStatusChangeSchema = z.object({
  status: alertStatusSchema,
  at: z.number(),
  /** 'fired', 'backfill', 'user', 'rule expired' … */
  reason: z.string(),
});
export type AlertStatusChange = z.output<typeof alertStatusChangeSchema>;

const time = z.number().int().nonnegative();

/** Filters of the alert history; every field narrows, none is required. */
export const alertFilterSchema = z
  .object({
    kind: alertKindSchema.optional(),
    exchange: exchangeIdSchema.optional(),
    symbol: symbolSchema.optional(),
    timeframe: timeframeSchema.optional(),
    ruleId: z.number().int().positive().optional(),
    signal: signalSchema.optional(),
    status: alertStatusSchema.optional(),
    /** firedAt ≥ from (epoch ms) */
    from: time.optional(),
    /** firedAt < to (epoch ms) */
    to: time.optional(),
  })
  .strict();
export type AlertFilter = z.output<typeof alertFilterSchema>;

export const alertCountsSchema = z.object({
  total: z.number().int(),
  byStatus: z.record(alertStatusSchema, z.number().int()),
  bySignal: z.record(signalSchema, z.number().int()),
});
export type AlertCounts = z.output<typeof alertCountsSchema>;

/** Alerts computed from backfilled candles after a gap or sleep, reported together in one message. */
export const missedSummarySchema = z.object({
  count: z.number().int(),
  /** open time of the earliest and latest candle among them (epoch ms) */
  from: z.number(),
  to: z.number(),
  bySignal: z.record(signalSchema, z.number().int()),
  /** the symbols with the most missed alerts, most first (at most 10) */
  bySymbol: z.array(z.object({ exchange: z.string(), symbol: z.string(), count: z.number().int() })),
  /** the newest of them (at most 20); the rest are in the history with status "missed" */
  alerts: z.array(alertSchema),
});
export type MissedSummary = z.output<typeof missedSummarySchema>;

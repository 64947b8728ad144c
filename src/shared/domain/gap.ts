import { z } from 'zod';

/** Why the collector looked for missing candles. */
export const gapReasonSchema = z.enum(['start', 'reconnect', 'resume', 'jump', 'stale']);

/** One entry of the gap ledger: a run of missing closed candles found, and how it was filled. */
export const gapRecordSchema = z.object({
  id: z.number().int(),
  exchange: z.string(),
  symbol: z.string(),
  timeframe: z.string(),
  /** open time of the first missing candle (epoch ms) */
  from: z.number(),
  /** open time of the last missing candle (epoch ms) */
  to: z.number(),
  /** how many candles the range should hold */
  expected: z.number().int(),
  /** how many were fetched and released; < expected means the exchange has no data there */
  filled: z.number().int(),
  reason: gapReasonSchema,
  detectedAt: z.number(),
  filledAt: z.number().nullable(),
  /** plain-words reason when the fill failed and will be retried */
  error: z.string().nullable(),
});
export type GapRecord = z.output<typeof gapRecordSchema>;
export type GapReason = z.output<typeof gapReasonSchema>;

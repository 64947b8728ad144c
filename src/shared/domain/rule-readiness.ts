import { z } from 'zod';

/**
 * Whether a rule can fire right now, in words a trader reads in the rules list:
 * - `armed`: every series it reads is streaming and warmed up
 * - `warming-up`: streaming, `have` of `need` closed candles loaded on the series furthest behind
 * - `waiting`: a stream it reads is not delivering yet (connecting, reconnecting, stale…): `reason`
 * - `error`: a stream it reads failed in a way retrying will not fix (unknown symbol, exchange
 *   disabled, timeframe not offered): `reason`, in plain words
 * - `off`: disabled or expired
 */
export const ruleReadinessSchema = z.object({
  state: z.enum(['armed', 'warming-up', 'waiting', 'error', 'off']),
  have: z.number().int().nullable(),
  need: z.number().int().nullable(),
  reason: z.string().nullable(),
});
export type RuleReadiness = z.output<typeof ruleReadinessSchema>;

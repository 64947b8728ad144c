import { z } from 'zod';
import { indicatorRefSchema } from '../../domain/indicator';
import { candleSchema, seriesKeySchema } from '../../domain/market';
import { method } from '../define';
import { MAX_HISTORY_CANDLES } from './store';

/** Candles the chart may send along: the newest it holds, which the store may not have written yet. */
export const MAX_INDICATOR_TAIL = 100;
/** Indicator lines one call computes (MACD's three lines count as three). */
export const MAX_CHART_INDICATORS = 12;

const epochMs = z.number().int().min(0, 'times are epoch milliseconds');

export const chartIndicatorsInputSchema = z
  .object({
    series: seriesKeySchema,
    indicators: z.array(indicatorRefSchema).min(1).max(MAX_CHART_INDICATORS),
    /** open time of the first candle to answer for; stored candles before it warm the indicators */
    from: epochMs,
    /** open time of the last stored candle to read; the tail continues after it */
    to: epochMs,
    /** the chart's newest candles after `to`, oldest first: closed ones the store may not hold yet */
    tail: z.array(candleSchema).max(MAX_INDICATOR_TAIL).default([]),
    /** the last tail candle is still forming: its value is computed without committing it */
    formingLast: z.boolean().default(false),
  })
  .strict()
  .refine((q) => q.from <= q.to + 1, { message: '"from" must not be after "to"' });

export const chartIndicatorsSchema = z.object({
  /** open times the values belong to, oldest first (at most MAX_HISTORY_CANDLES + the tail) */
  times: z.array(z.number()),
  /** one column per requested indicator, aligned with `times`; null while it warms up */
  values: z.array(z.array(z.number().nullable())),
});
export type ChartIndicators = z.output<typeof chartIndicatorsSchema>;

/** Methods only the chart uses. */
export const uiMethods = {
  'chart:indicators': method(
    chartIndicatorsInputSchema,
    chartIndicatorsSchema,
    `Indicator lines for the chart, computed over stored candles (warmed by up to 1,000 candles before "from") and the chart's own newest candles; at most ${MAX_HISTORY_CANDLES} stored candles per call.`,
  ),
};

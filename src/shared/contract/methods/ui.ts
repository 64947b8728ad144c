import { z } from 'zod';
import { indicatorRefSchema } from '../../domain/indicator';
import { seriesKeySchema } from '../../domain/market';
import { event, method } from '../define';
import { MAX_HISTORY_CANDLES } from './store';

/** Indicator lines one call computes (MACD's three lines count as three). */
export const MAX_CHART_INDICATORS = 12;
/** Indicator lines the chart may follow live on one series. */
export const MAX_LIVE_INDICATORS = 48;

const epochMs = z.number().int().min(0, 'times are epoch milliseconds');

export const chartIndicatorsInputSchema = z
  .object({
    series: seriesKeySchema,
    indicators: z.array(indicatorRefSchema).min(1).max(MAX_CHART_INDICATORS),
    /** open time of the first candle to answer for; closed candles before it warm the indicators */
    from: epochMs,
    /** open time of the last closed candle to answer for */
    to: epochMs,
  })
  .strict()
  .refine((q) => q.from <= q.to + 1, { message: '"from" must not be after "to"' });

export const chartIndicatorsSchema = z.object({
  /** open times the values belong to, oldest first (at most MAX_HISTORY_CANDLES) */
  times: z.array(z.number()),
  /** one column per requested indicator, aligned with `times`; null while it warms up */
  values: z.array(z.array(z.number().nullable())),
});
export type ChartIndicators = z.output<typeof chartIndicatorsSchema>;

export const indicatorsWatchInputSchema = z
  .object({
    series: seriesKeySchema,
    /** replaces what the series followed; empty: stop following it */
    indicators: z.array(indicatorRefSchema).max(MAX_LIVE_INDICATORS),
    /** echoed in every indicators:updated of this watch, so late values of an older one are known */
    tag: z.string().max(100),
  })
  .strict();

export const indicatorsUpdatedSchema = z.object({
  series: seriesKeySchema,
  /** the tag of the indicators:watch these values follow; the columns are in its order */
  tag: z.string(),
  /** values at candles that closed, oldest first: one column per indicator, aligned with `times` */
  closed: chartIndicatorsSchema,
  /** the values the forming candle gives now, or null when none is forming */
  forming: z.object({ time: z.number(), values: z.array(z.number().nullable()) }).nullable(),
});
export type IndicatorsUpdated = z.output<typeof indicatorsUpdatedSchema>;

/** Methods only the chart uses. */
export const uiMethods = {
  'chart:indicators': method(
    chartIndicatorsInputSchema,
    chartIndicatorsSchema,
    `Indicator lines for the chart over closed candles (stored, and those waiting for the next write), warmed by up to 1,000 candles before "from"; at most ${MAX_HISTORY_CANDLES} candles per call.`,
  ),
  'indicators:watch': method(
    indicatorsWatchInputSchema,
    z.object({}),
    'Follow indicator lines of a series live: each closed and forming candle updates them once, in the core, and indicators:updated carries the new values.',
  ),
};

/** Events only the chart uses. */
export const uiEvents = {
  'indicators:updated': event(
    indicatorsUpdatedSchema,
    'New values of the indicator lines a series follows (indicators:watch), coalesced per series per frame.',
  ),
};

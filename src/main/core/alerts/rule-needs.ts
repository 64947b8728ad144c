import type { IndicatorRef } from '../../../shared/domain/indicator';
import type { SeriesKey } from '../../../shared/domain/market';
import type { Rule, SingleCondition, StoredRule } from '../../../shared/domain/rule';
import type { WatchItem } from '../../../shared/domain/settings';
import { createIndicator, indicatorKey } from '../indicators/factory';

/** One series a rule reads, with the closed candles it needs before it can say anything. */
export type SeriesNeed = { key: SeriesKey; candles: number };

/** The symbols a rule is bound to: its symbol, its list, or the watchlist symbols of its exchange. */
export function ruleTargets(rule: Rule, watchlist: readonly WatchItem[]): string[] {
  if (rule.symbol) return [rule.symbol];
  if (rule.symbols) return rule.symbols;
  return [...new Set(watchlist.filter((w) => w.exchange === rule.exchange).map((w) => w.symbol))];
}

/** Whether a stored rule evaluates at `now`: enabled and not expired. */
export function ruleIsArmable(stored: StoredRule, now: number): boolean {
  const { rule } = stored;
  return rule.enabled && (rule.expiresAt === null || rule.expiresAt > now);
}

/** warm-up by indicator: building one to read its warm-up is the costly part, and rules share few */
const warmups = new Map<string, number>();

/** Closed candles an indicator must have seen for a value and the one before it (crossings read both). */
function refCandles(ref: IndicatorRef): number {
  const key = indicatorKey(ref);
  let warmup = warmups.get(key);
  if (warmup === undefined) warmups.set(key, (warmup = createIndicator(ref).warmup));
  return warmup + 1;
}

function conditionCandles(when: SingleCondition): number {
  switch (when.type) {
    case 'price-cross':
    case 'channel':
      return 2;
    case 'percent-move':
      return when.candles + 1;
    case 'indicator-threshold':
      return Math.max(
        refCandles(when.indicator),
        typeof when.level === 'number' ? 0 : refCandles(when.level),
      );
    case 'indicator-cross':
      // `other` is another indicator or a fixed value
      return Math.max(
        refCandles(when.indicator),
        typeof when.other === 'number' ? 0 : refCandles(when.other),
      );
    case 'volume-spike':
      return when.period + 1;
  }
}

/**
 * Every series a rule reads (each target symbol on its own timeframe and on every timeframe an
 * `all-of` leg names), with the warm-up each needs: what the feed must stream for the rule and
 * what its readiness counts.
 */
export function ruleSeriesNeeds(rule: Rule, watchlist: readonly WatchItem[]): SeriesNeed[] {
  const perTimeframe = new Map<string, number>();
  const need = (timeframe: string, candles: number) =>
    perTimeframe.set(timeframe, Math.max(perTimeframe.get(timeframe) ?? 0, candles));
  if (rule.when.type === 'all-of') {
    for (const part of rule.when.conditions)
      need(part.timeframe ?? rule.timeframe, conditionCandles(part.when));
  } else need(rule.timeframe, conditionCandles(rule.when));
  const out: SeriesNeed[] = [];
  for (const symbol of ruleTargets(rule, watchlist))
    for (const [timeframe, candles] of perTimeframe)
      out.push({ key: { exchange: rule.exchange, symbol, timeframe }, candles });
  return out;
}

import { MAX_HISTORY_CANDLES } from '../../../shared/contract/methods/store';
import type { ChartIndicators } from '../../../shared/contract/methods/ui';
import type { IndicatorRef } from '../../../shared/domain/indicator';
import type { Candle, SeriesKey } from '../../../shared/domain/market';
import type { Handlers } from '../contract/dispatch';
import { createIndicator, indicatorKey, readOutput, type CandleIndicator } from '../indicators/factory';

/** Same warm-up as the rule engine's (1,000 closed candles), so the chart shows what rules read. */
export const CHART_WARMUP_CANDLES = 1_000;

export type ChartCandles = {
  before(key: SeriesKey, time: number, limit: number): Candle[];
  range(key: SeriesKey, from: number, to: number, limit: number): Candle[];
};

/** Computes indicator columns over [warm-up, stored from..to, tail]; the forming tail candle is not committed. */
export function chartIndicators(
  candles: ChartCandles,
  q: {
    series: SeriesKey;
    indicators: IndicatorRef[];
    from: number;
    to: number;
    tail: Candle[];
    formingLast: boolean;
  },
): ChartIndicators {
  const warm = candles.before(q.series, q.from, CHART_WARMUP_CANDLES);
  const stored = q.to >= q.from ? candles.range(q.series, q.from, q.to, MAX_HISTORY_CANDLES) : [];
  const lastStored =
    stored.length > 0 ? stored[stored.length - 1]![0] : (warm[warm.length - 1]?.[0] ?? -Infinity);
  const tail = q.tail.filter((c) => c[0] > lastStored);
  const series = [...warm, ...stored, ...tail];

  // References differing only in their output (MACD line / signal) share one indicator.
  const instances = new Map<string, CandleIndicator>();
  for (const ref of q.indicators) {
    const k = indicatorKey(ref);
    if (!instances.has(k)) instances.set(k, createIndicator(ref));
  }
  const keys = q.indicators.map(indicatorKey);
  const times: number[] = [];
  const values: (number | null)[][] = q.indicators.map(() => []);
  const formingIndex = q.formingLast && tail.length > 0 ? series.length - 1 : -1;

  series.forEach((candle, i) => {
    const results = new Map<string, ReturnType<CandleIndicator['close']>>();
    for (const [k, ind] of instances)
      results.set(k, i === formingIndex ? ind.update(candle) : ind.close(candle));
    if (candle[0] < q.from) return;
    times.push(candle[0]);
    q.indicators.forEach((ref, j) => {
      const value = results.get(keys[j]!);
      const n = value === undefined ? null : readOutput(ref, value);
      values[j]!.push(n === null || Number.isFinite(n) ? n : null);
    });
  });
  return { times, values };
}

export function createChartHandlers(candles: ChartCandles): Pick<Handlers, 'chart:indicators'> {
  return { 'chart:indicators': (q) => chartIndicators(candles, q) };
}

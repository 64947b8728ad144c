import { alignTime, nextOpenTime, parseTimeframe } from '../../../shared/timeframe';

/** Open time `n` candles before `openTime` (calendar months for `M`, fixed steps otherwise). */
export function openTimeBefore(openTime: number, tf: string, n = 1): number {
  const { count, unit, ms } = parseTimeframe(tf);
  if (unit === 'M') {
    const d = new Date(openTime);
    return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() - n * count, 1);
  }
  return openTime - n * ms;
}

/** Open time of the first candle opening at or after `time`. */
export function ceilOpenTime(time: number, tf: string): number {
  const aligned = alignTime(time, tf);
  return aligned === time ? aligned : nextOpenTime(aligned, tf);
}

/** How many candles open in [from, to], both open times of the series. */
export function candlesInRange(from: number, to: number, tf: string): number {
  if (to < from) return 0;
  const { unit, ms } = parseTimeframe(tf);
  if (unit !== 'M') return Math.floor((to - from) / ms) + 1;
  let n = 0;
  for (let t = from; t <= to; t = nextOpenTime(t, tf)) n++;
  return n;
}

export { nextOpenTime };

import { MAX_HISTORY_CANDLES, type CandlesHistoryInput } from '../../../shared/contract/methods/store';
import type { Candle } from '../../../shared/domain/market';
import type { BatchedCandleWriter } from './batched-candle-writer';
import type { CandleRepository } from './candle-repository';

/**
 * Stored candles and queued ones in one list, oldest first. A candle both stored and queued (a
 * replay) keeps its stored values, as the writer does.
 */
export function mergeByOpenTime(stored: readonly Candle[], queued: readonly Candle[]): Candle[] {
  if (queued.length === 0) return [...stored];
  const byTime = new Map<number, Candle>();
  for (const c of queued) byTime.set(c[0], c);
  for (const c of stored) byTime.set(c[0], c);
  return [...byTime.values()].sort((a, b) => a[0] - b[0]);
}

/**
 * `candles:history`: the database ∪ the writer's queue. The chart is told about a closed candle
 * before the writer's transaction (up to 250 ms later) commits it; reading both, a hole the chart
 * finds in the live stream is filled by one request, with nothing to retry.
 */
export function readCandleHistory(
  candles: CandleRepository,
  writer: Pick<BatchedCandleWriter, 'queued'>,
  query: CandlesHistoryInput,
): { candles: Candle[]; truncated: boolean } {
  const key = query.series;
  const queued = writer.queued(key);
  if ('last' in query) {
    return {
      candles: mergeByOpenTime(candles.recent(key, query.last), queued).slice(-query.last),
      truncated: false,
    };
  }
  if ('before' in query) {
    const earlier = queued.filter((c) => c[0] < query.before);
    const rows = mergeByOpenTime(candles.before(key, query.before, query.limit), earlier);
    return { candles: rows.slice(-query.limit), truncated: false };
  }
  const inRange = queued.filter((c) => c[0] >= query.from && c[0] <= query.to);
  // One row more than allowed tells a client that the range goes on.
  const rows = mergeByOpenTime(candles.range(key, query.from, query.to, MAX_HISTORY_CANDLES + 1), inRange);
  const truncated = rows.length > MAX_HISTORY_CANDLES;
  return { candles: truncated ? rows.slice(0, MAX_HISTORY_CANDLES) : rows, truncated };
}

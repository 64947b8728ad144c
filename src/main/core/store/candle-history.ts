import { MAX_HISTORY_CANDLES, type CandlesHistoryInput } from '../../../shared/contract/methods/store';
import type { Candle, SeriesKey } from '../../../shared/domain/market';
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

/** Closed candles of a series, read from the database and the writer's queue together. */
export type ClosedCandles = {
  /** the newest `limit`, oldest first */
  last(key: SeriesKey, limit: number): Candle[];
  /** the `limit` opening before `time`, oldest first */
  before(key: SeriesKey, time: number, limit: number): Candle[];
  /** those opening in [from, to], oldest first, at most `limit` */
  range(key: SeriesKey, from: number, to: number, limit: number): Candle[];
  /** open time of the oldest one; undefined when there is none */
  first(key: SeriesKey): number | undefined;
};

/**
 * The database ∪ the writer's queue. The UI is told about a closed candle before the writer's
 * transaction (up to 250 ms later) commits it; reading both, a hole the chart finds in the live
 * stream is filled by one request, with nothing to retry, and indicators warm up on every candle.
 */
export function closedCandles(
  candles: CandleRepository,
  writer: Pick<BatchedCandleWriter, 'queued'>,
): ClosedCandles {
  return {
    last: (key, limit) => mergeByOpenTime(candles.recent(key, limit), writer.queued(key)).slice(-limit),
    before: (key, time, limit) =>
      mergeByOpenTime(
        candles.before(key, time, limit),
        writer.queued(key).filter((c) => c[0] < time),
      ).slice(-limit),
    range: (key, from, to, limit) =>
      mergeByOpenTime(
        candles.range(key, from, to, limit),
        writer.queued(key).filter((c) => c[0] >= from && c[0] <= to),
      ).slice(0, limit),
    first: (key) => {
      const stored = candles.storedRange(key)?.first;
      const queued = writer.queued(key).reduce((min, c) => Math.min(min, c[0]), Infinity);
      const first = Math.min(stored ?? Infinity, queued);
      return first === Infinity ? undefined : first;
    },
  };
}

/** `candles:history` over closed candles; a range says when it holds more than one answer carries. */
export function readCandleHistory(
  closed: ClosedCandles,
  query: CandlesHistoryInput,
): { candles: Candle[]; truncated: boolean } {
  const key = query.series;
  if ('last' in query) return { candles: closed.last(key, query.last), truncated: false };
  if ('before' in query) return { candles: closed.before(key, query.before, query.limit), truncated: false };
  // One row more than allowed tells a client that the range goes on.
  const rows = closed.range(key, query.from, query.to, MAX_HISTORY_CANDLES + 1);
  const truncated = rows.length > MAX_HISTORY_CANDLES;
  return { candles: truncated ? rows.slice(0, MAX_HISTORY_CANDLES) : rows, truncated };
}

import { statSync } from 'node:fs';
import type { StoreStats } from '../../../shared/contract/methods/store';
import { timeframeMs } from '../../../shared/timeframe';
import type { BatchedCandleWriter } from './batched-candle-writer';
import type { CandleRepository } from './candle-repository';
import { databaseFile } from './database';
import type { SeriesRepository } from './series-repository';

const fileBytes = (file: string): number => {
  try {
    return statSync(file).size;
  } catch {
    return 0; // no -wal yet (or just checkpointed away)
  }
};

/**
 * What Settings shows about the database. Counts come from `series.candle_count` and first/last
 * from the primary key, so this answers in well under a millisecond with millions of candles.
 */
export function readStoreStats(
  dataDir: string,
  series: SeriesRepository,
  candles: CandleRepository,
  writer: BatchedCandleWriter,
): StoreStats {
  const file = databaseFile(dataDir);
  const perSeries = series.all().map((s) => {
    const range = candles.storedRange(s);
    return {
      exchange: s.exchange,
      symbol: s.symbol,
      timeframe: s.timeframe,
      candles: s.candleCount,
      first: range?.first ?? null,
      last: range?.last ?? null,
    };
  });
  const byTimeframe = new Map<string, { timeframe: string; series: number; candles: number }>();
  for (const s of perSeries) {
    const entry = byTimeframe.get(s.timeframe) ?? { timeframe: s.timeframe, series: 0, candles: 0 };
    entry.series++;
    entry.candles += s.candles;
    byTimeframe.set(s.timeframe, entry);
  }
  return {
    databaseBytes: fileBytes(file),
    walBytes: fileBytes(`${file}-wal`),
    totalCandles: perSeries.reduce((n, s) => n + s.candles, 0),
    byTimeframe: [...byTimeframe.values()].sort(
      (a, b) => timeframeMs(a.timeframe) - timeframeMs(b.timeframe),
    ),
    series: perSeries,
    writer: {
      pending: writer.pending,
      lastError: writer.lastError && { message: writer.lastError.message, at: writer.lastError.at },
      anomalies: writer.anomalies,
    },
  };
}

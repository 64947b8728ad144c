import { MAX_HISTORY_CANDLES } from '../../../shared/contract/methods/store';
import type { Handlers } from '../contract/dispatch';
import type { BatchedCandleWriter } from './batched-candle-writer';
import type { CandleRepository } from './candle-repository';
import type { SeriesRepository } from './series-repository';
import { readStoreStats } from './store-stats';

/** The contract methods the store answers: chart history and database statistics. */
export function createStoreHandlers(deps: {
  dataDir: string;
  series: SeriesRepository;
  candles: CandleRepository;
  writer: BatchedCandleWriter;
}): Pick<Handlers, 'candles:history' | 'store:stats'> {
  const { candles } = deps;
  return {
    'candles:history': (query) => {
      const key = query.series;
      let rows;
      let truncated = false;
      if ('last' in query) rows = candles.recent(key, query.last);
      else if ('before' in query) rows = candles.before(key, query.before, query.limit);
      else {
        // One row more than allowed tells a client that the range goes on.
        rows = candles.range(key, query.from, query.to, MAX_HISTORY_CANDLES + 1);
        truncated = rows.length > MAX_HISTORY_CANDLES;
        if (truncated) rows.length = MAX_HISTORY_CANDLES;
      }
      return { series: key, candles: rows, stored: candles.storedRange(key), truncated };
    },
    'store:stats': () => readStoreStats(deps.dataDir, deps.series, deps.candles, deps.writer),
  };
}

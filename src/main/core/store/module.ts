import type { Settings } from '../../../shared/domain/settings';
import { MAX_HISTORY_CANDLES } from '../../../shared/contract/methods/store';
import type { Logger } from '../base/log';
import type { Handlers } from '../contract/dispatch';
import type { CoreModule } from '../module';
import { BatchedCandleWriter } from './batched-candle-writer';
import { CandleRepository } from './candle-repository';
import { openDatabase, type Database } from './database';
import { GapRepository } from './gap-repository';
import { RetentionPruner } from './retention-pruner';
import { SeriesRepository } from './series-repository';
import { readStoreStats } from './store-stats';

type StoreHandlers = Pick<Handlers, 'candles:history' | 'store:stats'>;

export type StoreModule = CoreModule<StoreHandlers> & {
  db: Database;
  series: SeriesRepository;
  /** stored closed candles: chart history, warm-up of the engine, backtests */
  candles: CandleRepository;
  /** the gaps found and backfilled */
  gaps: GapRepository;
  /** closed candles wait here (250 ms at most) before one transaction writes them */
  writer: BatchedCandleWriter;
  /** flushes the writer and closes the database */
  stop(): void;
};

/**
 * The database of one data folder and the repositories over it. The engine warms up from
 * `candles`, records gaps in `gaps` and feeds closed candles to `writer.onUpdate`.
 */
export function createStoreModule(opts: {
  dataDir: string;
  retention: () => Settings['data']['retention'];
  log: Logger;
}): StoreModule {
  const { log } = opts;
  const db = openDatabase(opts.dataDir);
  const series = new SeriesRepository(db);
  const candles = new CandleRepository(db, series);
  const gaps = new GapRepository(db, series);
  const writer = new BatchedCandleWriter(db, series, candles, log.child('store'));
  const retention = new RetentionPruner(db, series, candles, opts.retention, log.child('retention'));
  return {
    db,
    series,
    candles,
    gaps,
    writer,
    handlers: {
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
      'store:stats': () => readStoreStats(opts.dataDir, series, candles, writer),
    },
    start: () => retention.start(),
    stop() {
      retention.stop();
      try {
        writer.close();
      } catch (err) {
        log.error('closed candles could not be written at shutdown', { error: err, lost: writer.pending });
      }
      db.pragma('optimize');
      db.close();
    },
  };
}

import type { Settings } from '../../../shared/domain/settings';
import type { Logger } from '../base/log';
import type { Handlers } from '../contract/dispatch';
import type { CoreModule } from '../module';
import { AccountRepository } from './account-repository';
import { AlertRepository } from './alert-repository';
import { BatchedCandleWriter } from './batched-candle-writer';
import { closedCandles, readCandleHistory, type ClosedCandles } from './candle-history';
import { CandleRepository } from './candle-repository';
import { openDatabase, type Database } from './database';
import { GapRepository } from './gap-repository';
import { RetentionPruner } from './retention-pruner';
import { RuleRepository } from './rule-repository';
import { SecretRepository } from './secret-repository';
import { SeriesRepository } from './series-repository';
import { SettingsRepository } from './settings-repository';
import { readStoreStats } from './store-stats';

type StoreHandlers = Pick<Handlers, 'candles:history' | 'store:stats'>;

export type StoreModule = CoreModule<StoreHandlers> & {
  db: Database;
  series: SeriesRepository;
  /** stored closed candles: chart history, warm-up of the engine, backtests */
  candles: CandleRepository;
  /** the gaps found and backfilled */
  gaps: GapRepository;
  settings: SettingsRepository;
  secrets: SecretRepository;
  alerts: AlertRepository;
  rules: RuleRepository;
  accounts: AccountRepository;
  /** closed candles wait here (250 ms at most) before one transaction writes them */
  writer: BatchedCandleWriter;
  /** closed candles as the UI should see them: the database ∪ the writer's queue */
  closed: ClosedCandles;
  /** flushes the writer and closes the database */
  stop(): void;
};

/**
 * The database of one data folder and the repositories over it: the only place they are built. The engine warms up from
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
  const closed = closedCandles(candles, writer);
  const retention = new RetentionPruner(db, series, candles, opts.retention, log.child('retention'));
  return {
    db,
    series,
    candles,
    gaps,
    writer,
    closed,
    settings: new SettingsRepository(db),
    secrets: new SecretRepository(db),
    alerts: new AlertRepository(db),
    rules: new RuleRepository(db),
    accounts: new AccountRepository(db),
    handlers: {
      'candles:history': (query) => ({
        series: query.series,
        ...readCandleHistory(closed, query),
        stored: candles.storedRange(query.series),
      }),
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

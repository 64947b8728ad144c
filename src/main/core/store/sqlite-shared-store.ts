import type { Database } from 'better-sqlite3';
import { AlertRepository } from './alert-repository';
import { CandleRepository } from './candle-repository';
import { GapRepository } from './gap-repository';
import { SeriesRepository } from './series-repository';
import { SettingsRepository } from './settings-repository';
import type { KeyedAnomaly, SeriesCandles, SharedStore } from './shared-store';

/**
 * The SQLite repositories behind the shared store's promises: what the contract suite compares the
 * PostgreSQL store with, and what a tool written against SharedStore uses on a desktop database.
 */
export function sqliteSharedStore(db: Database): SharedStore {
  const series = new SeriesRepository(db);
  const candles = new CandleRepository(db, series);
  const gaps = new GapRepository(db, series);
  const alerts = new AlertRepository(db);
  const settings = new SettingsRepository(db);
  const write = db.transaction((batch: readonly SeriesCandles[]) => {
    const anomalies: KeyedAnomaly[] = [];
    let inserted = 0;
    for (const { key, candles: rows } of batch) {
      inserted += candles.insertClosed(series.ensure(key), rows, (a) => anomalies.push({ ...a, key }));
    }
    return { inserted, anomalies };
  });
  return {
    kind: 'sqlite',
    candles: {
      writeClosed: async (batch) => write(batch),
      recent: async (key, limit) => candles.recent(key, limit),
      range: async (key, from, to, limit) => candles.range(key, from, to, limit),
      before: async (key, time, limit) => candles.before(key, time, limit),
      storedRange: async (key) => candles.storedRange(key),
      allSeries: async () => series.all(),
    },
    gaps: {
      opened: async (gap) => gaps.opened(gap),
      filled: async (id, filled, at) => gaps.filled(id, filled, at),
      failed: async (id, error) => gaps.failed(id, error),
      list: async (filter) => gaps.list(filter),
    },
    alerts: {
      insert: async (draft, reason) => alerts.insert(draft, reason),
      list: async (filter, limit, beforeId) => alerts.list(filter, limit, beforeId),
      counts: async (filter) => alerts.counts(filter),
    },
    settings: {
      loadRaw: async () => settings.loadRaw(),
      saveMany: async (sections) => settings.saveMany(sections),
    },
    close: async () => {
      db.close();
    },
  };
}

import type { Alert, AlertCounts, AlertFilter } from '../../../shared/domain/alert';
import type { GapRecord } from '../../../shared/domain/gap';
import type { Candle, SeriesKey } from '../../../shared/domain/market';
import type { GapLedger } from '../candles/ports';
import type { AlertDraft } from './alert-repository';
import type { CandleAnomaly, StoredRange } from './candle-repository';
import type { StoredSeries } from './series-repository';

/**
 * The store as several processes share it: the same repositories as SQLite's, behind promises, since
 * a database server answers over the network. The SQLite implementation (sqlite-shared-store.ts)
 * wraps the synchronous repositories; the PostgreSQL one (postgres/) is the store of a cluster. One
 * contract suite runs against both (tests/integration/store/shared-store-contract.test.ts).
 */
export type SeriesCandles = { key: SeriesKey; candles: readonly Candle[] };
export type KeyedAnomaly = CandleAnomaly & { key: SeriesKey };

export type SharedCandleStore = {
  /**
   * Stores closed candles of several series in one transaction; returns how many were new. A candle
   * stored before with the same values is a no-op; with different values it is kept and reported.
   */
  writeClosed(batch: readonly SeriesCandles[]): Promise<{ inserted: number; anomalies: KeyedAnomaly[] }>;
  recent(key: SeriesKey, limit: number): Promise<Candle[]>;
  range(key: SeriesKey, from: number, to: number, limit: number): Promise<Candle[]>;
  before(key: SeriesKey, time: number, limit: number): Promise<Candle[]>;
  storedRange(key: SeriesKey): Promise<StoredRange | null>;
  allSeries(): Promise<StoredSeries[]>;
};

export type GapOpening = Parameters<GapLedger['opened']>[0];
export type GapFilter = Parameters<GapLedger['list']>[0];

export type SharedGapLedger = {
  opened(gap: GapOpening): Promise<number>;
  filled(id: number, filled: number, at: number): Promise<void>;
  failed(id: number, error: string): Promise<void>;
  list(filter: GapFilter): Promise<GapRecord[]>;
};

export type SharedAlertLog = {
  /** Stores a firing; null (nothing changed) when that rule already fired on that candle. */
  insert(draft: AlertDraft, reason: string): Promise<Alert | null>;
  /** Newest first; `beforeId` pages further back. */
  list(filter: AlertFilter, limit: number, beforeId?: number): Promise<Alert[]>;
  counts(filter: AlertFilter): Promise<AlertCounts>;
};

export type SharedSettings = {
  loadRaw(): Promise<Record<string, string>>;
  saveMany(sections: Record<string, unknown>): Promise<void>;
};

export type SharedStore = {
  kind: 'sqlite' | 'postgres';
  candles: SharedCandleStore;
  gaps: SharedGapLedger;
  alerts: SharedAlertLog;
  settings: SharedSettings;
  close(): Promise<void>;
};

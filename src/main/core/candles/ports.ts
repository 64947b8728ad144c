import type { Candle, SeriesKey } from '../../../shared/domain/market';
import type { GapRecord } from '../../../shared/domain/gap';

/**
 * What leaves the candle collector, in order per series and without holes. `origin: 'backfill'`
 * marks candles fetched over REST after a gap or sleep: the alert engine records their signals as
 * missed instead of shouting them.
 */
export type CandleUpdate = {
  key: SeriesKey;
  /** newly closed candles, oldest first; final and never repeated */
  closed: Candle[];
  /** the candle still forming after `closed`, if known */
  forming: Candle | null;
  origin: 'live' | 'backfill';
};
export type CandleUpdateListener = (update: CandleUpdate) => void;

/** Read side of the store the collector warms up from at start (implemented by store/). */
export type CandleHistory = {
  /** open time of the newest stored closed candle of the series */
  lastClosedOpenTime(key: SeriesKey): number | undefined;
  /** the newest `limit` stored closed candles, oldest first */
  recent(key: SeriesKey, limit: number): Candle[];
};

/** Where gaps found and filled are recorded (implemented by store/). */
export type GapLedger = {
  opened(gap: Omit<GapRecord, 'id' | 'filled' | 'filledAt' | 'error'>): number;
  filled(id: number, filled: number, at: number): void;
  failed(id: number, error: string): void;
  list(filter: { exchange?: string; symbol?: string; timeframe?: string; limit: number }): GapRecord[];
};

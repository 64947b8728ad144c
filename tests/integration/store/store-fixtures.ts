import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Database } from 'better-sqlite3';
import type { Candle, SeriesKey } from '../../../src/shared/domain/market';
import { createLogger, type LogRecord, type Logger } from '../../../src/main/core/base/log';
import { openDatabase } from '../../../src/main/core/store/database';
import { CandleRepository } from '../../../src/main/core/store/candle-repository';
import { SeriesRepository } from '../../../src/main/core/store/series-repository';

export const MINUTE = 60_000;
export const T0 = Date.UTC(2024, 0, 1);
export const BTC_1M: SeriesKey = { exchange: 'binance', symbol: 'BTC/USDT', timeframe: '1m' };
export const ETH_1M: SeriesKey = { exchange: 'binance', symbol: 'ETH/USDT', timeframe: '1m' };

/** `count` consecutive candles from `start`; values depend on the open time only, so any slice agrees. */
export function makeCandles(start: number, count: number, stepMs = MINUTE): Candle[] {
  return Array.from({ length: count }, (_, i) => {
    const t = start + i * stepMs;
    const n = Math.floor(t / stepMs);
    const base = 100 + (n % 1000) / 4;
    return [t, base, base + 1.25, base - 0.75, base + 0.5, 10 + (n % 7) * 0.125];
  });
}

export type TempDir = { path: string; cleanup(): void };

export function tempDir(prefix = 'cw-store-'): TempDir {
  const path = mkdtempSync(join(tmpdir(), prefix));
  return { path, cleanup: () => rmSync(path, { recursive: true, force: true }) };
}

export type TestStore = { dir: TempDir; db: Database; series: SeriesRepository; candles: CandleRepository };

export function openTestStore(): TestStore {
  const dir = tempDir();
  const db = openDatabase(dir.path);
  const series = new SeriesRepository(db);
  return { dir, db, series, candles: new CandleRepository(db, series) };
}

export function closeTestStore(store: TestStore | undefined): void {
  if (!store) return;
  if (store.db.open) store.db.close();
  store.dir.cleanup();
}

/** A logger that keeps its records, for asserting what was reported. */
export function recordingLogger(): { log: Logger; records: LogRecord[] } {
  const records: LogRecord[] = [];
  return { log: createLogger((r) => records.push(r), { level: 'debug' }), records };
}

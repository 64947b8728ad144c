import type { Migration } from './migration';

/**
 * Market data. Key layout chosen by bench/store-layout.ts (docs/storage.md):
 * - `series` maps exchange/symbol/timeframe to a small integer, so a candle row carries 1–2 bytes
 *   of key instead of three strings; `candle_count` is kept by the repositories in the same
 *   transaction as the rows, so row counts for Settings never scan millions of candles.
 * - `candles` is WITHOUT ROWID, clustered on (series_id, open_time): a chart read of 5,000 candles
 *   is one contiguous range of pages (5× faster than the rowid table + index, whose rows of one
 *   series are scattered between the other series' rows), and rows are 20% smaller. It costs
 *   about 25% more WAL pages per live commit, which the batched writer absorbs.
 * - prices and volume are REAL, exactly the doubles the exchange sent: scaled integers were 17%
 *   smaller but lose digits beyond their scale and overflow on large volumes.
 */
export const migration0002: Migration = {
  version: 2,
  name: 'market-data',
  up(db) {
    db.exec(`
      CREATE TABLE series (
        id           INTEGER PRIMARY KEY,
        exchange     TEXT NOT NULL,
        symbol       TEXT NOT NULL,
        timeframe    TEXT NOT NULL,
        candle_count INTEGER NOT NULL DEFAULT 0,
        UNIQUE (exchange, symbol, timeframe)
      );

      CREATE TABLE candles (
        series_id INTEGER NOT NULL REFERENCES series (id),
        open_time INTEGER NOT NULL,
        open      REAL NOT NULL,
        high      REAL NOT NULL,
        low       REAL NOT NULL,
        close     REAL NOT NULL,
        volume    REAL NOT NULL,
        PRIMARY KEY (series_id, open_time)
      ) WITHOUT ROWID;

      CREATE TABLE gaps (
        id          INTEGER PRIMARY KEY,
        series_id   INTEGER NOT NULL REFERENCES series (id),
        from_time   INTEGER NOT NULL,
        to_time     INTEGER NOT NULL,
        expected    INTEGER NOT NULL,
        filled      INTEGER NOT NULL DEFAULT 0,
        reason      TEXT NOT NULL CHECK (reason IN ('start', 'reconnect', 'resume', 'jump', 'stale')),
        detected_at INTEGER NOT NULL,
        filled_at   INTEGER,
        error       TEXT
      );
      CREATE INDEX gaps_by_series ON gaps (series_id, id);
    `);
  },
};

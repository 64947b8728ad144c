import type { Migration } from './migration';

/**
 * The private side of connected exchange accounts.
 * - `account_fills`: every fill seen once, keyed by the exchange's trade id. The key is what makes a
 *   fill notified exactly once, whatever replays it (stream after a REST catch-up, a restart).
 *   `alert_id` links the INFO alert of kind 'fill' written in the same transaction.
 * - `account_sync`: per exchange, until when the fills are known to be complete (`synced_until`:
 *   the REST catch-up after a reconnect or a restart starts there), when the account was first
 *   connected (`baseline_at`: older fills are never notified; both NULL until then, as a key test
 *   or the clock setting may come first) and whether requests are signed with the exchange's clock
 *   (`clock_sync`).
 * - `alerts.kind`: 'rule' for rule firings, 'fill' for fills, so the history can tell them apart.
 */
export const migration0005: Migration = {
  version: 5,
  name: 'account',
  up(db) {
    db.exec(`
      CREATE TABLE account_fills (
        exchange       TEXT NOT NULL,
        trade_id       TEXT NOT NULL,
        order_id       TEXT,
        symbol         TEXT NOT NULL,
        side           TEXT NOT NULL CHECK (side IN ('buy', 'sell')),
        price          REAL NOT NULL,
        amount         REAL NOT NULL,
        cost           REAL,
        fee_cost       REAL,
        fee_currency   TEXT,
        taker_or_maker TEXT CHECK (taker_or_maker IN ('taker', 'maker')),
        traded_at      INTEGER NOT NULL,
        received_at    INTEGER NOT NULL,
        source         TEXT NOT NULL CHECK (source IN ('stream', 'catch-up', 'baseline')),
        alert_id       INTEGER REFERENCES alerts (id) ON DELETE SET NULL,
        PRIMARY KEY (exchange, trade_id)
      );
      CREATE INDEX account_fills_by_time ON account_fills (traded_at);
      CREATE INDEX account_fills_by_symbol ON account_fills (exchange, symbol, traded_at);

      CREATE TABLE account_sync (
        exchange     TEXT PRIMARY KEY,
        baseline_at  INTEGER,
        synced_until INTEGER,
        clock_sync   INTEGER NOT NULL DEFAULT 0
      );

      ALTER TABLE alerts ADD COLUMN kind TEXT NOT NULL DEFAULT 'rule' CHECK (kind IN ('rule', 'fill'));
    `);
  },
};

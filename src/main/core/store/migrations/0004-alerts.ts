import type { Migration } from './migration';

/**
 * Rules and the alerts they fire.
 * - `rules.definition` is the rule as its zod schema outputs it (JSON); the schema, not SQL,
 *   validates it, so a new rule type needs no migration.
 * - `rule_series_state` keeps what a trigger mode remembers per series (armed for `rearm`, the
 *   last firing for `once` and cooldowns) so a restart neither repeats nor forgets a firing.
 * - `alerts` is unique on (rule, series, candle time): the database itself refuses a second
 *   firing of a rule on a candle, whatever replays it (reconnect, re-fetch, restart).
 *   A deleted rule leaves its alerts with rule_id NULL and their rule_name.
 */
export const migration0004: Migration = {
  version: 4,
  name: 'alerts',
  up(db) {
    db.exec(`
      CREATE TABLE rules (
        id           INTEGER PRIMARY KEY,
        name         TEXT NOT NULL UNIQUE,
        definition   TEXT NOT NULL,
        enabled      INTEGER NOT NULL,
        source       TEXT NOT NULL CHECK (source IN ('user', 'config', 'import')),
        created_at   INTEGER NOT NULL,
        updated_at   INTEGER NOT NULL,
        active_since INTEGER NOT NULL
      );

      CREATE TABLE rule_series_state (
        rule_id          INTEGER NOT NULL REFERENCES rules (id) ON DELETE CASCADE,
        exchange         TEXT NOT NULL,
        symbol           TEXT NOT NULL,
        timeframe        TEXT NOT NULL,
        armed            INTEGER NOT NULL,
        last_candle_time INTEGER,
        PRIMARY KEY (rule_id, exchange, symbol, timeframe)
      );

      CREATE TABLE alerts (
        id             INTEGER PRIMARY KEY,
        rule_id        INTEGER REFERENCES rules (id) ON DELETE SET NULL,
        rule_name      TEXT NOT NULL,
        signal         TEXT NOT NULL CHECK (signal IN ('BUY', 'SELL', 'INFO')),
        exchange       TEXT NOT NULL,
        symbol         TEXT NOT NULL,
        timeframe      TEXT NOT NULL,
        candle_time    INTEGER NOT NULL,
        price          REAL NOT NULL,
        indicator_values TEXT NOT NULL,
        strength       REAL NOT NULL,
        strength_basis TEXT NOT NULL,
        message        TEXT NOT NULL,
        fired_at       INTEGER NOT NULL,
        status         TEXT NOT NULL CHECK (status IN ('active', 'dismissed', 'expired', 'missed')),
        status_at      INTEGER NOT NULL,
        urgent         INTEGER NOT NULL,
        UNIQUE (rule_id, exchange, symbol, timeframe, candle_time)
      );
      CREATE INDEX alerts_by_time ON alerts (fired_at);
      CREATE INDEX alerts_by_symbol ON alerts (symbol, fired_at);
      CREATE INDEX alerts_by_status ON alerts (status, fired_at);

      CREATE TABLE alert_status_history (
        id       INTEGER PRIMARY KEY,
        alert_id INTEGER NOT NULL REFERENCES alerts (id) ON DELETE CASCADE,
        status   TEXT NOT NULL,
        at       INTEGER NOT NULL,
        reason   TEXT NOT NULL
      );
      CREATE INDEX alert_status_history_by_alert ON alert_status_history (alert_id, id);
    `);
  },
};

import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase, schemaVersion } from '../../../src/main/core/store/database';
import { migrations } from '../../../src/main/core/store/migrations';
import { AlertRepository } from '../../../src/main/core/store/alert-repository';
import { tempDir, type TempDir } from './store-fixtures';

let dir: TempDir | undefined;
afterEach(() => dir?.cleanup());

const upTo = (version: number) => migrations.filter((m) => m.version <= version);

describe('migration 0006 alert-lifecycle', () => {
  it('migrates a version 5 database with alerts, their history and a fill, keeping them', () => {
    dir = tempDir();
    const v5 = openDatabase(dir.path, { migrations: upTo(5) });
    const insert = v5.prepare(
      `INSERT INTO alerts (kind, rule_id, rule_name, signal, exchange, symbol, timeframe, candle_time, price,
         indicator_values, strength, strength_basis, message, fired_at, status, status_at, urgent)
       VALUES (?, NULL, ?, 'INFO', 'binance', 'BTC/USDT', ?, ?, 1, '{}', 0.5, 'b', 'm', ?, ?, ?, 0)`,
    );
    insert.run('rule', 'old rule', '1m', 60_000, 1_000, 'active', 1_000);
    const fillAlert = insert.run(
      'fill',
      'Order filled',
      '',
      120_000,
      2_000,
      'dismissed',
      3_000,
    ).lastInsertRowid;
    v5.prepare(
      "INSERT INTO alert_status_history (alert_id, status, at, reason) VALUES (1, 'active', 1000, 'fired')",
    ).run();
    v5.prepare(
      `INSERT INTO account_fills (exchange, trade_id, symbol, side, price, amount, traded_at, received_at, source, alert_id)
       VALUES ('binance', 't1', 'BTC/USDT', 'buy', 1, 1, 2000, 2000, 'stream', ?)`,
    ).run(fillAlert);
    v5.close();

    const db = openDatabase(dir.path, { migrations: upTo(6) });
    expect(schemaVersion(db)).toBe(6);
    expect(
      db.prepare('SELECT rule_name, status, status_at, expires_at FROM alerts ORDER BY id').all(),
    ).toEqual([
      // alerts from before follow the global timeout (expires_at NULL)
      { rule_name: 'old rule', status: 'active', status_at: 1_000, expires_at: null },
      { rule_name: 'Order filled', status: 'dismissed', status_at: 3_000, expires_at: null },
    ]);
    const indexes = db
      .prepare(
        "SELECT name FROM sqlite_master WHERE type = 'index' AND name IN ('alerts_expiry', 'account_fills_by_alert')",
      )
      .pluck()
      .all();
    expect(indexes.sort()).toEqual(['account_fills_by_alert', 'alerts_expiry']);

    const repo = new AlertRepository(db);
    // the old active alert is due once the global timeout passed
    expect(repo.dueToExpire(1_000 + 59_999, 60_000, 10)).toEqual([]);
    expect(repo.dueToExpire(1_000 + 60_000, 60_000, 10)).toEqual([1]);
    // pruning the fill's alert keeps the fill, without its alert
    expect(repo.prune(10_000, 100, 10)).toBe(1);
    expect(db.prepare('SELECT trade_id, alert_id FROM account_fills').all()).toEqual([
      { trade_id: 't1', alert_id: null },
    ]);
    expect(db.prepare('SELECT count(*) FROM alert_status_history').pluck().get()).toBe(1);
    db.close();
  });
});

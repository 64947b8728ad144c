import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { TradeRow } from '../../../src/main/core/account/account-client';
import { FILL_ALERT_NAME, FillRecorder } from '../../../src/main/core/account/fill-recorder';
import { silentLogger } from '../../../src/main/core/base/log';
import { AccountRepository } from '../../../src/main/core/store/account-repository';
import { AlertRepository } from '../../../src/main/core/store/alert-repository';
import { openDatabase, schemaVersion, type Database } from '../../../src/main/core/store/database';
import { migrations } from '../../../src/main/core/store/migrations';
import type { AccountFill } from '../../../src/shared/contract/methods/account';
import type { Alert } from '../../../src/shared/domain/alert';

let dir: string | undefined;
let db: Database | undefined;
afterEach(() => {
  db?.close();
  db = undefined;
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

const T = Date.UTC(2026, 0, 5, 12);

const trade = (id: string, time: number): TradeRow => ({
  tradeId: id,
  orderId: '42',
  symbol: 'BTC/USDT',
  side: 'sell',
  price: 70_000,
  amount: 0.1,
  cost: 7_000,
  fee: { cost: 7, currency: 'USDT' },
  takerOrMaker: 'taker',
  time,
});

function open() {
  dir ??= mkdtempSync(join(tmpdir(), 'cw-fills-'));
  db = openDatabase(dir);
  const delivered: Alert[] = [];
  const told: AccountFill[] = [];
  const repo = new AccountRepository(db);
  const recorder = new FillRecorder({
    repo,
    alerts: new AlertRepository(db),
    delivery: { deliver: (alert) => void delivered.push(alert) },
    onFill: (fill) => void told.push(fill),
    now: () => T + 1_000,
    log: silentLogger(),
  });
  return { db, repo, recorder, delivered, told };
}

describe('fills in SQLite', () => {
  it('stores a fill and its INFO alert of kind fill once, whatever replays it, across restarts', () => {
    const first = open();
    expect(first.recorder.record('binance', trade('9001', T), 'stream', T - 60_000)).toMatchObject({
      tradeId: '9001',
      source: 'stream',
      alertId: 1,
    });
    expect(first.recorder.record('binance', trade('9001', T), 'catch-up', T - 60_000)).toBeNull();
    expect(first.delivered).toHaveLength(1);
    expect(first.delivered[0]).toMatchObject({
      ruleId: null,
      ruleName: FILL_ALERT_NAME,
      signal: 'INFO',
      symbol: 'BTC/USDT',
      timeframe: '',
      candleTime: T,
      price: 70_000,
      values: { amount: 0.1, price: 70_000, cost: 7_000, 'fee (USDT)': 7 },
      message: 'Sold 0.1 BTC at 70,000 USDT (fee 7 USDT, order 42)',
      status: 'active',
    });
    first.db.close();
    db = undefined;

    const again = open();
    expect(again.recorder.record('binance', trade('9001', T), 'catch-up', T - 60_000)).toBeNull();
    // The same trade id on another exchange is another fill.
    expect(again.recorder.record('okx', trade('9001', T), 'stream', T - 60_000)).not.toBeNull();
    expect(again.delivered).toHaveLength(1);
    expect(again.db.prepare('SELECT id, kind FROM alerts ORDER BY id').all()).toEqual([
      { id: 1, kind: 'fill' },
      { id: 2, kind: 'fill' },
    ]);
    expect(again.repo.fills({ limit: 10 }).map((f) => [f.exchange, f.tradeId, f.alertId])).toEqual([
      ['okx', '9001', 2],
      ['binance', '9001', 1],
    ]);
  });

  it('keeps fills from before the account was connected without notifying them', () => {
    const s = open();
    const old = s.recorder.record('binance', trade('1', T - 120_000), 'catch-up', T - 60_000);
    expect(old).toMatchObject({ source: 'baseline', alertId: null });
    expect(s.delivered).toEqual([]);
    expect(s.told).toHaveLength(1);
    expect(s.db.prepare('SELECT count(*) FROM alerts').pluck().get()).toBe(0);
  });

  it('remembers per exchange when it was connected, how far fills are complete, and clock sync', () => {
    const s = open();
    expect(s.repo.syncState('binance', T)).toEqual({ baselineAt: T, syncedUntil: T, clockSync: false });
    s.repo.advanceSync('binance', T + 5_000);
    s.repo.advanceSync('binance', T + 1_000);
    s.repo.setClockSync('binance', true);
    expect(s.repo.syncState('binance', T + 9_999)).toEqual({
      baselineAt: T,
      syncedUntil: T + 5_000,
      clockSync: true,
    });
    // A clock setting (or a key test) before the first connection does not start the baseline.
    s.repo.setClockSync('okx', true);
    expect(s.repo.clockSync('okx')).toBe(true);
    expect(s.repo.clockSync('kraken')).toBe(false);
    expect(s.repo.syncState('okx', T + 60_000)).toEqual({
      baselineAt: T + 60_000,
      syncedUntil: T + 60_000,
      clockSync: true,
    });
    s.recorder.record('binance', trade('1', T), 'stream', T);
    expect(s.repo.tradedSymbols('binance', T - 1)).toEqual(['BTC/USDT']);
    expect(s.repo.tradedSymbols('binance', T + 1)).toEqual([]);
  });
});

describe('migration 0005 account', () => {
  it('migrates a version 4 database with alerts in it, keeping them as rule alerts', () => {
    dir = mkdtempSync(join(tmpdir(), 'cw-fills-'));
    const v4 = openDatabase(dir, { migrations: migrations.filter((m) => m.version <= 4) });
    v4.prepare(
      `INSERT INTO rules (id, name, definition, enabled, source, created_at, updated_at, active_since)
       VALUES (1, 'r', '{}', 1, 'user', 1, 1, 1)`,
    ).run();
    v4.prepare(
      `INSERT INTO alerts (rule_id, rule_name, signal, exchange, symbol, timeframe, candle_time, price,
         indicator_values, strength, strength_basis, message, fired_at, status, status_at, urgent)
       VALUES (1, 'r', 'BUY', 'binance', 'BTC/USDT', '1m', 60000, 1, '{}', 1, 'x', 'm', 2, 'active', 2, 0)`,
    ).run();
    v4.close();

    db = openDatabase(dir, { migrations: migrations.filter((m) => m.version <= 5) });
    expect(schemaVersion(db)).toBe(5);
    expect(db.prepare('SELECT rule_name, kind FROM alerts').all()).toEqual([
      { rule_name: 'r', kind: 'rule' },
    ]);
    expect(() => db!.prepare("UPDATE alerts SET kind = 'other'").run()).toThrow(/CHECK/);
    expect(db.prepare('SELECT count(*) FROM account_fills').pluck().get()).toBe(0);
  });
});

import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../../src/main/core/store/database';
import type { AlertDraft } from '../../../src/main/core/store/alert-repository';
import { migratePg, NewerPgSchemaError } from '../../../src/main/core/store/postgres/pg-database';
import { pgMigrations } from '../../../src/main/core/store/postgres/migrations';
import { openPgStore, type PgStore } from '../../../src/main/core/store/postgres/pg-store';
import type { SharedStore } from '../../../src/main/core/store/shared-store';
import { sqliteSharedStore } from '../../../src/main/core/store/sqlite-shared-store';
import { describeWithPostgres } from '../../support/postgres-cluster';
import { BTC_1M, ETH_1M, makeCandles, MINUTE, T0, tempDir, type TempDir } from './store-fixtures';

/** A rule named RULE with id 1 exists in both stores (SQLite's alerts reference their rule). */
const RULE = 'BTC crosses';

const draft = (candleTime: number, over: Partial<AlertDraft> = {}): AlertDraft => ({
  kind: 'rule',
  ruleId: 1,
  ruleName: RULE,
  signal: 'BUY',
  exchange: BTC_1M.exchange,
  symbol: BTC_1M.symbol,
  timeframe: BTC_1M.timeframe,
  candleTime,
  price: 101.5,
  values: { close: 101.5 },
  strength: 0.5,
  strengthBasis: 'distance',
  message: 'crossed',
  firedAt: candleTime + MINUTE,
  status: 'active',
  urgent: false,
  ...over,
});

/** The same suite for every implementation of the shared store. */
function contract(open: () => Promise<SharedStore>) {
  let store: SharedStore | undefined;
  afterEach(async () => {
    await store?.close();
    store = undefined;
  });
  const fresh = async () => (store = await open());

  it('stores closed candles of several series in one batch and reads them back in order', async () => {
    const s = await fresh();
    const btc = makeCandles(T0, 50);
    const eth = makeCandles(T0, 10);
    expect(
      await s.candles.writeClosed([
        { key: BTC_1M, candles: btc },
        { key: ETH_1M, candles: eth },
      ]),
    ).toEqual({
      inserted: 60,
      anomalies: [],
    });
    expect(await s.candles.recent(BTC_1M, 5)).toEqual(btc.slice(45));
    expect(await s.candles.range(BTC_1M, T0 + 10 * MINUTE, T0 + 12 * MINUTE, 100)).toEqual(btc.slice(10, 13));
    expect(await s.candles.range(BTC_1M, T0, T0 + 49 * MINUTE, 3)).toEqual(btc.slice(0, 3));
    expect(await s.candles.before(BTC_1M, T0 + 20 * MINUTE, 2)).toEqual(btc.slice(18, 20));
    expect(await s.candles.storedRange(BTC_1M)).toEqual({ first: T0, last: T0 + 49 * MINUTE, count: 50 });
    expect(await s.candles.storedRange({ ...BTC_1M, timeframe: '1h' })).toBeNull();
    expect(await s.candles.recent({ ...BTC_1M, symbol: 'XRP/USDT' }, 5)).toEqual([]);
    const series = await s.candles.allSeries();
    expect(series.map((x) => [x.symbol, x.candleCount])).toEqual([
      ['BTC/USDT', 50],
      ['ETH/USDT', 10],
    ]);
  });

  it('keeps closed candles idempotent: a replay is a no-op and a changed value is reported, not stored', async () => {
    const s = await fresh();
    const btc = makeCandles(T0, 20);
    await s.candles.writeClosed([{ key: BTC_1M, candles: btc }]);
    expect(await s.candles.writeClosed([{ key: BTC_1M, candles: btc.slice(5, 15) }])).toEqual({
      inserted: 0,
      anomalies: [],
    });
    const changed = [...btc[7]!] as (typeof btc)[number];
    changed[4] += 1;
    const next = makeCandles(T0 + 20 * MINUTE, 2);
    const result = await s.candles.writeClosed([{ key: BTC_1M, candles: [changed, ...next] }]);
    expect(result.inserted).toBe(2);
    expect(result.anomalies).toEqual([
      expect.objectContaining({ key: BTC_1M, stored: btc[7], received: changed }),
    ]);
    expect(await s.candles.recent(BTC_1M, 100)).toEqual([...btc, ...next]);
    expect((await s.candles.storedRange(BTC_1M))?.count).toBe(22);
  });

  it('keeps a gap ledger with its fill or failure, filtered and newest first', async () => {
    const s = await fresh();
    const gap = {
      ...BTC_1M,
      from: T0,
      to: T0 + 4 * MINUTE,
      expected: 5,
      reason: 'reconnect' as const,
      detectedAt: T0 + 6 * MINUTE,
    };
    const a = await s.gaps.opened(gap);
    const b = await s.gaps.opened({ ...gap, ...ETH_1M, reason: 'start' });
    await s.gaps.filled(a, 5, T0 + 7 * MINUTE);
    await s.gaps.failed(b, 'the exchange refused: rate limit');
    const all = await s.gaps.list({ limit: 10 });
    expect(all.map((g) => g.id)).toEqual([b, a]);
    expect(all[1]).toEqual({ id: a, ...gap, filled: 5, filledAt: T0 + 7 * MINUTE, error: null });
    expect(all[0]).toMatchObject({
      symbol: 'ETH/USDT',
      filled: 0,
      filledAt: null,
      error: 'the exchange refused: rate limit',
    });
    expect((await s.gaps.list({ symbol: 'ETH/USDT', limit: 10 })).map((g) => g.id)).toEqual([b]);
    expect(await s.gaps.list({ timeframe: '1h', limit: 10 })).toEqual([]);
  });

  it('stores an alert once per rule and candle, and lists and counts them', async () => {
    const s = await fresh();
    const first = await s.alerts.insert(draft(T0), 'fired');
    expect(first).toMatchObject({ ruleName: RULE, candleTime: T0, status: 'active', statusAt: T0 + MINUTE });
    expect(
      await s.alerts.insert(
        draft(T0, { firedAt: T0 + 5 * MINUTE, status: 'missed' }),
        'computed from backfilled candles',
      ),
    ).toBeNull();
    await s.alerts.insert(
      draft(T0 + MINUTE, { signal: 'SELL', status: 'missed' }),
      'computed from backfilled candles',
    );
    await s.alerts.insert(draft(T0 + 2 * MINUTE, { symbol: 'ETH/USDT' }), 'fired');
    const listed = await s.alerts.list({}, 10);
    expect(listed.map((a) => [a.symbol, a.candleTime, a.signal, a.status])).toEqual([
      ['ETH/USDT', T0 + 2 * MINUTE, 'BUY', 'active'],
      ['BTC/USDT', T0 + MINUTE, 'SELL', 'missed'],
      ['BTC/USDT', T0, 'BUY', 'active'],
    ]);
    expect(listed[2]).toMatchObject({ values: { close: 101.5 }, urgent: false, message: 'crossed' });
    const page = await s.alerts.list({ symbol: 'BTC/USDT' }, 1, listed[1]!.id);
    expect(page.map((a) => a.candleTime)).toEqual([T0]);
    expect(await s.alerts.counts({ exchange: 'binance' })).toEqual({
      total: 3,
      byStatus: { active: 2, dismissed: 0, expired: 0, missed: 1 },
      bySignal: { BUY: 2, SELL: 1, INFO: 0 },
    });
    expect((await s.alerts.counts({ from: T0 + 2 * MINUTE })).total).toBe(2);
  });

  it('saves settings sections and loads them back as JSON', async () => {
    const s = await fresh();
    await s.settings.saveMany({
      watchlist: [{ exchange: 'binance', symbol: 'BTC/USDT', timeframes: ['1m'] }],
    });
    await s.settings.saveMany({ feed: { staleTimeoutMs: 30_000 } });
    const raw = await s.settings.loadRaw();
    expect(Object.keys(raw).sort()).toEqual(['feed', 'watchlist']);
    expect(JSON.parse(raw.feed!)).toEqual({ staleTimeoutMs: 30_000 });
  });
}

describe('shared store contract: SQLite', () => {
  const dirs: TempDir[] = [];
  afterEach(() => dirs.splice(0).forEach((d) => d.cleanup()));
  contract(async () => {
    const dir = tempDir();
    dirs.push(dir);
    const db = openDatabase(dir.path);
    db.prepare(
      "INSERT INTO rules (id, name, definition, enabled, source, created_at, updated_at, active_since) VALUES (1, ?, '{}', 1, 'user', 0, 0, 0)",
    ).run(RULE);
    return sqliteSharedStore(db);
  });
});

describeWithPostgres('shared store contract: PostgreSQL', (database) => {
  contract(async () => openPgStore(await database()));

  it('refuses a schema written by a newer version and changes nothing', async () => {
    const store: PgStore = await openPgStore(await database());
    try {
      await store.pool.query('UPDATE schema_version SET version = 99');
      await expect(migratePg(store.pool, pgMigrations)).rejects.toThrow(NewerPgSchemaError);
      expect((await store.pool.query('SELECT version FROM schema_version')).rows).toEqual([{ version: 99 }]);
    } finally {
      await store.close();
    }
  });

  it('lets nodes starting together migrate one after the other', async () => {
    const url = await database();
    const stores = await Promise.all([openPgStore(url), openPgStore(url), openPgStore(url)]);
    try {
      const v = await stores[0]!.pool.query('SELECT version FROM schema_version');
      expect(v.rows).toEqual([{ version: pgMigrations.at(-1)!.version }]);
    } finally {
      await Promise.all(stores.map((s) => s.close()));
    }
  });
});

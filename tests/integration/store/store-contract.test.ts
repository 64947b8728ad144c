import { afterEach, describe, expect, it } from 'vitest';
import { createCore, type Core } from '../../../src/main/core/app';
import { silentLogger } from '../../../src/main/core/base/log';
import { BatchedCandleWriter } from '../../../src/main/core/store/batched-candle-writer';
import { CandleRepository } from '../../../src/main/core/store/candle-repository';
import { openDatabase } from '../../../src/main/core/store/database';
import { SeriesRepository } from '../../../src/main/core/store/series-repository';
import { MAX_HISTORY_CANDLES } from '../../../src/shared/contract/methods/store';
import { BTC_1M, ETH_1M, makeCandles, MINUTE, T0, tempDir, type TempDir } from './store-fixtures';

let dir: TempDir | undefined;
let core: Core | undefined;
afterEach(async () => {
  await core?.stop();
  dir?.cleanup();
});

/** A data folder whose database already holds `btc` BTC 1m candles and 10 ETH 1m candles. */
const seeded = (btc: number) => {
  dir = tempDir();
  const db = openDatabase(dir.path);
  const series = new SeriesRepository(db);
  const writer = new BatchedCandleWriter(db, series, new CandleRepository(db, series), silentLogger(), {
    maxBatchRows: 50_000,
  });
  writer.enqueue(BTC_1M, makeCandles(T0, btc));
  writer.enqueue(ETH_1M, makeCandles(T0, 10));
  writer.close();
  db.close();
  core = createCore({ dataDir: dir.path, mode: 'headless', version: '0.0.0-test', log: silentLogger() });
  return core;
};

const call = async (c: Core, method: string, input: unknown) => {
  const result = await c.dispatch(method, input);
  if (!result.ok) throw new Error(`${result.error.code}: ${result.error.message}`);
  return result.value as Record<string, unknown>;
};

describe("'candles:history'", () => {
  it('answers the last N as tuples with the stored range', async () => {
    const c = seeded(100);
    const value = await call(c, 'candles:history', { series: { ...BTC_1M, exchange: 'Binance' }, last: 2 });
    expect(value).toEqual({
      series: BTC_1M,
      candles: makeCandles(T0 + 98 * MINUTE, 2),
      stored: { first: T0, last: T0 + 99 * MINUTE, count: 100 },
      truncated: false,
    });
  });

  it('answers N before a time and an inclusive range', async () => {
    const c = seeded(100);
    const before = await call(c, 'candles:history', { series: BTC_1M, before: T0 + 10 * MINUTE, limit: 3 });
    expect((before.candles as number[][]).map((k) => k[0])).toEqual([7, 8, 9].map((i) => T0 + i * MINUTE));
    const range = await call(c, 'candles:history', { series: BTC_1M, from: T0, to: T0 + 4 * MINUTE });
    expect(range.candles).toEqual(makeCandles(T0, 5));
  });

  it('says when a range holds more than one answer can carry', async () => {
    const c = seeded(MAX_HISTORY_CANDLES + 5);
    const range = await call(c, 'candles:history', { series: BTC_1M, from: T0, to: T0 + 10 ** 12 });
    expect(range.truncated).toBe(true);
    expect(range.candles).toHaveLength(MAX_HISTORY_CANDLES);
  });

  it('answers an unknown series with nothing stored', async () => {
    const c = seeded(1);
    expect(
      await call(c, 'candles:history', { series: { ...BTC_1M, timeframe: '4h' }, last: 10 }),
    ).toMatchObject({
      candles: [],
      stored: null,
    });
  });

  it('refuses a query that mixes forms, a reversed range or a huge limit', async () => {
    const c = seeded(1);
    for (const bad of [
      { series: BTC_1M, last: 5, before: T0, limit: 5 },
      { series: BTC_1M, from: T0 + 1, to: T0 },
      { series: BTC_1M, last: MAX_HISTORY_CANDLES + 1 },
      { series: { ...BTC_1M, timeframe: '7x' }, last: 1 },
    ]) {
      expect(await c.dispatch('candles:history', bad)).toMatchObject({
        ok: false,
        error: { code: 'invalid-input' },
      });
    }
  });
});

describe("'store:stats'", () => {
  it('reports sizes, counts per series and timeframe, and the writer', async () => {
    const c = seeded(30);
    const stats = await call(c, 'store:stats', {});
    expect(stats.databaseBytes).toBeGreaterThan(0);
    expect(stats.totalCandles).toBe(40);
    expect(stats.byTimeframe).toEqual([{ timeframe: '1m', series: 2, candles: 40 }]);
    expect(stats.series).toContainEqual({ ...BTC_1M, candles: 30, first: T0, last: T0 + 29 * MINUTE });
    expect(stats.writer).toEqual({ pending: 0, lastError: null, anomalies: 0 });
  });
});

describe('data.retention settings', () => {
  it('defaults to 1s for 2 days and 1m for a year, and can be changed', async () => {
    const c = seeded(1);
    expect((await call(c, 'settings:get', {})).data).toEqual({ retention: { '1s': 2, '1m': 365 } });
    const updated = await call(c, 'settings:update', { data: { retention: { '1m': null, '5m': 30 } } });
    expect(updated.data).toEqual({ retention: { '1m': null, '5m': 30 } });
    expect(await c.dispatch('settings:update', { data: { retention: { '1m': -1 } } })).toMatchObject({
      ok: false,
      error: { code: 'invalid-input' },
    });
  });
});

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { EventName } from '../../../src/shared/contract';
import type { CandlesUpdated } from '../../../src/shared/contract/methods/market';
import type { Candle, OrderBook } from '../../../src/shared/domain/market';
import type { StreamInfo } from '../../../src/shared/domain/stream';
import type { GapRecord } from '../../../src/shared/domain/gap';
import { createCore, type Core } from '../../../src/main/core/app';
import { SimSource } from '../../../src/main/core/exchange/sim/sim-source';
import { systemClock } from '../../../src/main/core/base/clock';
import { silentLogger } from '../../../src/main/core/base/log';
import { until } from './engine-harness';

let core: Core | undefined;
let dir: string | undefined;

afterEach(async () => {
  await core?.stop();
  core = undefined;
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function call<T>(c: Core, method: string, input: unknown): Promise<T> {
  const r = await c.dispatch(method, input);
  if (!r.ok) throw new Error(`${r.error.code}: ${r.error.message}`);
  return r.value as T;
}

describe('market data through the core and the contract (sim exchange, real SQLite)', () => {
  it('streams, stores and publishes sim candles; lists exchanges, markets, streams and books', async () => {
    dir = mkdtempSync(join(tmpdir(), 'cw-market-'));
    core = createCore({
      dataDir: dir,
      mode: 'headless',
      version: '0.0.0-test',
      log: silentLogger(),
      config: { watchlist: [{ exchange: 'sim', symbol: 'ETH/USDT', timeframes: ['1s'] }] },
    });
    const c = core;
    const seen: Array<{ event: EventName; payload: unknown }> = [];
    c.events.subscribe((event, payload) => seen.push({ event, payload }));

    const exchanges = await call<Array<{ id: string; status: string }>>(c, 'exchanges:list', {});
    expect(exchanges.map((e) => e.id)).toEqual(['sim']);
    await until('sim markets', () =>
      seen.some(
        (e) =>
          e.event === 'exchanges:changed' &&
          (e.payload as Array<{ id: string; status: string }>).some(
            (x) => x.id === 'sim' && x.status === 'ready',
          ),
      ),
    );
    expect(await call(c, 'markets:search', { exchange: 'SIM', query: 'eth' })).toEqual([
      expect.objectContaining({ symbol: 'ETH/BTC', priceDecimals: 5 }),
      expect.objectContaining({ symbol: 'ETH/USDT', priceDecimals: 2 }),
    ]);
    expect(await call(c, 'markets:search', { exchange: 'sim', query: 'eth-usdt' })).toEqual([
      expect.objectContaining({ symbol: 'ETH/USDT' }),
    ]);

    await until('ETH 1s live', () =>
      seen.some((e) => e.event === 'stream:state-changed' && (e.payload as StreamInfo).state === 'live'),
    );
    await call(c, 'orderbook:watch', { exchange: 'sim', symbol: 'ETH/USDT', depth: 5 });
    await until(
      'candle updates and a synced book',
      () =>
        seen.filter((e) => e.event === 'candles:updated').length > 2 &&
        seen.some(
          (e) => e.event === 'candles:updated' && Array.isArray((e.payload as CandlesUpdated).forming),
        ) &&
        seen.some((e) => e.event === 'orderbook:updated' && (e.payload as OrderBook).synced),
    );
    await vi.waitFor(
      async () => {
        const streams = await call<StreamInfo[]>(c, 'streams:list', {});
        expect(streams.every((s) => s.state === 'live')).toBe(true);
      },
      { timeout: 30_000, interval: 100 },
    );

    const series = { exchange: 'sim', symbol: 'ETH/USDT', timeframe: '1s' };
    const history = await call<{ candles: Candle[] }>(c, 'candles:history', { series, last: 1_000 });
    const stored = history.candles;
    expect(stored.length).toBeGreaterThan(20);
    const truth = await new SimSource({}, systemClock).fetchCandles(
      'ETH/USDT',
      '1s',
      stored[0]![0],
      stored.length,
    );
    expect(stored).toEqual(truth);

    const updates = seen.filter((e) => e.event === 'candles:updated').map((e) => e.payload as CandlesUpdated);
    expect(updates.length).toBeGreaterThan(2);
    const published = updates.flatMap((u) => u.closed);
    expect(published.map((k) => k[0])).toEqual(
      [...new Set(published.map((k) => k[0]))].sort((a, b) => a - b),
    );
    // the forming candle is published too (an update that only releases closed candles has none)
    expect(updates.some((u) => Array.isArray(u.forming))).toBe(true);

    const books = seen.filter((e) => e.event === 'orderbook:updated').map((e) => e.payload as OrderBook);
    expect(books.at(-1)).toMatchObject({ symbol: 'ETH/USDT', synced: true });
    expect(books.at(-1)!.bids).toHaveLength(5);

    const streams = await call<StreamInfo[]>(c, 'streams:list', {});
    expect(streams.map((s) => `${s.id} ${s.state}`)).toEqual([
      'sim|ETH/USDT|1s live',
      'sim|ETH/USDT|orderbook live',
      'sim|ETH/USDT|ticker live',
    ]);
    expect(await call(c, 'tickers:list', {})).toEqual([
      expect.objectContaining({ exchange: 'sim', symbol: 'ETH/USDT' }),
    ]);
    expect(await call(c, 'streams:reconnect', { id: 'sim|ETH/USDT|1s' })).toEqual({ reconnected: 1 });
    // A starved machine can wake the loop late enough for the sim "socket" to miss candles; the
    // collector then records and fills the gap (the stored series equals the truth above). What
    // must never be left is a gap that failed.
    const gaps = await call<GapRecord[]>(c, 'gaps:list', { limit: 10 });
    for (const gap of gaps) expect(gap).toMatchObject({ error: null });

    expect(await c.dispatch('streams:reconnect', { id: 'nope' })).toMatchObject({
      ok: false,
      error: { code: 'not-found', message: expect.stringContaining('No running stream "nope"') },
    });
    expect(await c.dispatch('markets:search', { exchange: 'kraken', query: 'btc' })).toMatchObject({
      ok: false,
      error: { code: 'not-found', message: expect.stringContaining('No exchange "kraken" is configured') },
    });
    expect(await c.dispatch('orderbook:watch', { exchange: 'sim', symbol: 'PEPE/USDT' })).toMatchObject({
      ok: false,
      error: { code: 'not-found', message: 'Simulated exchange has no market "PEPE/USDT"' },
    });
  }, 30_000);
});

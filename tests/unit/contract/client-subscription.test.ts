import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createCore, type Core } from '../../../src/main/core/app';
import {
  ClientSubscription,
  viewedBooks,
  viewedSeries,
} from '../../../src/main/core/contract/client-subscription';
import { silentLogger } from '../../../src/main/core/base/log';
import { MAX_SUBSCRIBED_SERIES } from '../../../src/shared/contract/methods/events';

const candles = (symbol: string, timeframe = '1m') => ({
  series: { exchange: 'binance', symbol, timeframe },
  closed: [],
  forming: null,
  origin: 'live',
});
const ticker = (exchange: string, symbol: string) => ({ exchange, symbol, time: 1, last: 1 });
const book = (symbol: string) => ({ exchange: 'binance', symbol, time: 1, bids: [], asks: [], synced: true });

describe('ClientSubscription', () => {
  it('lets every event through until the client declares', () => {
    const sub = new ClientSubscription();
    expect(sub.wants('candles:updated', candles('BTC/USDT'))).toBe(true);
    expect(sub.wants('ticker:updated', ticker('binance', 'BTC/USDT'))).toBe(true);
    expect(sub.wants('orderbook:updated', book('BTC/USDT'))).toBe(true);
  });

  it('keeps only the declared series, symbols and books of the high-rate events', () => {
    const sub = new ClientSubscription();
    sub.replace({
      candles: [{ exchange: 'binance', symbol: 'BTC/USDT', timeframe: '1h' }],
      tickers: [{ exchange: 'binance', symbol: 'ETH/USDT' }],
      orderbooks: [{ exchange: 'binance', symbol: 'SOL/USDT' }],
    });
    expect(sub.wants('candles:updated', candles('BTC/USDT', '1h'))).toBe(true);
    expect(sub.wants('candles:updated', candles('BTC/USDT', '1m'))).toBe(false);
    expect(sub.wants('candles:updated', candles('ETH/USDT', '1h'))).toBe(false);
    expect(sub.wants('ticker:updated', ticker('binance', 'ETH/USDT'))).toBe(true);
    expect(sub.wants('ticker:updated', ticker('okx', 'ETH/USDT'))).toBe(false);
    expect(sub.wants('orderbook:updated', book('SOL/USDT'))).toBe(true);
    expect(sub.wants('orderbook:updated', book('BTC/USDT'))).toBe(false);
  });

  it('always lets low-rate events through', () => {
    const sub = new ClientSubscription();
    sub.replace({ candles: [], tickers: [], orderbooks: [] });
    expect(sub.wants('app:resumed', { sleptMs: 1, at: 1 })).toBe(true);
    expect(sub.wants('stream:state-changed', { id: 'x' })).toBe(true);
    expect(sub.wants('alert:fired', {})).toBe(true);
    expect(sub.wants('settings:changed', {})).toBe(true);
  });

  it('replaces the previous declaration as a whole', () => {
    const sub = new ClientSubscription();
    sub.replace({
      candles: [{ exchange: 'binance', symbol: 'BTC/USDT', timeframe: '1m' }],
      tickers: [{ exchange: 'binance', symbol: 'BTC/USDT' }],
      orderbooks: [],
    });
    expect(
      sub.replace({
        candles: [{ exchange: 'binance', symbol: 'ETH/USDT', timeframe: '1m' }],
        tickers: [],
        orderbooks: [],
      }),
    ).toEqual({ candles: 1, tickers: 0, orderbooks: 0 });
    expect(sub.wants('candles:updated', candles('BTC/USDT'))).toBe(false);
    expect(sub.wants('candles:updated', candles('ETH/USDT'))).toBe(true);
    expect(sub.wants('ticker:updated', ticker('binance', 'BTC/USDT'))).toBe(false);
  });
});

describe('viewed series and books', () => {
  it('is the union of what clients show, and forgets a client that goes away', () => {
    const views = viewedSeries();
    const seen: string[][] = [];
    views.onChange((keys) => seen.push(keys.map((k) => `${k.symbol} ${k.timeframe}`)));
    const a = new ClientSubscription();
    const b = new ClientSubscription();
    views.set(a, [{ exchange: 'sim', symbol: 'BTC/USDT', timeframe: '1d' }]);
    views.set(b, [
      { exchange: 'sim', symbol: 'BTC/USDT', timeframe: '1d' },
      { exchange: 'sim', symbol: 'ETH/USDT', timeframe: '5m' },
    ]);
    expect(seen.at(-1)).toEqual(['BTC/USDT 1d', 'ETH/USDT 5m']);
    b.close();
    expect(seen.at(-1)).toEqual(['BTC/USDT 1d']);
    views.set(a, []);
    expect(views.all()).toEqual([]);
  });

  it('tells the feed only when the union changes, not on every declaration', () => {
    const books = viewedBooks();
    const seen: string[][] = [];
    books.onChange((refs) => seen.push(refs.map((r) => `${r.exchange} ${r.symbol}`)));
    const a = new ClientSubscription();
    const b = new ClientSubscription();
    books.set(a, [{ exchange: 'sim', symbol: 'BTC/USDT' }]);
    books.set(a, [{ exchange: 'sim', symbol: 'BTC/USDT' }]);
    books.set(b, [{ exchange: 'sim', symbol: 'BTC/USDT' }]);
    expect(seen).toEqual([['sim BTC/USDT']]);
    a.close();
    b.close();
    expect(seen).toEqual([['sim BTC/USDT'], []]);
  });
});

describe('events:subscribe', () => {
  let core: Core | undefined;
  let dir: string | undefined;
  const makeCore = () => {
    dir = mkdtempSync(join(tmpdir(), 'cw-sub-'));
    core = createCore({ dataDir: dir, mode: 'headless', version: '0.0.0-test', log: silentLogger() });
    return core;
  };
  afterEach(async () => {
    await core?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('updates the calling client and counts what it kept (duplicates once)', async () => {
    const client = { subscription: new ClientSubscription() };
    const series = { exchange: 'binance', symbol: 'BTC/USDT', timeframe: '1m' };
    const result = await makeCore().dispatch('events:subscribe', { candles: [series, series] }, client);
    expect(result).toEqual({ ok: true, value: { candles: 1, tickers: 0, orderbooks: 0 } });
    expect(client.subscription.wants('candles:updated', candles('ETH/USDT'))).toBe(false);
  });

  it('streams a series a chart shows while it shows it, without touching the watchlist', async () => {
    const c = makeCore();
    const client = { subscription: new ClientSubscription() };
    const viewed = { exchange: 'sim', symbol: 'BTC/USDT', timeframe: '5m' };
    const ids = async () => {
      const r = await c.dispatch('streams:list', {});
      return r.ok ? (r.value as { id: string }[]).map((s) => s.id) : [];
    };
    const watchlistBefore = await c.dispatch('settings:get', {});
    await c.dispatch('events:subscribe', { candles: [viewed] }, client);
    await expect.poll(ids).toContain('sim|BTC/USDT|5m');
    expect(await c.dispatch('settings:get', {})).toEqual(watchlistBefore);
    // The chart moved on (or the page closed): the stream stops; the watchlist's own streams stay.
    client.subscription.close();
    await expect.poll(ids).not.toContain('sim|BTC/USDT|5m');
    expect(await ids()).toContain('sim|BTC/USDT|1m');
  });

  it('streams the order book and trades a book panel shows while it shows it', async () => {
    const c = makeCore();
    const client = { subscription: new ClientSubscription() };
    const ids = async () => {
      const r = await c.dispatch('streams:list', {});
      return r.ok ? (r.value as { id: string }[]).map((s) => s.id) : [];
    };
    await c.dispatch('events:subscribe', { orderbooks: [{ exchange: 'sim', symbol: 'BTC/USDT' }] }, client);
    await expect.poll(ids).toContain('sim|BTC/USDT|orderbook');
    await expect.poll(ids).toContain('sim|BTC/USDT|trades');
    const sim = { exchange: 'sim', symbol: 'BTC/USDT' };
    expect(client.subscription.wants('orderbook:updated', sim)).toBe(true);
    expect(client.subscription.wants('trades:updated', sim)).toBe(true);
    expect(client.subscription.wants('trades:updated', { ...sim, symbol: 'ETH/USDT' })).toBe(false);
    const tapes: { trades: unknown[] }[] = [];
    c.events.subscribe((event, payload) => {
      if (event === 'trades:updated') tapes.push(payload as { trades: unknown[] });
    });
    await expect.poll(() => tapes.length, { timeout: 10_000 }).toBeGreaterThan(0);
    expect(tapes.at(-1)!.trades.length).toBeGreaterThan(0);
    client.subscription.close();
    await expect.poll(ids).not.toContain('sim|BTC/USDT|orderbook');
    await expect.poll(ids).not.toContain('sim|BTC/USDT|trades');
  });

  it('is refused without a client, and bad or oversized declarations change nothing', async () => {
    const c = makeCore();
    expect(await c.dispatch('events:subscribe', {})).toMatchObject({
      ok: false,
      error: { code: 'unavailable' },
    });
    const client = { subscription: new ClientSubscription() };
    const tooMany = Array.from({ length: MAX_SUBSCRIBED_SERIES + 1 }, (_, i) => ({
      exchange: 'binance',
      symbol: `S${i}/USDT`,
      timeframe: '1m',
    }));
    for (const bad of [
      { candles: tooMany },
      { candles: [{ exchange: 'binance', symbol: 'BTC/USDT', timeframe: '7q' }] },
      { tickers: [{ exchange: 'binance', symbol: 'BTC/USDT', extra: 1 }] },
      { everything: true },
    ]) {
      expect(await c.dispatch('events:subscribe', bad, client)).toMatchObject({
        ok: false,
        error: { code: 'invalid-input' },
      });
    }
    expect(client.subscription.wants('candles:updated', candles('BTC/USDT'))).toBe(true);
  });
});

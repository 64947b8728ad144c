import ccxt from 'ccxt';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Candle } from '../../../src/shared/domain/market';
import { startFakeExchange, type FakeExchange } from '../../support/fake-exchange';
import { OpenClients, type Binance } from './ccxt-clients';

let fake: FakeExchange;
const clients = new OpenClients();
const newExchange = () => clients.binance(fake.ccxtConfig());

/** Runs a watch loop, keeping the last value ccxt gave for each candle, until `done` says so. */
async function watchCandles(
  exchange: Binance,
  symbol: string,
  timeframe: string,
  done: (candles: Map<number, Candle>) => boolean,
): Promise<Map<number, Candle>> {
  const candles = new Map<number, Candle>();
  while (!done(candles)) {
    for (const candle of await exchange.watchOHLCV(symbol, timeframe)) {
      candles.set(candle[0]!, candle as Candle);
    }
  }
  return candles;
}

beforeAll(async () => {
  fake = await startFakeExchange({ updateIntervalMs: 100, seed: 3 });
});

afterEach(() => clients.closeAll());

afterAll(async () => {
  await fake.close();
});

describe('ccxt.pro against the fake exchange over WebSocket', () => {
  it('watchOHLCV 1s: every closed candle ccxt holds equals the truth', async () => {
    const exchange = newExchange();
    const candles = await watchCandles(exchange, 'BTC/USDT', '1s', (seen) => seen.size >= 4);
    const times = [...candles.keys()].sort((a, b) => a - b);
    // All but the newest have closed: ccxt's last value for them is the x:true frame.
    const closed = times.slice(0, -1).map((time) => candles.get(time));
    expect(closed).toEqual(fake.truth('BTC/USDT', '1s', times[0]!, times[times.length - 2]!));
    expect(fake.wsStats().subscriptions).toEqual(['btcusdt@kline_1s']);
  });

  it('watchOHLCV 1m: the forming candle changes as seconds complete', async () => {
    const exchange = newExchange();
    const values = new Set<string>();
    const candles = await watchCandles(exchange, 'ETH/USDT', '1m', (seen) => {
      for (const candle of seen.values()) values.add(JSON.stringify(candle));
      return values.size >= 3;
    });
    const [openTime] = [...candles.keys()];
    expect(openTime! % 60_000).toBe(0);
    expect(values.size).toBeGreaterThanOrEqual(3);
  });

  it('watchTicker with { name: "ticker" } has bid and ask; the default mini ticker has none', async () => {
    const exchange = newExchange();
    const full = await exchange.watchTicker('SOL/USDT', { name: 'ticker' });
    expect(full.bid).toBeGreaterThan(0);
    expect(full.ask).toBeGreaterThan(full.bid!);
    expect(full.last).toBeGreaterThan(0);
    const mini = await exchange.watchTicker('ETH/USDT');
    expect(mini.last).toBeGreaterThan(0);
    expect(mini.bid).toBeUndefined();
    expect(fake.wsStats().subscriptions).toEqual(['ethusdt@miniTicker', 'solusdt@ticker']);
  });

  it('watchOrderBook stays in sync with the REST snapshot', async () => {
    const exchange = newExchange();
    let book = await exchange.watchOrderBook('BTC/USDT');
    const firstNonce = book.nonce!;
    for (let i = 0; i < 5; i++) book = await exchange.watchOrderBook('BTC/USDT');
    expect(book.nonce!).toBeGreaterThan(firstNonce);
    // Catch ccxt's book and a fresh snapshot at the same update id, then compare them whole.
    for (let attempt = 0; attempt < 50; attempt++) {
      book = await exchange.watchOrderBook('BTC/USDT');
      const snapshot = (await (
        await fetch(`${fake.restUrl}/api/v3/depth?symbol=BTCUSDT&limit=1000`)
      ).json()) as {
        lastUpdateId: number;
        bids: [string, string][];
        asks: [string, string][];
      };
      if (snapshot.lastUpdateId !== book.nonce) continue;
      const numbers = (levels: [string, string][]): number[][] =>
        levels.map(([p, q]) => [Number(p), Number(q)]);
      expect(book.bids.map(([p, q]) => [p, q])).toEqual(numbers(snapshot.bids));
      expect(book.asks.map(([p, q]) => [p, q])).toEqual(numbers(snapshot.asks));
      return;
    }
    throw new Error('never caught ccxt and the REST snapshot at the same update id');
  });

  it('a symbol that is not listed is a clear error, before any subscription', async () => {
    const exchange = newExchange();
    await expect(exchange.watchOHLCV('XRP/USDT', '1m')).rejects.toThrow(ccxt.BadSymbol);
    await expect(exchange.watchOHLCV('XRP/USDT', '1m')).rejects.toThrow(/XRP\/USDT/);
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultSettings } from '../../../src/shared/domain/settings';
import type { OrderBook, Ticker } from '../../../src/shared/domain/market';
import { startFakeExchange, type FakeExchange } from '../../support/fake-exchange';
import { idOf, startEngine, until } from './engine-harness';

let fake: FakeExchange;
const symbols = Array.from({ length: 40 }, (_, i) => `T${String(i).padStart(3, '0')}/USDT`);

beforeAll(async () => {
  fake = await startFakeExchange({
    symbols: ['BTC/USDT', 'ETH/USDT', ...symbols],
    updateIntervalMs: 200,
    seed: 3,
  });
});

afterAll(async () => {
  await fake.close();
});

describe('subscriptions at run time, tickers and order books (real ccxt, fake Binance)', () => {
  it('starts 80 candle streams with a few SUBSCRIBE messages: new subscriptions go out in batches', async () => {
    const before = fake.wsStats().subscribeRequests.length;
    const { feed, ready } = startEngine(
      fake,
      symbols.map((symbol) => ({ exchange: 'binance', symbol, timeframes: ['1m', '5m'] })),
      // The app's default: the harness's 3 s would call streams stale while a loaded machine is
      // still dialling, and drop the socket their batch went out on.
      30_000,
    );
    await ready;
    try {
      await until(
        '80 candle streams live',
        () => feed.list().filter((s) => s.kind === 'candles' && s.state === 'live').length === 80,
        45_000,
      );
      // One SUBSCRIBE per stream would take 20 s: ccxt paces a socket's messages to Binance's 5 a
      // second. How fast they start is `npm run bench -- engine` ("time until all were live").
      const klines = fake
        .wsStats()
        .subscribeRequests.slice(before)
        .filter((names) => names.some((name) => name.includes('@kline_')));
      expect(new Set(klines.flat().filter((name) => name.includes('@kline_'))).size).toBe(80);
      // Streams reaching the 50 ms batch window at different moments of a loaded machine may make a
      // few batches; one per stream would be 80.
      expect(klines.length).toBeLessThanOrEqual(16);
    } finally {
      await feed.stop();
    }
  });

  it('subscribes and unsubscribes as the watchlist changes, without disturbing the others', async () => {
    const { feed, ready } = startEngine(fake, [
      { exchange: 'binance', symbol: 'BTC/USDT', timeframes: ['1s'] },
      { exchange: 'binance', symbol: 'ETH/USDT', timeframes: ['1s'] },
    ]);
    await ready;
    try {
      await until('both live', () => feed.list().filter((s) => s.state === 'live').length === 4);
      expect(fake.wsStats().subscriptions).toEqual(
        expect.arrayContaining(['btcusdt@kline_1s', 'ethusdt@kline_1s', 'btcusdt@ticker', 'ethusdt@ticker']),
      );
      await feed.applySettings({
        ...defaultSettings(),
        exchanges: { binance: { enabled: true, sandbox: false, ccxt: fake.ccxtJsonConfig() } },
        watchlist: [{ exchange: 'binance', symbol: 'BTC/USDT', timeframes: ['1s', '1m'] }],
      });
      await until('BTC 1m live', () =>
        feed.list().some((s) => s.id === idOf('BTC/USDT', '1m') && s.state === 'live'),
      );
      await until(
        'ETH unsubscribed at the exchange',
        () => !fake.wsStats().subscriptions.some((s) => s.startsWith('ethusdt')),
      );
      expect(feed.list().map((s) => s.id)).toEqual([
        idOf('BTC/USDT', '1m'),
        idOf('BTC/USDT', '1s'),
        'binance|BTC/USDT|ticker',
      ]);
      expect(feed.list().find((s) => s.id === idOf('BTC/USDT', '1s'))).toMatchObject({
        state: 'live',
        reconnects: 0,
      });
    } finally {
      await feed.stop();
    }
  });

  it('streams tickers with bid/ask, and marks the book unsynced until ccxt resnapshots it after a gap', async () => {
    const { feed, ready } = startEngine(fake, [
      { exchange: 'binance', symbol: 'ETH/USDT', timeframes: ['1m'] },
    ]);
    const tickers: Ticker[] = [];
    const books: OrderBook[] = [];
    feed.onTicker((t) => tickers.push(t));
    feed.onBook((b) => books.push(b));
    await ready;
    try {
      await feed.watchBook('binance', 'ETH/USDT', 5);
      await until('a synced book', () => books.some((b) => b.synced));
      await until('a ticker', () => tickers.length > 0);
      expect(tickers.at(-1)).toMatchObject({ exchange: 'binance', symbol: 'ETH/USDT' });
      expect(tickers.at(-1)!.bid!).toBeLessThan(tickers.at(-1)!.ask!);
      expect(books.at(-1)!.bids).toHaveLength(5);
      // A stall loses depth diffs: ccxt sees a sequence gap and throws; the book is resnapshotted.
      const gapAt = books.length;
      fake.faults.stall(1_500);
      await until('the book marked unsynced', () => books.slice(gapAt).some((b) => !b.synced), 10_000);
      const unsyncedAt = books.findIndex((b, i) => i >= gapAt && !b.synced);
      await until('the book synced again', () => books.slice(unsyncedAt).some((b) => b.synced), 10_000);
      const book = feed.list().find((s) => s.id === 'binance|ETH/USDT|orderbook')!;
      expect(book.state).toBe('live');
      expect(feed.errors(book.id).map((e) => e.kind)).toContain('checksum');
    } finally {
      await feed.stop();
    }
  });
});

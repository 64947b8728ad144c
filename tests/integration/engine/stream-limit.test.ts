import ccxt from 'ccxt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeExchange, type FakeExchange } from '../../support/fake-exchange';
import { MAX_STREAMS_PER_CONNECTION } from '../../support/fake-exchange/market-streams';
import { startEngine, until } from './engine-harness';

/** 370 symbols × 3 timeframes: 1,110 candle streams on one exchange, past Binance's 1,024 a socket. */
const symbols = Array.from({ length: 370 }, (_, i) => `T${String(i).padStart(3, '0')}/USDT`);
const TIMEFRAMES = ['1m', '5m', '1h'];
const STREAMS = symbols.length * TIMEFRAMES.length;
/** generous: a loaded CI machine starts 1,110 streams and their warm-up calls slowly */
const START_TIMEOUT_MS = 180_000;

let fake: FakeExchange;

beforeAll(async () => {
  fake = await startFakeExchange({ symbols, updateIntervalMs: 2_000, seed: 11, historyMs: 86_400_000 });
});

afterAll(async () => {
  await fake.close();
});

describe('more candle streams than one Binance socket takes (real ccxt, fake Binance)', () => {
  it(
    'the fake closes a socket asked for more than 1,024 streams, as Binance does',
    async () => {
      // Plain ccxt puts every candle subscription on one socket (pro/binance.js 'multipleOHLCV').
      const ex = new ccxt.pro.binance(fake.ccxtConfig());
      try {
        await ex.loadMarkets();
        const pairs = symbols.flatMap((s) => TIMEFRAMES.map((tf) => [s, tf]));
        for (let i = 0; i < pairs.length; i += 200)
          void ex.watchOHLCVForSymbols(pairs.slice(i, i + 200)).catch(() => {});
        // loading 370 markets and sending 1,110 subscriptions took over 20 s once on a loaded machine
        await until(
          'the socket closed for too many streams',
          () => fake.wsStats().streamLimitHits > 0,
          START_TIMEOUT_MS,
        );
      } finally {
        await ex.close();
      }
    },
    START_TIMEOUT_MS + 30_000,
  );

  it(
    'spreads 1,110 candle streams over sockets within the limit, and every one goes live',
    async () => {
      const hitsBefore = fake.wsStats().streamLimitHits;
      const { feed, ready } = startEngine(
        fake,
        symbols.map((symbol) => ({ exchange: 'binance', symbol, timeframes: TIMEFRAMES })),
        60_000,
      );
      await ready;
      try {
        await until(
          `${STREAMS} candle streams live`,
          () => feed.list().filter((s) => s.kind === 'candles' && s.state === 'live').length === STREAMS,
          START_TIMEOUT_MS,
        );
        const stats = fake.wsStats();
        expect(stats.streamLimitHits).toBe(hitsBefore);
        expect(Math.max(...stats.streamsPerConnection)).toBeLessThanOrEqual(MAX_STREAMS_PER_CONNECTION);
        const candleStreams = stats.subscriptions.filter((s) => s.includes('@kline_'));
        expect(new Set(candleStreams).size).toBe(STREAMS);
      } finally {
        await feed.stop();
      }
    },
    START_TIMEOUT_MS + 30_000,
  );
});

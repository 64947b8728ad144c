import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startFakeExchange, type FakeExchange } from '../../support/fake-exchange';
import { LiveCore } from '../signals/live-core';

/**
 * Endless scroll-back against the fake Binance with the real ccxt: candles older than the store
 * are fetched over REST, stored through the writer, and equal the exchange's, down to its first
 * candle ("start of the exchange's history"); a rate limit is a plain answer with nothing lost.
 */
const series = { exchange: 'binance', symbol: 'BTC/USDT', timeframe: '1m' };
const DAY = 86_400_000;

let fake: FakeExchange;
let live: LiveCore;

beforeAll(async () => {
  fake = await startFakeExchange({
    symbols: ['BTC/USDT'],
    seed: 5,
    updateIntervalMs: 250,
    historyMs: 2 * DAY,
  });
  live = new LiveCore(fake, [{ exchange: 'binance', symbol: 'BTC/USDT', timeframes: ['1m'] }]);
  // The stream's warm-up (500 candles) is stored: scroll-back starts where it ends.
  await vi.waitFor(
    async () =>
      expect((await live.call('candles:history', { series, last: 10 })).stored?.count).toBeGreaterThan(400),
    { timeout: 30_000, interval: 100 },
  );
});

afterAll(async () => {
  await live?.dispose();
  await fake?.close();
});

const klineRequests = () => fake.restLog().filter((e) => e.path === '/api/v3/klines').length;
/** the oldest closed candle held: stored, or queued for the writer's next transaction */
const oldestHeld = async () => (await live.call('candles:history', { series, last: 20_000 })).candles[0]![0];

describe('candles:fetch-older on the fake Binance', () => {
  it('answers a rate limit in plain words, keeps nothing half-done, and succeeds on a retry', async () => {
    const before = await oldestHeld();
    // Two 429s (Retry-After 1 s): whoever meets the second, the first is this call's first request.
    fake.faults.restStatus(429, 2, { retryAfterSec: 1 });
    const limited = await live.call('candles:fetch-older', { series, limit: 300 });
    expect(limited.candles).toEqual([]);
    expect(limited.error).toMatchObject({
      kind: 'rate-limited',
      message: expect.stringContaining('limiting requests'),
    });
    expect(limited.exchangeName).toBe('Binance');
    expect(await oldestHeld()).toBe(before);
    // A retry once the window is over (the second 429 may meet it too: retried until it passes).
    await vi.waitFor(
      async () => {
        const retried = await live.call('candles:fetch-older', { series, limit: 300 });
        expect(retried.error).toBeNull();
      },
      { timeout: 20_000, interval: 500 },
    );
  });

  it("stores exactly the exchange's older candles, without duplicates, down to its first one", async () => {
    const before = await oldestHeld();
    const page = await live.call('candles:fetch-older', { series, limit: 1_000 });
    expect(page.end).toBeNull();
    expect(page.candles).toHaveLength(1_000);
    expect(page.candles).toEqual(fake.truth('BTC/USDT', '1m', page.candles[0]![0], before - 1));

    // The rest, to the fake's first candle (the UTC midnight at or before its start - 2 days).
    const rest = await live.call('candles:fetch-older', { series, limit: 5_000 });
    const truth = fake.truth('BTC/USDT', '1m', 0, page.candles[0]![0] - 1);
    const listed = truth[0]![0];
    expect(listed % DAY).toBe(0);
    expect(rest.end).toBe('exchange');
    expect(rest.candles).toEqual(truth);

    // Nothing older: said again without asking the exchange.
    const requests = klineRequests();
    expect(await live.call('candles:fetch-older', { series, limit: 100 })).toMatchObject({
      candles: [],
      end: 'exchange',
      error: null,
    });
    expect(klineRequests()).toBe(requests);

    // On disk: every closed candle from the first one on, equal to the exchange's, each once.
    await vi.waitFor(
      async () => {
        const stats = await live.call('store:stats', {});
        expect(stats.writer.pending).toBe(0);
        expect(stats.writer.anomalies).toBe(0);
      },
      { timeout: 15_000, interval: 100 },
    );
    const stored = await live.call('candles:history', { series, from: listed, to: Date.now() });
    const times = stored.candles.map((c) => c[0]);
    expect(new Set(times).size).toBe(times.length);
    expect(stored.stored).toMatchObject({ first: listed, count: expect.any(Number) });
    expect(stored.stored!.count).toBeGreaterThanOrEqual(times.length - 1);
    expect(stored.candles).toEqual(fake.truth('BTC/USDT', '1m', listed, times.at(-1)!));
  });
});

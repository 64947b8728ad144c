import ccxt from 'ccxt';
import { afterAll, describe, expect, it } from 'vitest';
import type { Candle } from '../../../src/shared/domain/market';
import { alignTime } from '../../../src/shared/timeframe';
import { startFakeExchange, type FakeExchange } from '../../support/fake-exchange';

const started: FakeExchange[] = [];

async function start(opts: Parameters<typeof startFakeExchange>[0]): Promise<FakeExchange> {
  const fake = await startFakeExchange(opts);
  started.push(fake);
  return fake;
}

afterAll(async () => {
  await Promise.all(started.map((fake) => fake.close()));
});

describe('the ground truth', () => {
  it('is deterministic per seed and differs between seeds and symbols', async () => {
    const a = await start({ seed: 42 });
    const b = await start({ seed: 42 });
    const c = await start({ seed: 43 });
    const to = alignTime(Date.now() - 120_000, '1m');
    const from = to - 3_600_000;
    expect(a.truth('BTC/USDT', '1m', from, to)).toHaveLength(61);
    expect(a.truth('BTC/USDT', '1m', from, to)).toEqual(b.truth('BTC/USDT', '1m', from, to));
    expect(a.truth('BTC/USDT', '1m', from, to)).not.toEqual(c.truth('BTC/USDT', '1m', from, to));
    expect(a.truth('ETH/USDT', '1m', from, to)).not.toEqual(a.truth('BTC/USDT', '1m', from, to));
  });

  it('keeps candles on the tick and step grid with high ≥ open, close ≥ low', async () => {
    const fake = await start({ seed: 1, symbols: ['BTC/USDT', 'DOGE/USDT'] });
    const now = Date.now();
    for (const symbol of ['BTC/USDT', 'DOGE/USDT']) {
      const decimals = symbol === 'BTC/USDT' ? [2, 5] : [4, 2];
      for (const [, o, h, l, c, v] of fake.truth(symbol, '1m', now - 6 * 3_600_000, now)) {
        expect(h).toBeGreaterThanOrEqual(Math.max(o, c));
        expect(l).toBeLessThanOrEqual(Math.min(o, c));
        expect(l).toBeGreaterThan(0);
        expect(v).toBeGreaterThan(0);
        for (const price of [o, h, l, c]) expect(Number(price.toFixed(decimals[0]))).toBe(price);
        expect(Number(v.toFixed(decimals[1]))).toBe(v);
      }
    }
  });

  it('starts at the UTC midnight before now - historyMs: nothing exists before it', async () => {
    const fake = await start({ historyMs: 3 * 86_400_000 });
    const start3 = alignTime(Date.now() - 3 * 86_400_000, '1d');
    const days = fake.truth('BTC/USDT', '1d', 0, Date.now());
    expect(days[0]![0]).toBe(start3);
    expect(fake.truth('BTC/USDT', '1m', 0, start3 - 60_000)).toEqual([]);
    expect(() => fake.truth('XRP/USDT', '1m', 0, 1)).toThrow(/not listed/);
    expect(() => fake.truth('BTC/USDT', '7m', 0, 1)).toThrow(/no 7m klines/);
  });

  // A year (525,600 candles, 527 pages) works the same way and took 32 s here through ccxt with its
  // rate limiter off (3 s of it computing the series); 30 days keeps the suite light on a shared CPU.
  it('serves 30 days of 1m history, paginated through the real ccxt, equal to truth()', async () => {
    const fake = await start({ symbols: ['BTC/USDT'], historyMs: 30 * 86_400_000 });
    const exchange = new ccxt.pro.binance({ ...fake.ccxtConfig(), enableRateLimit: false });
    const first = alignTime(Date.now() - 30 * 86_400_000, '1d');
    const fetched: Candle[] = [];
    let since = first;
    for (;;) {
      const page = (await exchange.fetchOHLCV('BTC/USDT', '1m', since, 1000)) as Candle[];
      fetched.push(...page);
      if (page.length < 1000) break;
      since = page[page.length - 1]![0] + 60_000;
    }
    await exchange.close();
    const closed = fetched.slice(0, -1);
    expect(closed.length).toBeGreaterThanOrEqual(30 * 1440);
    expect(closed).toEqual(fake.truth('BTC/USDT', '1m', first, closed[closed.length - 1]![0]));
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../../src/main/core/base/clock';
import { silentLogger } from '../../../src/main/core/base/log';
import { createCcxtExchange } from '../../../src/main/core/exchange/ccxt-factory';
import { CcxtSource } from '../../../src/main/core/exchange/ccxt-source';
import type { Trade } from '../../../src/shared/domain/market';
import { startFakeExchange, type FakeExchange } from '../../support/fake-exchange';

/**
 * The book panel's trades tape through our exchange layer: real ccxt.pro's Binance watchTrades
 * against the fake's `@trade` stream, one trade per second that traded, priced at its close.
 */
let fake: FakeExchange;
let source: CcxtSource;

beforeAll(async () => {
  fake = await startFakeExchange({ symbols: ['BTC/USDT'], updateIntervalMs: 250 });
  const ex = createCcxtExchange('binance', { enabled: true, sandbox: false, ccxt: fake.ccxtJsonConfig() });
  source = new CcxtSource('binance', ex, false, { clock: systemClock, log: silentLogger() });
  await source.loadMarkets();
});

afterAll(async () => {
  await source?.close();
  await fake?.close();
});

describe('CcxtSource trades (Binance protocol)', () => {
  it('hands over each new trade once, oldest first, at the price the exchange traded', async () => {
    expect(source.capabilities().websocketTrades).toBe(true);
    const seen: Trade[] = [];
    while (seen.length < 3) seen.push(...(await source.watchTrades('BTC/USDT')).trades);
    const times = seen.map((t) => t.time);
    expect(times).toEqual([...new Set(times)].sort((a, b) => a - b));
    for (const t of seen) {
      const second = Math.floor(t.time / 1000) * 1000;
      const [candle] = fake.truth('BTC/USDT', '1s', second, second);
      expect(t.price).toBe(candle![4]);
      expect(t.amount).toBeGreaterThan(0);
      expect(['buy', 'sell']).toContain(t.side);
    }
    expect(fake.wsStats().subscriptions).toContain('btcusdt@trade');
    await source.unwatchTrades('BTC/USDT');
  });
});

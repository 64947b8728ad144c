import { afterEach, describe, expect, it } from 'vitest';
import { startFakeBybit, type FakeBybit } from '../../support/fake-exchange/protocols/bybit';
import { ExchangeClients, until } from './source-fixture';

const clients = new ExchangeClients();
const fakes: FakeBybit[] = [];

afterEach(async () => {
  await clients.closeAll();
  await Promise.all(fakes.splice(0).map((fake) => fake.close()));
});

describe('Bybit spot subscriptions through our CcxtSource, real ccxt.pro.bybit', () => {
  it('more candle streams started together than one subscribe request may name all go live', async () => {
    // Bybit spot refuses a subscribe request of more than 10 args whole (fake: bybit-streams.ts).
    const symbols = Array.from({ length: 23 }, (_, i) => `C${String(i).padStart(3, '0')}/USDT`);
    const fake = await startFakeBybit({ symbols, updateIntervalMs: 200 });
    fakes.push(fake);
    const { source } = clients.source(fake);
    await source.loadMarkets();
    const delivered = new Set<string>();
    let stopped = false;
    const loops = symbols.map(async (symbol) => {
      while (!stopped && !delivered.has(symbol)) {
        try {
          const batch = await source.watchCandles(symbol, '1m', undefined);
          if (batch.candles.length > 0) delivered.add(symbol);
        } catch {
          // a refused batch: the stream watches again, as CandleStream retries (after a pause)
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
      }
    });
    try {
      await until('every stream delivered a candle', () => delivered.size === symbols.length, 30_000);
    } finally {
      stopped = true;
    }
    await Promise.allSettled(loops);
    expect(fake.wsStats().subscriptions.filter((s) => s.startsWith('spot:kline.1.'))).toHaveLength(
      symbols.length,
    );
  });
});

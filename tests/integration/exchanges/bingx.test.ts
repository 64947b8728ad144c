import ccxt from 'ccxt';
import { afterEach, describe, expect, it } from 'vitest';
import { MarketDataError, classifyError } from '../../../src/main/core/base/classify-error';
import { bingxProtocol } from '../../support/fake-exchange/protocols/bingx';
import { startProtocolFake, type ProtocolFake } from '../../support/fake-exchange/protocols/protocol-server';
import { ExchangeClients, MovableClock, ohlcvCache, until } from './source-fixture';

const clients = new ExchangeClients();
const fakes: ProtocolFake[] = [];
const start = async (opts: Parameters<typeof startProtocolFake>[1] = {}) => {
  const fake = await startProtocolFake(bingxProtocol, {
    symbols: ['BTC/USDT'],
    updateIntervalMs: 200,
    ...opts,
  });
  fakes.push(fake);
  return fake;
};

afterEach(async () => {
  await clients.closeAll();
  await Promise.all(fakes.splice(0).map((fake) => fake.close()));
});

describe('BingX against its fake, real ccxt.pro.bingx', () => {
  it('spot and swap candles over REST and the gzip socket equal the ground truth', async () => {
    const fake = await start();
    const ex = clients.raw(fake);
    await ex.loadMarkets();
    expect(ex.markets?.['BTC/USDT']?.spot).toBe(true);
    expect(ex.markets?.['BTC/USDT:USDT']?.swap).toBe(true);
    for (const symbol of ['BTC/USDT', 'BTC/USDT:USDT']) {
      const rows = await ex.fetchOHLCV(symbol, '1m', Date.now() - 10 * 60_000, 8);
      const closed = rows.slice(0, -1);
      expect(closed, symbol).toEqual(fake.truth(symbol, '1m', closed[0]![0]!, closed.at(-1)![0]!));
      const live = await ex.watchOHLCV(symbol, '1m');
      // The swap push stamps the bar with "T", which is its open time: the same bar as REST.
      const latest = await ex.fetchOHLCV(symbol, '1m', undefined, 2);
      expect(
        latest.map((c) => c[0]),
        symbol,
      ).toContain(live.at(-1)![0]);
    }
  });

  it("ccxt loses a bar's final values when they and the next bar's first push land between two calls; our source keeps them", async () => {
    const clock = new MovableClock();
    const fake = await start({ now: clock.now });
    const raw = clients.raw(fake);
    const { source, ex } = clients.source(fake);
    await raw.loadMarkets();
    await source.loadMarkets();
    clock.toMinuteEnd(2_500);
    const symbol = 'BTC/USDT';
    const rawFirst = await raw.watchOHLCV(symbol, '1m');
    const first = await source.watchCandles(symbol, '1m', undefined);
    const bar = first.candles.at(-1)![0];
    expect(rawFirst.at(-1)![0]).toBe(bar);
    const next = bar + 60_000;
    // Nobody calls watch while the boundary passes: the final push of `bar` and the first of `next`
    // both arrive in between, as they do under load.
    await until('both clients to receive the next bar', () =>
      [raw, ex].every((e) => ohlcvCache(e, symbol, '1m').some((c) => c[0] === next)),
    );

    // ccxt 4.5.84 as is: its cache was replaced by a one-candle cache on every message.
    expect(ohlcvCache(raw, symbol, '1m').map((c) => c[0])).toEqual([next]);
    expect((await raw.watchOHLCV(symbol, '1m')).map((c) => c[0])).toEqual([next]);

    // Our source: the bar's final values, equal to the exchange's closed candle, then the next bar.
    const batch = await source.watchCandles(symbol, '1m', bar);
    expect(batch.candles.map((c) => c[0])).toEqual([bar, next]);
    expect(batch.candles[0]).toEqual(fake.truth(symbol, '1m', bar, bar)[0]);
  });

  it('a rate-limit reply (100410) is a rate limit that pauses REST, not an OperationFailed', async () => {
    const fake = await start();
    const raw = clients.raw(fake);
    const { source } = clients.source(fake);
    await raw.loadMarkets();
    await source.loadMarkets();
    fake.faults.rateLimit(1);
    await expect(raw.fetchOHLCV('BTC/USDT', '1m')).rejects.toThrow(ccxt.OperationFailed);

    fake.faults.rateLimit(1);
    const failure = await source
      .fetchCandles('BTC/USDT', '1m', Date.now() - 300_000, 5, 0)
      .catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(MarketDataError);
    expect(classifyError(failure).kind).toBe('rate-limited');
    expect(source.restBlockedForMs()).toBeGreaterThan(0);
  });

  it('a binary frame that is not gzip fails the pending watch as malformed; the next watch reconnects', async () => {
    const fake = await start();
    const { source } = clients.source(fake);
    await source.loadMarkets();
    const before = await source.watchCandles('BTC/USDT:USDT', '1m', undefined);
    const pending = source.watchCandles('BTC/USDT:USDT', '1m', undefined).catch((e: unknown) => e);
    fake.faults.sendMalformedFrame();
    const failure = await pending;
    expect(classifyError(failure).kind).toBe('malformed');
    const after = await source.watchCandles('BTC/USDT:USDT', '1m', undefined);
    expect(after.connection).not.toBe(before.connection);
    expect(after.candles.length).toBeGreaterThan(0);
  });

  it('a stall that still answers pings is not noticed by ccxt; reconnecting the symbol drops its socket', async () => {
    const fake = await start();
    const { source } = clients.source(fake);
    await source.loadMarkets();
    const spot = await source.watchCandles('BTC/USDT', '1m', undefined);
    fake.faults.stall(2_000);
    const pending = source.watchCandles('BTC/USDT', '1m', undefined).catch((e: unknown) => e);
    // What the stale watchdog does: BingX names its subscriptions 'BTC-USDT@kline_1min', so the
    // socket is found by market id and interval name, not by the unified symbol.
    source.reconnect('BTC/USDT');
    expect(classifyError(await pending).kind).toBe('network');
    const after = await source.watchCandles('BTC/USDT', '1m', undefined);
    expect(after.connection).not.toBe(spot.connection);
  });
});

import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { systemClock } from '../../../src/main/core/base/clock';
import { silentLogger } from '../../../src/main/core/base/log';
import { createCcxtExchange } from '../../../src/main/core/exchange/ccxt-factory';
import { CcxtSource } from '../../../src/main/core/exchange/ccxt-source';
import { startFakeExchange, type FakeExchange } from '../../support/fake-exchange';
import { until } from '../exchanges/source-fixture';

/**
 * A candle stream's subscription counts as waiting its turn (its stale clock not started) until
 * real ccxt.pro's Binance sends the SUBSCRIBE that carries it (pending-subscriptions.ts): while the
 * socket still connects, nothing has been asked of the exchange.
 */
let fake: FakeExchange | undefined;
let source: CcxtSource | undefined;
let hanging: Server | undefined;
const accepted: Socket[] = [];

afterEach(async () => {
  await source?.close();
  await fake?.close();
  for (const socket of accepted.splice(0)) socket.destroy();
  await new Promise<void>((resolve) => (hanging ? hanging.close(() => resolve()) : resolve()));
  [source, fake, hanging] = [undefined, undefined, undefined];
});

function sourceFor(config: Record<string, unknown>): CcxtSource {
  const ex = createCcxtExchange('binance', { enabled: true, sandbox: false, ccxt: config });
  return new CcxtSource('binance', ex, false, { clock: systemClock, log: silentLogger() });
}

describe('CcxtSource: subscriptions still waiting their turn (Binance protocol)', () => {
  it('a subscription whose socket never finishes its handshake stays waiting', async () => {
    fake = await startFakeExchange({ symbols: ['BTC/USDT'], updateIntervalMs: 250 });
    // accepts the TCP connection and never answers the WebSocket upgrade
    const server = createServer((socket) => accepted.push(socket));
    hanging = server;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const config = fake.ccxtJsonConfig() as { urls: { api: { ws: Record<string, string> } } };
    config.urls.api.ws['spot'] = `ws://127.0.0.1:${port}/stream/ws`;
    // ccxt's own connection timeout (10 s) would end the wait on a loaded machine before we look
    Object.assign(config, { streaming: { connectionTimeout: 600_000 } });
    const src = sourceFor(config);
    source = src;
    await src.loadMarkets();
    expect(src.subscriptionWaitingSince('candles', 'BTC/USDT', '1m')).toBeNull();
    void src.watchCandles('BTC/USDT', '1m', undefined).catch(() => {});
    await until('the socket reached the server', () => accepted.length > 0);
    expect(src.subscriptionWaitingSince('candles', 'BTC/USDT', '1m')).toEqual(expect.any(Number));
    expect(src.subscriptionWaitingSince('candles', 'ETH/USDT', '1m')).toBeNull();
  });

  it('is no longer waiting once the SUBSCRIBE went out', async () => {
    const venue = await startFakeExchange({ symbols: ['BTC/USDT'], updateIntervalMs: 250 });
    fake = venue;
    const src = sourceFor(venue.ccxtJsonConfig());
    source = src;
    await src.loadMarkets();
    void src.watchCandles('BTC/USDT', '1m', undefined).catch(() => {});
    await until('the fake received the SUBSCRIBE', () =>
      venue.wsStats().subscribeRequests.some((names) => names.includes('btcusdt@kline_1m')),
    );
    expect(src.subscriptionWaitingSince('candles', 'BTC/USDT', '1m')).toBeNull();
  });
});

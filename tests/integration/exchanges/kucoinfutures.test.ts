import { WebSocket } from 'ws';
import { afterEach, describe, expect, it } from 'vitest';
import { classifyError } from '../../../src/main/core/base/classify-error';
import { kucoinFuturesProtocol } from '../../support/fake-exchange/protocols/kucoinfutures';
import { startProtocolFake, type ProtocolFake } from '../../support/fake-exchange/protocols/protocol-server';
import { ExchangeClients, MovableClock, ohlcvCache, until } from './source-fixture';

const clients = new ExchangeClients();
const fakes: ProtocolFake[] = [];
const start = async (opts: Parameters<typeof startProtocolFake>[1] = {}) => {
  const fake = await startProtocolFake(kucoinFuturesProtocol, {
    symbols: ['BTC/USDT'],
    updateIntervalMs: 200,
    ...opts,
  });
  fakes.push(fake);
  return fake;
};
const symbol = 'BTC/USDT:USDT';

afterEach(async () => {
  await clients.closeAll();
  await Promise.all(fakes.splice(0).map((fake) => fake.close()));
});

/** Opens a raw socket and collects its JSON messages. */
function rawSocket(url: string): Promise<{ ws: WebSocket; messages: Record<string, unknown>[] }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url);
    const messages: Record<string, unknown>[] = [];
    ws.on('message', (data) => messages.push(JSON.parse(String(data)) as Record<string, unknown>));
    ws.once('open', () => resolve({ ws, messages }));
    ws.once('error', reject);
  });
}

describe('KuCoin Futures against its fake, real ccxt.pro.kucoinfutures', () => {
  it('the socket url comes from the bullet token handshake; a socket without the token is refused', async () => {
    const fake = await start();
    const ex = clients.raw(fake);
    await ex.watchOHLCV(symbol, '1m');
    const paths = fake.restLog().map((e) => `${e.method} ${e.path}`);
    expect(paths).toContain('POST /api/v1/bullet-public');
    await expect(rawSocket(`${fake.wsBase}/kucoin-futures/endpoint?connectId=x`)).rejects.toThrow(/404/);

    // With the token: welcome first, then the JSON heartbeat answers with the ping's id.
    const bullet = (await (
      await fetch(`${fake.restUrl}/api/v1/bullet-public`, { method: 'POST' })
    ).json()) as {
      data: { token: string; instanceServers: { endpoint: string; pingInterval: number }[] };
    };
    const server = bullet.data.instanceServers[0]!;
    expect(server.pingInterval).toBeGreaterThan(0);
    const { ws, messages } = await rawSocket(`${server.endpoint}?token=${bullet.data.token}&connectId=c1`);
    ws.send(JSON.stringify({ id: '42', type: 'ping' }));
    await until('the pong', () => messages.some((m) => m['type'] === 'pong'));
    expect(messages[0]).toEqual({ id: 'c1', type: 'welcome' });
    expect(messages.find((m) => m['type'] === 'pong')).toMatchObject({ id: '42' });
    ws.terminate();
  });

  it('socket candles (open, close, high, low, …, lots) parse to the REST candle, bar for bar', async () => {
    const clock = new MovableClock();
    const fake = await start({ now: clock.now });
    const ex = clients.raw(fake);
    await ex.loadMarkets();
    clock.toMinuteEnd(2_000);
    const first = await ex.watchOHLCV(symbol, '1m');
    const bar = first.at(-1)![0]!;
    await until('the next bar', () => ohlcvCache(ex, symbol, '1m').some((c) => c[0] === bar + 60_000));
    const closed = ohlcvCache(ex, symbol, '1m').find((c) => c[0] === bar);
    expect(closed).toEqual(fake.truth(symbol, '1m', bar, bar)[0]);
    const rest = await ex.fetchOHLCV(symbol, '1m', bar, 1);
    expect(rest[0]).toEqual(closed);
  });

  it('a 429 (429000) pauses REST for gw-ratelimit-reset, not a blind 10 s', async () => {
    const fake = await start();
    const { source } = clients.source(fake);
    await source.loadMarkets();
    fake.faults.rateLimit(1);
    const failure = await source
      .fetchCandles(symbol, '1m', Date.now() - 300_000, 5, 0)
      .catch((e: unknown) => e);
    expect(classifyError(failure).kind).toBe('rate-limited');
    const blocked = source.restBlockedForMs();
    expect(blocked).toBeGreaterThan(0);
    expect(blocked).toBeLessThanOrEqual(1_000);
  });
});

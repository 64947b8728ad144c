import ccxt from 'ccxt';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startFakeExchange, type FakeExchange } from '../../support/fake-exchange';
import { OpenClients, until } from './ccxt-clients';

let fake: FakeExchange;
const clients = new OpenClients();
const newExchange = () => clients.binance(fake.ccxtConfig());

beforeAll(async () => {
  fake = await startFakeExchange({ updateIntervalMs: 100, seed: 5 });
});

afterEach(() => {
  fake.faults.endStall();
  return clients.closeAll();
});

afterAll(async () => {
  await fake.close();
});

describe('fault injection, as the real ccxt sees it', () => {
  it('REST 429 and 418 are DDoSProtection with Retry-After; 500 is OperationFailed, or ExchangeNotAvailable when empty', async () => {
    const exchange = newExchange();
    await exchange.loadMarkets();
    const before = fake.restLog().length;
    fake.faults.restStatus(429, 2, { retryAfterSec: 3 });
    await expect(exchange.fetchOHLCV('BTC/USDT', '1m')).rejects.toThrow(ccxt.DDoSProtection);
    await expect(exchange.fetchTicker('BTC/USDT')).rejects.toThrow(ccxt.DDoSProtection);
    fake.faults.restStatus(418, 1);
    await expect(exchange.fetchOHLCV('BTC/USDT', '1m')).rejects.toThrow(ccxt.DDoSProtection);
    fake.faults.restStatus(500, 1);
    await expect(exchange.fetchOHLCV('BTC/USDT', '1m')).rejects.toThrow(ccxt.OperationFailed);
    fake.faults.restStatus(500, 1, { body: '' });
    await expect(exchange.fetchOHLCV('BTC/USDT', '1m')).rejects.toThrow(ccxt.ExchangeNotAvailable);
    await expect(exchange.fetchOHLCV('BTC/USDT', '1m')).resolves.toHaveLength(500);
    const log = fake.restLog().slice(before);
    expect(log.map((entry) => [entry.status, entry.retryAfterSec])).toEqual([
      [429, 3],
      [429, 3],
      [418, 2],
      [500, undefined],
      [500, undefined],
      [200, undefined],
    ]);
  });

  it('REST delays answer late: past ccxt timeout it is a RequestTimeout', async () => {
    const exchange = newExchange();
    await exchange.loadMarkets();
    exchange.timeout = 300;
    fake.faults.restDelay(800, 1);
    await expect(exchange.fetchTicker('ETH/USDT')).rejects.toThrow(ccxt.RequestTimeout);
    const started = Date.now();
    fake.faults.restDelay(200, 1);
    exchange.timeout = 10_000;
    await exchange.fetchTicker('ETH/USDT');
    expect(Date.now() - started).toBeGreaterThanOrEqual(200);
  });

  it('dropAllConnections rejects the pending watch with a NetworkError; the next watch reconnects', async () => {
    const exchange = newExchange();
    await exchange.watchOHLCV('BTC/USDT', '1s');
    const pending = exchange.watchOHLCV('BTC/USDT', '1s');
    fake.faults.dropAllConnections();
    await expect(pending).rejects.toThrow(ccxt.NetworkError);
    await until(() => fake.wsStats().connections === 0);
    await expect(exchange.watchOHLCV('BTC/USDT', '1s')).resolves.not.toHaveLength(0);
    expect(fake.wsStats()).toMatchObject({ connections: 1, subscriptions: ['btcusdt@kline_1s'] });
  });

  it('dropOneConnection drops only the oldest socket', async () => {
    const exchange = newExchange();
    await exchange.watchOHLCV('BTC/USDT', '1m');
    await exchange.watchOrderBook('ETH/USDT');
    expect(fake.wsStats().connections).toBe(2);
    const pendingBook = exchange.watchOrderBook('ETH/USDT');
    expect(fake.faults.dropOneConnection()).toEqual(['btcusdt@kline_1m']);
    await until(() => fake.wsStats().connections === 1);
    await expect(pendingBook).resolves.toBeDefined();
  });

  it('a malformed frame rejects the pending watch with a plain TypeError and the socket survives', async () => {
    const exchange = newExchange();
    await exchange.watchOHLCV('SOL/USDT', '1s');
    const pending = exchange.watchOHLCV('SOL/USDT', '1s');
    fake.faults.sendMalformedFrame();
    const error = await pending.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TypeError);
    expect(error).not.toBeInstanceOf(ccxt.BaseError);
    await expect(exchange.watchOHLCV('SOL/USDT', '1s')).resolves.not.toHaveLength(0);
    expect(fake.wsStats().connections).toBe(1);
  });

  it('a stall keeps ccxt waiting with the socket open, then data flows again', async () => {
    const exchange = newExchange();
    await exchange.watchOHLCV('ETH/USDT', '1s');
    const { framesSent, framesDropped } = fake.wsStats();
    // Ended by hand, not by time: a late timer on a loaded machine cannot end it while we look.
    fake.faults.stall(600_000);
    let stallEnded = false;
    let resolvedInStall: boolean | undefined;
    const pending = exchange.watchOHLCV('ETH/USDT', '1s').then(() => (resolvedInStall = !stallEnded));
    await until(() => fake.wsStats().framesDropped >= framesDropped + 3);
    expect(resolvedInStall).toBeUndefined();
    expect(fake.wsStats().connections).toBe(1);
    expect(fake.wsStats().framesSent).toBe(framesSent);
    stallEnded = true;
    fake.faults.endStall();
    await pending;
    expect(resolvedInStall).toBe(false);
  });
});

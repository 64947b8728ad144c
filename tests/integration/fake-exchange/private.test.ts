import ccxt from 'ccxt';
import { createHmac } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { startFakeExchange, type FakeExchange } from '../../support/fake-exchange';
import { OpenClients, until, type Binance } from './ccxt-clients';

let fake: FakeExchange;
const clients = new OpenClients();
const sockets: WebSocket[] = [];

/** Keys set, and loadMarkets kept to public data, so a bad key fails at the call under test. */
function newExchange(keys: { apiKey: string; secret: string } = fake.credentials): Binance {
  return clients.binance({
    ...fake.ccxtConfig(),
    ...keys,
    options: { fetchMarkets: { types: ['spot'] }, fetchCurrencies: false, fetchMargins: false },
  });
}

async function wsApi(): Promise<{ ws: WebSocket; messages: Record<string, unknown>[] }> {
  const ws = new WebSocket(`${fake.wsUrl.replace('/stream/ws', '')}/ws-api/v3`);
  sockets.push(ws);
  const messages: Record<string, unknown>[] = [];
  ws.on('message', (data) => messages.push(JSON.parse(data.toString()) as Record<string, unknown>));
  await new Promise((resolve) => ws.once('open', resolve));
  return { ws, messages };
}

function signedParams(
  secret: string,
  apiKey = fake.credentials.apiKey,
  timestamp = Date.now(),
): Record<string, unknown> {
  const payload = `apiKey=${apiKey}&timestamp=${timestamp}`;
  return { apiKey, timestamp, signature: createHmac('sha256', secret).update(payload).digest('hex') };
}

/**
 * Loads the markets and opens the user-data subscription before any watch, as the app does
 * (account-client subscribe()): a watch made then reaches its future without waiting on the network,
 * so it is pending before any event. ccxt resolves no future it does not have yet, and an event that
 * came first would wake nothing (ccxt 4.5.84), hanging a test expecting one event.
 */
async function subscribeUserStream(exchange: Binance): Promise<void> {
  await exchange.loadMarkets();
  await (exchange as unknown as { authenticate(params: object): Promise<unknown> }).authenticate({
    type: 'spot',
  });
  expect(fake.account.userStreams()).toBe(1);
}

beforeAll(async () => {
  fake = await startFakeExchange({ updateIntervalMs: 100, seed: 9 });
  fake.account.setBalance('USDT', 10_000);
  fake.account.setBalance('BTC', 0.5);
});

afterEach(async () => {
  for (const ws of sockets.splice(0)) ws.terminate();
  await clients.closeAll();
  fake.faults.clockSkew(0);
});

afterAll(async () => {
  await fake.close();
});

describe('the private side, as the real ccxt signs and parses it', () => {
  it('with default options and keys, loadMarkets makes its signed sapi calls and they pass', async () => {
    const exchange = clients.binance({ ...fake.ccxtConfig(), ...fake.credentials });
    const before = fake.restLog().length;
    await exchange.loadMarkets();
    const calls = fake.restLog().slice(before);
    expect(new Set(calls.map((c) => c.path))).toEqual(
      new Set([
        '/api/v3/exchangeInfo',
        '/sapi/v1/capital/config/getall',
        '/sapi/v1/margin/allPairs',
        '/sapi/v1/margin/isolated/allPairs',
      ]),
    );
    expect(calls.every((c) => c.status === 200)).toBe(true);
    expect(exchange.currencies['BTC']).toMatchObject({ id: 'BTC', active: true });
  });

  it('fetchBalance, fetchOpenOrders and fetchMyTrades see the simulated account', async () => {
    const exchange = newExchange();
    expect((await exchange.fetchBalance()).total).toMatchObject({ USDT: 10_000, BTC: 0.5 });
    const order = fake.account.placeOrder({ symbol: 'ETH/USDT', side: 'BUY', price: 3000, amount: 1 });
    const open = await exchange.fetchOpenOrders('ETH/USDT');
    expect(open.map((o) => [o.id, o.status, o.price, o.amount])).toEqual([
      [String(order.orderId), 'open', 3000, 1],
    ]);
    expect((await exchange.fetchBalance()).used).toMatchObject({ USDT: 3000 });
    fake.account.fill(order.orderId, 0.25, 2990);
    fake.account.fill(order.orderId);
    const trades = await exchange.fetchMyTrades('ETH/USDT');
    expect(trades.map((t) => [t.amount, t.price, t.side, t.fee?.cost, t.fee?.currency])).toEqual([
      [0.25, 2990, 'buy', 0.00025, 'ETH'],
      [0.75, 3000, 'buy', 0.00075, 'ETH'],
    ]);
    const since = trades[1]!.timestamp!;
    const later = await exchange.fetchMyTrades('ETH/USDT', since);
    expect(later.every((t) => t.timestamp! >= since)).toBe(true);
    expect(later[later.length - 1]!.id).toBe(trades[1]!.id);
    expect(await exchange.fetchOpenOrders('ETH/USDT')).toEqual([]);
    const balance = await exchange.fetchBalance();
    expect(balance['ETH']?.total).toBe(0.999);
    expect(balance['USDT']?.total).toBe(10_000 - 0.25 * 2990 - 0.75 * 3000);
  });

  it('rejects a wrong secret (-1022), an unknown key (-2015) and a malformed key (-2014)', async () => {
    await expect(
      newExchange({ apiKey: fake.credentials.apiKey, secret: 'f'.repeat(64) }).fetchBalance(),
    ).rejects.toThrow(/-1022/);
    await expect(
      newExchange({ apiKey: 'A'.repeat(64), secret: fake.credentials.secret }).fetchBalance(),
    ).rejects.toThrow(/-2015/);
    const malformed = newExchange({ apiKey: 'short', secret: fake.credentials.secret }).fetchBalance();
    await expect(malformed).rejects.toThrow(ccxt.AuthenticationError);
    await expect(malformed).rejects.toThrow(/-2014/);
  });

  it('answers clock skew with -1021 (InvalidNonce) until ccxt syncs its time difference', async () => {
    const exchange = newExchange();
    // a minute each way: far outside the 1 s / 5 s windows even on a loaded machine
    fake.faults.clockSkew(-60_000);
    await expect(exchange.fetchBalance()).rejects.toThrow(ccxt.InvalidNonce);
    fake.faults.clockSkew(60_000);
    await expect(exchange.fetchBalance()).rejects.toThrow(/outside of the recvWindow/);
    await exchange.loadTimeDifference();
    exchange.options['adjustForTimeDifference'] = true;
    await expect(exchange.fetchBalance()).resolves.toBeDefined();
  });

  it('reports key permissions and stops a revoked key', async () => {
    const exchange = newExchange();
    expect(await exchange.sapiGetAccountApiRestrictions()).toMatchObject({
      enableReading: true,
      enableSpotAndMarginTrading: false,
      enableWithdrawals: false,
    });
    fake.account.setKeyPermissions({ enableWithdrawals: true });
    expect(await exchange.sapiGetAccountApiRestrictions()).toMatchObject({ enableWithdrawals: true });
    fake.account.setKeyPermissions({ enableWithdrawals: false });
    const other = await startFakeExchange({ seed: 9 });
    try {
      const used = clients.binance({ ...other.ccxtConfig(), ...other.credentials });
      const fresh = clients.binance({ ...other.ccxtConfig(), ...other.credentials });
      await used.privateGetAccount();
      other.account.revokeKey();
      await expect(fresh.privateGetAccount()).rejects.toThrow(ccxt.AuthenticationError);
      await expect(fresh.privateGetAccount()).rejects.toThrow(/-2015/);
      // ccxt's own quirk: -2015 after a success is taken for an IP ban, not a bad key
      await expect(used.privateGetAccount()).rejects.toThrow(ccxt.DDoSProtection);
    } finally {
      await other.close();
    }
  });

  it('pushes balance, order and trade events to watchBalance, watchOrders and watchMyTrades', async () => {
    const exchange = newExchange();
    const order = fake.account.placeOrder({ symbol: 'BTC/USDT', side: 'SELL', price: 70_000, amount: 0.1 });
    await subscribeUserStream(exchange);
    const balance = exchange.watchBalance();
    const orders = exchange.watchOrders('BTC/USDT');
    const trades = exchange.watchMyTrades('BTC/USDT');
    fake.account.fill(order.orderId);
    expect((await orders).map((o) => [o.id, o.status, o.filled])).toEqual([
      [String(order.orderId), 'closed', 0.1],
    ]);
    expect((await trades).map((t) => [t.amount, t.price, t.side])).toEqual([[0.1, 70_000, 'sell']]);
    expect((await balance)['USDT']?.free).toBeGreaterThan(10_000);
    // one authenticated subscription serves all three watches
    expect(fake.account.userStreams()).toBe(1);
  });

  it('loses the events of a fill during a disconnect; REST catches it up', async () => {
    const exchange = newExchange();
    const order = fake.account.placeOrder({ symbol: 'SOL/USDT', side: 'BUY', price: 100, amount: 2 });
    await subscribeUserStream(exchange);
    const firstFill = exchange.watchMyTrades('SOL/USDT');
    fake.account.fill(order.orderId, 1);
    expect(await firstFill).toHaveLength(1);
    fake.faults.dropAllConnections();
    await until(() => fake.account.userStreams() === 0);
    fake.account.fill(order.orderId);
    const caughtUp = await exchange.fetchMyTrades('SOL/USDT');
    expect(caughtUp.map((t) => t.amount)).toEqual([1, 1]);
  });

  it('speaks the WebSocket API: signed subscribe, Binance errors, events wrapped with subscriptionId', async () => {
    const { ws, messages } = await wsApi();
    ws.send(
      JSON.stringify({
        id: 'a',
        method: 'userDataStream.subscribe.signature',
        params: signedParams('0'.repeat(64)),
      }),
    );
    ws.send(
      JSON.stringify({
        id: 'b',
        method: 'userDataStream.subscribe.signature',
        params: signedParams(fake.credentials.secret, 'B'.repeat(64)),
      }),
    );
    ws.send(
      JSON.stringify({
        id: 'c',
        method: 'userDataStream.subscribe.signature',
        params: signedParams(fake.credentials.secret),
      }),
    );
    await until(() => messages.length === 3);
    expect(messages[0]).toMatchObject({ id: 'a', status: 400, error: { code: -1022 } });
    expect(messages[1]).toMatchObject({ id: 'b', status: 401, error: { code: -2015 } });
    expect(messages[2]).toMatchObject({ id: 'c', status: 200, result: { subscriptionId: 0 } });
    fake.account.deposit('USDT', 1);
    await until(() => messages.length === 5);
    expect(messages[3]).toMatchObject({
      subscriptionId: 0,
      event: { e: 'balanceUpdate', a: 'USDT', d: '1.00000000' },
    });
    expect(messages[4]).toMatchObject({ subscriptionId: 0, event: { e: 'outboundAccountPosition' } });
  });

  it('serves the listenKey endpoints and the /ws/<listenKey> stream', async () => {
    const exchange = newExchange();
    const { listenKey } = (await exchange.publicPostUserDataStream()) as { listenKey: string };
    await expect(exchange.publicPutUserDataStream({ listenKey })).resolves.toEqual({});
    const ws = new WebSocket(`${fake.wsUrl}/${listenKey}`);
    sockets.push(ws);
    const events: { e: string }[] = [];
    ws.on('message', (data) => events.push(JSON.parse(data.toString()) as { e: string }));
    await new Promise((resolve) => ws.once('open', resolve));
    fake.account.deposit('BTC', 0.01);
    await until(() => events.length === 2);
    expect(events.map((event) => event.e)).toEqual(['balanceUpdate', 'outboundAccountPosition']);
    await expect(exchange.publicDeleteUserDataStream({ listenKey })).resolves.toEqual({});
    expect(
      fake
        .restLog()
        .filter((entry) => entry.path === '/api/v3/userDataStream')
        .map((entry) => `${entry.method} ${entry.status}`),
    ).toEqual(['POST 200', 'PUT 200', 'DELETE 200']);
    await expect(exchange.publicPutUserDataStream({ listenKey })).rejects.toThrow(/-1125/);
  });
});

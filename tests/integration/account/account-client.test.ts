import ccxt from 'ccxt';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AccountAccessError } from '../../../src/main/core/account/access-error';
import {
  createAccountClient,
  type ReadOnlyAccountClient,
} from '../../../src/main/core/account/account-client';
import { systemClock } from '../../../src/main/core/base/clock';
import { silentLogger } from '../../../src/main/core/base/log';
import { startFakeExchange, type FakeExchange } from '../../support/fake-exchange';
import { actingRequests } from './account-fixture';

let fake: FakeExchange;
const clients: ReadOnlyAccountClient[] = [];

function client(credentials: { apiKey: string; secret: string } = fake.credentials): ReadOnlyAccountClient {
  const c = createAccountClient({
    id: 'binance',
    settings: { enabled: true, sandbox: false, ccxt: fake.ccxtJsonConfig() },
    credentials,
    clockSync: false,
    redact: (text) => text.replaceAll(fake.credentials.secret, '[redacted]'),
    clock: systemClock,
    log: silentLogger(),
  });
  clients.push(c);
  return c;
}

beforeAll(async () => {
  fake = await startFakeExchange({ seed: 41 });
  fake.account.setBalance('USDT', 1_000);
});
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
});
afterAll(async () => {
  expect(actingRequests(fake)).toEqual([]);
  await fake.close();
});

describe('the read-only account client, real ccxt against the fake Binance', () => {
  it('keeps loadMarkets public: a wrong secret does not break markets, only the account reads', async () => {
    const before = fake.restLog().length;
    const c = client({ apiKey: fake.credentials.apiKey, secret: '0'.repeat(64) });
    await c.loadMarkets();
    expect(
      fake
        .restLog()
        .slice(before)
        .map((e) => e.path),
    ).toEqual(['/api/v3/exchangeInfo']);
    expect(c.hasMarket('BTC/USDT')).toBe(true);
    await expect(c.fetchBalance()).rejects.toMatchObject({ problem: 'wrong-signature' });
  });

  it('takes -2015 after a successful call (ccxt: DDoSProtection) for what it is: the key stopped working', async () => {
    const other = await startFakeExchange({ seed: 42 });
    try {
      const c = createAccountClient({
        id: 'binance',
        settings: { enabled: true, sandbox: false, ccxt: other.ccxtJsonConfig() },
        credentials: other.credentials,
        clockSync: false,
        redact: (text) => text,
        clock: systemClock,
        log: silentLogger(),
      });
      clients.push(c);
      await c.fetchBalance();
      other.account.revokeKey();
      const err = await c.fetchBalance().catch((e: unknown) => e);
      expect(err).toBeInstanceOf(AccountAccessError);
      expect(err).toMatchObject({ problem: 'wrong-key', kind: 'auth' });
      expect((err as Error).message).toContain('-2015');
    } finally {
      await other.close();
    }
  });

  it('reports only complete balance changes from the stream (Binance balanceUpdate carries a delta)', async () => {
    const c = client();
    await c.loadMarkets();
    // Subscribed first, as the private stream does: the watch is then pending before any event can
    // arrive. (Waiting for the fake to count the subscription was not enough: ccxt's watch could
    // still be on its way to its future when the deposit's events came, and nothing woke it.)
    await c.subscribe();
    expect(fake.account.userStreams()).toBe(1);
    const first = c.watchBalance();
    fake.account.deposit('ETH', 3);
    // balanceUpdate (ETH free = +3, nothing else) resolves the watch; outboundAccountPosition (ETH
    // 3/0, complete) follows at once and finds no watch pending: it is read from ccxt's cache.
    expect(await first).toEqual([{ asset: 'ETH', free: 3, used: 0, total: 3 }]);
    // Nothing changed since: the next wake reports only what the next event changes.
    const next = c.watchBalance();
    fake.account.setBalance('BTC', 1);
    expect(await next).toEqual([{ asset: 'BTC', free: 1, used: 0, total: 1 }]);
  });

  it('would see an order request: control with a plain, unlocked ccxt instance on another fake', async () => {
    const other = await startFakeExchange({ seed: 43 });
    const plain = new ccxt.pro.binance({ ...other.ccxtConfig(), ...other.credentials });
    try {
      await plain.createOrder('BTC/USDT', 'limit', 'buy', 0.001, 10_000).catch(() => undefined);
      await plain.cancelAllOrders('BTC/USDT').catch(() => undefined);
      expect(actingRequests(other)).toEqual(['POST /api/v3/order', 'DELETE /api/v3/openOrders']);
    } finally {
      await plain.close();
      await other.close();
    }
  });

  it('has no method that could act on the account', async () => {
    const c = client();
    // Nothing on the client can place an order: the type has no such method, and neither has the object.
    expect(
      Object.keys(c)
        .concat(Object.getOwnPropertyNames(Object.getPrototypeOf(c)))
        .filter((k) => /order/i.test(k))
        .sort(),
    ).toEqual(['fetchOpenOrders', 'watchOrders']);
  });
});

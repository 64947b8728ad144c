import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../../src/main/core/store/database';
import { actingRequests, startAccountCore, until, type AccountCore } from './account-fixture';

let t: AccountCore | undefined;
const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => unhandled.push(reason);
process.on('unhandledRejection', onUnhandled);

afterEach(async () => {
  if (t) expect(actingRequests(t.fake)).toEqual([]);
  await t?.close();
  t = undefined;
  expect(unhandled).toEqual([]);
});

async function connected(seed: number): Promise<AccountCore> {
  t = await startAccountCore(seed);
  t.fake.account.setBalance('USDT', 10_000);
  t.fake.account.setBalance('BTC', 0.5);
  await t.call('secrets:set', { exchange: 'binance', fields: t.fake.credentials });
  await until(async () => (await snapshot(t!))?.state === 'live', 'the account to be live');
  return t;
}

async function snapshot(c: AccountCore) {
  return (await c.call('account:snapshot', { exchange: 'binance' })).accounts[0];
}

describe('the private side of Binance, real ccxt against the fake exchange', () => {
  it('shows balances with USDT values, open orders, and its streams beside the public ones', async () => {
    const c = await connected(31);
    const order = c.fake.account.placeOrder({ symbol: 'ETH/USDT', side: 'BUY', price: 1_000, amount: 2 });
    await until(async () => (await snapshot(c))?.openOrders.length === 1, 'the open order');
    await until(async () => (await snapshot(c))?.unvaluedAssets.length === 0, 'the USDT values');
    const s = (await snapshot(c))!;
    expect(s).toMatchObject({
      exchange: 'binance',
      name: 'Binance',
      state: 'live',
      problem: null,
      positions: null,
    });
    expect(s.openOrders).toMatchObject([
      { id: String(order.orderId), symbol: 'ETH/USDT', side: 'buy', price: 1_000, amount: 2 },
    ]);
    const usdt = s.balances.find((b) => b.asset === 'USDT')!;
    expect(usdt).toMatchObject({ free: 8_000, used: 2_000, total: 10_000, valueUsdt: 10_000 });
    const btc = s.balances.find((b) => b.asset === 'BTC')!;
    expect(btc.total).toBe(0.5);
    expect(btc.valueUsdt).toBeGreaterThan(0);
    expect(s.totalValueUsdt).toBeCloseTo(10_000 + btc.valueUsdt!, 6);

    const streams = await c.call('streams:list', {});
    const own = streams.filter((x) => x.id.startsWith('binance|account|'));
    expect(own.map((x) => [x.id, x.kind, x.transport, x.state])).toEqual([
      ['binance|account|balance', 'balance', 'websocket', 'live'],
      ['binance|account|fills', 'fills', 'websocket', 'live'],
      ['binance|account|orders', 'orders', 'websocket', 'live'],
    ]);
    expect(
      c
        .eventsOf('stream:state-changed')
        .some((i) => i.id === 'binance|account|balance' && i.state === 'live'),
    ).toBe(true);
    expect(c.eventsOf('account:changed').at(-1)).toMatchObject({ exchange: 'binance' });
  });

  it('notifies a fill exactly once, also one that happened while the stream was down', async () => {
    const c = await connected(32);
    const order = c.fake.account.placeOrder({ symbol: 'SOL/USDT', side: 'BUY', price: 100, amount: 2 });
    await until(async () => (await snapshot(c))?.openOrders.length === 1, 'the open order');

    c.fake.account.fill(order.orderId, 1);
    await until(() => c.notifications.length === 1, 'the first notification');

    // The socket drops and the rest of the order fills in the same tick, before anything can
    // reconnect: that fill's event is lost, as on Binance; the catch-up over REST must find it.
    c.fake.faults.dropAllConnections();
    c.fake.account.fill(order.orderId);
    await until(() => c.notifications.length === 2, 'the notification of the fill during the disconnect');
    // Live again means subscribed and caught up: a duplicate (the stream, a second catch-up) would
    // be recorded by then.
    await until(async () => (await snapshot(c))?.state === 'live', 'the account to be live again');

    const { fills } = await c.call('account:fills', { exchange: 'binance' });
    expect(fills.map((f) => [f.symbol, f.side, f.amount, f.price, f.source])).toEqual([
      ['SOL/USDT', 'buy', 1, 100, 'catch-up'],
      ['SOL/USDT', 'buy', 1, 100, 'stream'],
    ]);
    expect(c.notifications).toHaveLength(2);
    expect(c.notifications.map((n) => n.body)).toEqual([
      expect.stringMatching(/^Bought 1 SOL at 100 USDT \(fee 0\.001 SOL, order \d+\)/),
      expect.stringMatching(/^Bought 1 SOL at 100 USDT \(fee 0\.001 SOL, order \d+\)/),
    ]);
    expect(c.eventsOf('account:filled')).toHaveLength(2);
    expect(c.eventsOf('alert:fired').map((e) => e.alert.ruleName)).toEqual(['Order filled', 'Order filled']);

    // Stored in the alert history as INFO alerts of kind 'fill', linked to their fills.
    const { alerts } = await c.call('alerts:list', { filter: {}, limit: 10 });
    expect(alerts.map((a) => [a.signal, a.ruleName, a.symbol, a.status])).toEqual([
      ['INFO', 'Order filled', 'SOL/USDT', 'active'],
      ['INFO', 'Order filled', 'SOL/USDT', 'active'],
    ]);
    expect(fills.map((f) => f.alertId).sort()).toEqual(alerts.map((a) => a.id).sort());
    const db = openDatabase(c.dataDir, { readonly: true });
    try {
      expect(db.prepare('SELECT kind, count(*) AS n FROM alerts GROUP BY kind').all()).toEqual([
        { kind: 'fill', n: 2 },
      ]);
    } finally {
      db.close();
    }
  });

  it('stops the private streams when the key is removed', async () => {
    const c = await connected(33);
    expect(c.fake.account.userStreams()).toBe(1);
    await c.call('secrets:delete', { exchange: 'binance' });
    await until(() => c.fake.account.userStreams() === 0, 'the user-data subscription to end');
    await until(
      async () => (await c.call('streams:list', {})).every((s) => !s.id.startsWith('binance|account|')),
      'the private streams to leave the list',
    );
    expect((await c.call('account:snapshot', {})).accounts).toEqual([]);
    expect(c.eventsOf('account:changed').at(-1)).toMatchObject({ exchange: 'binance', state: 'stopped' });
    const stopped = c
      .eventsOf('stream:state-changed')
      .filter((i) => i.kind !== 'candles' && i.state === 'stopped');
    expect(
      stopped
        .map((i) => i.id)
        .filter((id) => id.startsWith('binance|'))
        .sort(),
    ).toEqual(['binance|account|balance', 'binance|account|fills', 'binance|account|orders']);
  });

  it('survives a failed WebSocket login (ccxt leaves an unhandled rejection) and says why', async () => {
    t = await startAccountCore(34);
    const c = t;
    await c.call('secrets:set', {
      exchange: 'binance',
      fields: { apiKey: c.fake.credentials.apiKey, secret: 'e'.repeat(64) },
    });
    await until(async () => (await snapshot(c))?.state === 'error', 'the account to fail');
    expect(await snapshot(c)).toMatchObject({ problem: 'wrong-signature', balances: [] });
    const balance = (await c.call('streams:list', {})).find((s) => s.id === 'binance|account|balance')!;
    expect(balance).toMatchObject({ state: 'error', lastError: { kind: 'auth' } });
    expect(balance.lastError!.message).toMatch(/^The secret does not match the API key/);
    expect(await c.call('streams:errors', { id: 'binance|account|balance' })).toHaveLength(1);
    // The process is still here; the afterEach checks no rejection went unhandled (Node reports one
    // once the microtasks of the turn that dropped it have run).
    await new Promise((resolve) => setImmediate(resolve));
  });

  it('shows a key revoked while connected in plain words', async () => {
    const c = await connected(35);
    c.fake.account.revokeKey();
    await c.call('streams:reconnect', { id: 'binance|account|fills' });
    await until(async () => (await snapshot(c))?.state === 'error', 'the account to fail');
    const s = (await snapshot(c))!;
    expect(s.problem).toBe('wrong-key');
    expect(s.message).toMatch(/^Binance does not accept this API key/);
  });
});

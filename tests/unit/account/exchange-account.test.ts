import { afterEach, describe, expect, it } from 'vitest';
import { AccountAccessError } from '../../../src/main/core/account/access-error';
import type { TradeRow } from '../../../src/main/core/account/account-client';
import { DEFAULT_TIMING, ExchangeAccount } from '../../../src/main/core/account/exchange-account';
import { classifyError } from '../../../src/main/core/base/classify-error';
import { silentLogger } from '../../../src/main/core/base/log';
import type { AccountSyncState } from '../../../src/main/core/store/account-repository';
import type { AccountFill, AccountPosition } from '../../../src/shared/contract/methods/account';
import { FakeClock, settle } from '../../support/fake-clock';
import { ScriptedAccountClient } from '../../support/scripted-account-client';

type Recorded = { tradeId: string; source: string };

let account: ExchangeAccount | undefined;
afterEach(async () => {
  await account?.stop();
  account = undefined;
});

function setup(opts: { watched?: string[]; client?: ScriptedAccountClient } = {}) {
  const clock = new FakeClock();
  const client = opts.client ?? new ScriptedAccountClient();
  const state: AccountSyncState = { baselineAt: clock.now(), syncedUntil: clock.now(), clockSync: false };
  const repo = {
    syncState: () => ({ ...state }),
    advanceSync: (_exchange: string, until: number) => {
      state.syncedUntil = Math.max(state.syncedUntil, until);
    },
    tradedSymbols: () => [],
  };
  // Dedupe by trade id, as the fill store's primary key does (tested against SQLite elsewhere).
  const recorded: Recorded[] = [];
  const fills = {
    record: (exchange: string, t: TradeRow, source: 'stream' | 'catch-up'): AccountFill | null => {
      if (recorded.some((r) => r.tradeId === t.tradeId)) return null;
      recorded.push({ tradeId: t.tradeId, source });
      return { exchange, ...t, receivedAt: clock.now(), source, alertId: 1 };
    },
  };
  account = new ExchangeAccount({
    client,
    repo,
    fills,
    watchedSymbols: () => opts.watched ?? [],
    clockSync: false,
    clock,
    log: silentLogger(),
    random: () => 0.5,
    timing: DEFAULT_TIMING,
    onChange: () => {},
    onState: () => {},
  });
  return { clock, client, state, recorded, account };
}

const trade = (id: string, symbol: string, time: number): TradeRow => ({
  tradeId: id,
  orderId: '7',
  symbol,
  side: 'buy',
  price: 100,
  amount: 1,
  cost: 100,
  fee: null,
  takerOrMaker: 'maker',
  time,
});

const states = (a: ExchangeAccount) => a.streamStatuses().map((s) => s.state);

describe('ExchangeAccount', () => {
  it('subscribes before reading the account over REST, then watches; idle streams are live', async () => {
    const { client, account } = setup({ watched: ['ETH/USDT'] });
    client.truth.balance = [{ asset: 'USDT', free: 100, used: 0, total: 100 }];
    account.start();
    await settle();
    const calls = client.calls.filter((c) => c !== 'loadMarkets');
    expect(calls.slice(0, 4)).toEqual([
      'subscribe',
      'fetchBalance',
      'fetchOpenOrders',
      'fetchMyTrades ETH/USDT',
    ]);
    expect(calls.slice(4).sort()).toEqual(['watch balance', 'watch fills', 'watch orders']);
    expect(states(account)).toEqual(['live', 'live', 'live']);
    expect(account.snapshot()).toMatchObject({
      state: 'live',
      balances: [{ asset: 'USDT', total: 100 }],
      // a spot account has no positions (and no positions stream)
      positions: null,
    });
  });

  it('records a fill of the stream once, and one that happened during a disconnect once', async () => {
    const { clock, client, recorded, account } = setup();
    client.truth.openOrders = [
      {
        id: '7',
        clientOrderId: null,
        symbol: 'SOL/USDT',
        side: 'buy',
        type: 'limit',
        price: 100,
        average: null,
        amount: 2,
        filled: 0,
        remaining: 2,
        status: 'open',
        createdAt: clock.now(),
        updatedAt: clock.now(),
      },
    ];
    account.start();
    await settle();
    const first = trade('1', 'SOL/USDT', clock.now() + 1);
    client.truth.trades.push(first);
    expect(client.push('fills', [first])).toBe(true);
    await settle();

    // The socket drops; the order fills while nothing listens, then it is no longer open.
    client.failWatches(new AccountAccessError('exchange-down', 'network', 'connection closed'));
    await settle();
    expect(states(account)).toEqual(['reconnecting', 'reconnecting', 'reconnecting']);
    const second = trade('2', 'SOL/USDT', clock.now() + 2);
    client.truth.trades.push(second);
    client.truth.openOrders = [];
    await clock.advance(1_000);
    expect(states(account)).toEqual(['live', 'live', 'live']);
    // The stream delivers the second fill late as well (ccxt kept it): it is not recorded again.
    client.push('fills', [second]);
    await settle();
    expect(recorded).toEqual([
      { tradeId: '1', source: 'stream' },
      { tradeId: '2', source: 'catch-up' },
    ]);
    // The catch-up of the one break ran once for the three streams.
    expect(client.calls.filter((c) => c === 'subscribe')).toHaveLength(2);
  });

  it('classifies a clock error before retrying: shown as a key problem, retried at the longest delay', async () => {
    const { clock, client, account } = setup();
    const skew = new AccountAccessError('clock-skew', 'auth', 'clock is off', true);
    expect(classifyError(skew).permanent).toBe(true);
    client.failures.set('fetchBalance', [skew]);
    account.start();
    await settle();
    expect(states(account)).toEqual(['error', 'error', 'error']);
    expect(account.snapshot()).toMatchObject({
      state: 'error',
      problem: 'clock-skew',
      message: 'clock is off',
    });
    expect(clock.pendingDelays()).toEqual([30_000, 30_000, 30_000]);
    await clock.advance(30_000);
    expect(states(account)).toEqual(['live', 'live', 'live']);
    expect(account.snapshot().problem).toBeNull();
  });

  it('takes a REST balance that differs twice from the streams for lost events: stale, reconnect, catch up', async () => {
    const { clock, client, account } = setup();
    client.truth.balance = [{ asset: 'USDT', free: 100, used: 0, total: 100 }];
    account.start();
    await settle();
    client.truth.balance = [{ asset: 'USDT', free: 40, used: 0, total: 40 }];
    await clock.advance(DEFAULT_TIMING.reconcileMs);
    account.tick(clock.now());
    await settle();
    expect(client.drops).toBe(0);
    await clock.advance(DEFAULT_TIMING.recheckMs);
    account.tick(clock.now());
    await settle();
    expect(client.drops).toBe(1);
    expect(account.streamStatuses().every((s) => s.errors.at(-1)?.kind === 'stale')).toBe(true);
    await settle();
    expect(states(account)).toEqual(['live', 'live', 'live']);
    expect(account.snapshot().balances).toMatchObject([{ asset: 'USDT', total: 40 }]);
    expect(client.calls.filter((c) => c === 'subscribe')).toHaveLength(2);
  });

  it('does not reconnect for a difference the stream delivers before the second look', async () => {
    const { clock, client, account } = setup();
    client.truth.balance = [{ asset: 'USDT', free: 100, used: 0, total: 100 }];
    account.start();
    await settle();
    client.truth.balance = [{ asset: 'USDT', free: 40, used: 0, total: 40 }];
    await clock.advance(DEFAULT_TIMING.reconcileMs);
    account.tick(clock.now());
    await settle();
    await clock.advance(3_000);
    client.push('balance', [{ asset: 'USDT', free: 40, used: 0, total: 40 }]);
    await clock.advance(DEFAULT_TIMING.recheckMs);
    account.tick(clock.now());
    await settle();
    expect(client.drops).toBe(0);
    expect(states(account)).toEqual(['live', 'live', 'live']);
  });

  it('gives up on a login that is never answered, drops the socket and logs in again', async () => {
    const { clock, client, account } = setup();
    client.hangs.add('subscribe');
    account.start();
    await settle();
    expect(states(account)).toEqual(['connecting', 'connecting', 'connecting']);
    await clock.advance(30_000);
    expect(client.drops).toBe(1);
    expect(account.snapshot()).toMatchObject({ problem: 'exchange-down' });
    await clock.advance(1_000);
    expect(states(account)).toEqual(['live', 'live', 'live']);
    expect(client.calls.filter((c) => c === 'subscribe')).toHaveLength(2);
  });

  it('catches up when ccxt replaced the socket without failing a watch', async () => {
    const { client, account } = setup();
    account.start();
    await settle();
    client.replaceSocket();
    client.push('balance', [{ asset: 'BTC', free: 1, used: 0, total: 1 }]);
    await settle();
    expect(client.calls.filter((c) => c === 'subscribe')).toHaveLength(2);
  });

  it('reconnects its streams when the balance check finds the key revoked, and shows why', async () => {
    const { clock, client, account } = setup();
    account.start();
    await settle();
    const revoked = new AccountAccessError('wrong-key', 'auth', 'Binance does not accept this API key');
    client.failures.set('fetchBalance', [revoked, revoked]);
    await clock.advance(DEFAULT_TIMING.reconcileMs);
    account.tick(clock.now());
    await settle();
    expect(client.drops).toBe(1);
    expect(states(account)).toEqual(['error', 'error', 'error']);
    expect(account.snapshot()).toMatchObject({ state: 'error', problem: 'wrong-key' });
  });

  const position = (
    side: 'long' | 'short',
    contracts: number,
    mark: number | null = 100,
  ): AccountPosition => ({
    symbol: 'BTC/USDT:USDT',
    side,
    contracts,
    contractSize: 1,
    notional: contracts * 100,
    entryPrice: 100,
    markPrice: mark,
    unrealizedPnl: 0,
    liquidationPrice: mark === null ? null : 80,
    leverage: mark === null ? null : 5,
    marginMode: 'cross',
    liquidationDistance: mark === null ? null : (mark - 80) / mark,
    updatedAt: 1,
    markPriceAt: null,
    funding: null,
  });
  const derivativesClient = () =>
    new ScriptedAccountClient({
      derivatives: true,
      watchPositions: true,
      fetchPositions: true,
      fetchFundingRates: true,
    });

  it('follows derivatives positions: REST at the catch-up, then the stream, until one is closed', async () => {
    const client = derivativesClient();
    client.truth.positions = [position('long', 2), position('short', 1)];
    const { account } = setup({ client });
    account.start();
    await settle();
    expect(account.snapshot().streams).toContain('binance|account|positions');
    expect(account.snapshot().positions?.map((p) => [p.side, p.contracts])).toEqual([
      ['long', 2],
      ['short', 1],
    ]);
    client.push('positions', [position('short', 0)]);
    await settle();
    expect(account.snapshot().positions?.map((p) => [p.side, p.contracts])).toEqual([['long', 2]]);
  });

  it('keeps the last mark and liquidation price, with their age, when a push lacks them (BingX)', async () => {
    const client = derivativesClient();
    client.truth.positions = [position('long', 2)];
    const { clock, account } = setup({ client });
    account.start();
    await settle();
    const readAt = account.snapshot().positions![0]!.markPriceAt;
    expect(readAt).toBe(clock.now());
    await clock.advance(3_000);
    client.push('positions', [{ ...position('long', 3, null), unrealizedPnl: 7 }]);
    await settle();
    expect(account.snapshot().positions).toMatchObject([
      {
        contracts: 3,
        unrealizedPnl: 7,
        markPrice: 100,
        markPriceAt: readAt,
        liquidationPrice: 80,
        leverage: 5,
        liquidationDistance: 0.2,
      },
    ]);
  });

  it('reads open positions and their funding again every derivativesMs, and says when that fails', async () => {
    const client = derivativesClient();
    client.truth.positions = [position('long', 2)];
    client.truth.funding = [{ symbol: 'BTC/USDT:USDT', rate: 0.0001, nextFundingTime: 1_800_000 }];
    const { clock, account } = setup({ client });
    account.start();
    await settle();
    expect(account.snapshot().positions![0]!.funding).toBeNull();

    client.truth.positions = [position('long', 2, 90)];
    await clock.advance(DEFAULT_TIMING.derivativesMs);
    account.tick(clock.now());
    await settle();
    expect(account.snapshot().positions).toMatchObject([
      {
        markPrice: 90,
        markPriceAt: clock.now(),
        funding: { rate: 0.0001, nextFundingTime: 1_800_000, at: clock.now() },
      },
    ]);
    expect(client.calls.filter((c) => c === 'fetchFundingRates')).toHaveLength(1);

    // Not again before the interval is over.
    account.tick(clock.now());
    await settle();
    expect(client.calls.filter((c) => c === 'fetchFundingRates')).toHaveLength(1);

    const revoked = new AccountAccessError('wrong-key', 'auth', 'Binance does not accept this API key');
    client.failures.set('fetchPositions', [revoked]);
    await clock.advance(DEFAULT_TIMING.derivativesMs);
    account.tick(clock.now());
    await settle();
    expect(account.snapshot()).toMatchObject({ problem: 'wrong-key' });
    expect(account.snapshot().positions![0]!.funding!.at).toBeLessThan(clock.now());
  });

  it('takes funding pushed on the socket once a position opens; REST reads a market only while its push is late', async () => {
    const client = new ScriptedAccountClient({
      derivatives: true,
      watchPositions: true,
      fetchPositions: true,
      fetchFundingRates: true,
      watchFundingRates: true,
    });
    const btc = 'BTC/USDT:USDT';
    client.truth.funding = [{ symbol: btc, rate: 0.0001, nextFundingTime: 1_800_000 }];
    const { clock, account } = setup({ client });
    const funding = () => account.snapshot().positions![0]!.funding;
    const restReads = () => client.calls.filter((c) => c === 'fetchFundingRates').length;
    const refresh = async (ms: number) => {
      await clock.advance(ms);
      account.tick(clock.now());
      await settle();
    };
    account.start();
    await settle();
    expect(account.snapshot().streams).toContain('binance|account|funding');
    // No position, no market to watch: the stream waits for one.
    expect(client.fundingWatches).toEqual([]);
    client.truth.positions = [position('long', 2)];
    client.push('positions', [position('long', 2)]);
    await settle();
    expect(client.fundingWatches).toEqual([[btc]]);

    await refresh(DEFAULT_TIMING.derivativesMs);
    expect(funding()).toMatchObject({ rate: 0.0001, at: clock.now() });
    expect(restReads()).toBe(1);

    await clock.advance(1_000);
    client.push('funding', [{ symbol: btc, rate: -0.0002, nextFundingTime: 1_800_000 }]);
    await settle();
    expect(funding()).toEqual({ rate: -0.0002, nextFundingTime: 1_800_000, at: clock.now() });
    await refresh(DEFAULT_TIMING.derivativesMs);
    expect(restReads()).toBe(1);
    expect(funding()!.rate).toBe(-0.0002);

    // OKX pushes every 30–90 s: two minutes without a push and REST reads the market again.
    await refresh(120_000);
    expect(restReads()).toBe(2);
    expect(funding()).toMatchObject({ rate: 0.0001, at: clock.now() });
  });

  it('reads no funding while no position is open', async () => {
    const client = derivativesClient();
    const { clock, account } = setup({ client });
    account.start();
    await settle();
    await clock.advance(DEFAULT_TIMING.derivativesMs);
    account.tick(clock.now());
    await settle();
    expect(client.calls).not.toContain('fetchFundingRates');
    expect(account.snapshot().positions).toEqual([]);
  });

  it('records fills up to a clean stop as complete', async () => {
    const { clock, state, account } = setup();
    account.start();
    await settle();
    await clock.advance(10_000);
    const before = state.syncedUntil;
    await account.stop();
    expect(state.syncedUntil).toBeGreaterThan(before);
    expect(states(account)).toEqual(['stopped', 'stopped', 'stopped']);
  });
});

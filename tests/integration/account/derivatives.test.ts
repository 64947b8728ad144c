import { afterEach, describe, expect, it } from 'vitest';
import type { AccountPosition } from '../../../src/shared/contract/methods/account';
import type { DerivativesCredentials, DerivativesSide } from '../../support/fake-exchange/derivatives';
import type { FakeVenue } from '../../support/fake-exchange/fake-venue';
import { bingxProtocol } from '../../support/fake-exchange/protocols/bingx';
import { startFakeBybit } from '../../support/fake-exchange/protocols/bybit';
import { startFakeOkx } from '../../support/fake-exchange/protocols/okx';
import { startProtocolFake } from '../../support/fake-exchange/protocols/protocol-server';
import { startCoreWith, until, type AccountCore } from './account-fixture';

/**
 * The derivatives side of an account (positions of USDT-margined perpetuals) through the whole core,
 * the real ccxt signing against each fake exchange's private REST and WebSocket endpoints.
 */

type DerivativesFake = FakeVenue & DerivativesSide;

type Case = {
  name: string;
  start(seed: number): Promise<DerivativesFake>;
  /** the key fields the exchange's form asks for */
  fields(c: DerivativesCredentials): Record<string, string>;
  /** base units per contract of BTC/USDT:USDT */
  contractSize: number;
  /** the exchange pushes a mark price move on the private stream (elsewhere the app polls it) */
  pushesMark: boolean;
};

const CASES: Case[] = [
  {
    name: 'OKX',
    start: (seed) => startFakeOkx({ seed, symbols: ['BTC/USDT', 'ETH/USDT'] }),
    fields: (c) => ({ apiKey: c.apiKey, secret: c.secret, password: c.password }),
    contractSize: 0.01,
    pushesMark: true,
  },
  {
    name: 'Bybit',
    start: async (seed) => {
      const fake = await startFakeBybit({ seed, symbols: ['BTC/USDT', 'ETH/USDT'] });
      // The unified account's mode makes every position isolated, as the fake's liquidation prices are.
      fake.account.accountMarginMode = 'isolated';
      return fake;
    },
    fields: (c) => ({ apiKey: c.apiKey, secret: c.secret }),
    contractSize: 1,
    pushesMark: false,
  },
  {
    name: 'BingX',
    start: async (seed) => {
      const fake = await startProtocolFake(bingxProtocol, { seed, symbols: ['BTC/USDT', 'ETH/USDT'] });
      return { ...fake, ...fake.derivatives! };
    },
    fields: (c) => ({ apiKey: c.apiKey, secret: c.secret }),
    contractSize: 1,
    pushesMark: false,
  },
];

/** Mark prices and funding are read again this often (the app's default is 10 s). */
const DERIVATIVES_MS = 300;

let t: AccountCore<DerivativesFake> | undefined;

afterEach(async () => {
  // Read-only: nothing but reads (and a listen key where the exchange hands one out) was sent.
  if (t)
    expect(t.fake.restLog().filter((e) => e.method !== 'GET' && !/userDataStream/.test(e.path))).toEqual([]);
  await t?.close();
  t = undefined;
});

async function snapshot(c: AccountCore<DerivativesFake>) {
  return (await c.call('account:snapshot', { exchange: c.fake.exchange })).accounts[0];
}

async function positions(c: AccountCore<DerivativesFake>): Promise<AccountPosition[]> {
  return (await snapshot(c))?.positions ?? [];
}

describe.each(CASES)('$name derivatives account, real ccxt against the fake', (x) => {
  it('shows positions with size, side, entry, mark, PnL and liquidation, and follows pushed changes', async () => {
    const fake = await x.start(61);
    t = await startCoreWith(fake, fake.ccxtSwapJsonConfig(), { derivativesMs: DERIVATIVES_MS });
    const c = t;
    fake.account.setMarkPrice('BTC/USDT', 64_000);
    const opened = fake.account.openPosition({
      symbol: 'BTC/USDT',
      side: 'long',
      contracts: 5,
      entryPrice: 62_500,
      leverage: 10,
    });
    await c.call('secrets:set', { exchange: fake.exchange, fields: x.fields(fake.credentials) });
    await until(async () => (await snapshot(c))?.state === 'live', 'the account to be live');
    await until(async () => (await positions(c)).length === 1, 'the open position');

    const [shown] = await positions(c);
    expect(shown).toMatchObject({
      symbol: 'BTC/USDT:USDT',
      side: 'long',
      contracts: 5,
      contractSize: x.contractSize,
      entryPrice: 62_500,
      markPrice: 64_000,
      leverage: 10,
      marginMode: 'isolated',
    });
    expect(shown!.unrealizedPnl).toBeCloseTo(opened.unrealizedPnl, 6);
    expect(shown!.liquidationPrice).toBeCloseTo(opened.liquidationPrice, 6);
    expect(shown!.liquidationDistance).toBeCloseTo((64_000 - opened.liquidationPrice) / 64_000, 9);
    expect(shown!.markPriceAt).toBeGreaterThan(0);

    // The funding of the position's market, read over REST.
    await until(async () => (await positions(c))[0]?.funding !== null, 'the funding rate');
    const read = (await positions(c))[0]!.funding!;
    expect(read.rate).toBe(0.0001);
    // Settlements every 8 h: the one after the read (the fake answered a moment before it).
    expect([read.at - 5_000, read.at].map((at) => fake.account.funding(at).nextFundingTime)).toContain(
      read.nextFundingTime,
    );
    fake.account.setFundingRate(-0.0002);
    await until(async () => (await positions(c))[0]?.funding?.rate === -0.0002, 'the new funding rate');

    const streams = await c.call('streams:list', {});
    expect(streams.find((s) => s.id === `${fake.exchange}|account|positions`)).toMatchObject({
      transport: 'websocket',
      state: 'live',
    });

    // The mark moves: pushed (OKX) or read over REST (Bybit, BingX), the app shows the new values.
    // Changes pushed before the subscription would reach the app only over REST.
    await until(() => fake.positionSubscribers() > 0, 'the subscription to positions');
    const pushes = async () =>
      (await c.call('streams:list', {})).find((s) => s.id === `${fake.exchange}|account|positions`)!.messages;
    const pushedBefore = await pushes();
    const changedAt = Date.now();
    fake.account.setMarkPrice('BTC/USDT', 60_000);
    if (x.pushesMark) await until(async () => (await pushes()) > pushedBefore, 'the pushed position');
    await until(async () => (await positions(c))[0]?.markPrice === 60_000, 'the new mark price');
    // Its age starts when it reached the app (the core's clock is this process's).
    expect((await positions(c))[0]!.markPriceAt).toBeGreaterThanOrEqual(changedAt);
    const moved = fake.account.view('BTC/USDT', 'long')!;
    expect((await positions(c))[0]!.unrealizedPnl).toBeCloseTo(moved.unrealizedPnl, 6);

    // A short opens, the long closes: both pushed (even where marks are not).
    fake.account.openPosition({ symbol: 'ETH/USDT', side: 'short', contracts: 30, entryPrice: 3_000 });
    fake.account.closePosition('BTC/USDT', 'long');
    await until(
      async () => (await positions(c)).map((p) => `${p.symbol} ${p.side}`).join() === 'ETH/USDT:USDT short',
      'the short to replace the long',
    );
  });

  it('says in plain words that the key is wrong', async () => {
    const fake = await x.start(62);
    t = await startCoreWith(fake, fake.ccxtSwapJsonConfig(), { derivativesMs: DERIVATIVES_MS });
    const c = t;
    const fields = x.fields(fake.credentials);
    await c.call('secrets:set', { exchange: fake.exchange, fields: { ...fields, apiKey: 'f'.repeat(32) } });
    await until(async () => (await snapshot(c))?.state === 'error', 'the account to fail');
    const s = (await snapshot(c))!;
    expect(s.problem).toBe('wrong-key');
    expect(s.message).toMatch(new RegExp(`^${x.name} does not accept this API key`));
    expect(s.message).not.toContain('f'.repeat(32));
  });
});

describe('Bybit unified account, real ccxt against the fake', () => {
  it("shows the account's margin mode on every position, and follows a switch", async () => {
    const fake = await startFakeBybit({ seed: 63, symbols: ['BTC/USDT', 'ETH/USDT'] });
    t = await startCoreWith(fake, fake.ccxtSwapJsonConfig(), { derivativesMs: DERIVATIVES_MS });
    const c = t;
    fake.account.accountMarginMode = 'portfolio';
    fake.account.openPosition({ symbol: 'BTC/USDT', side: 'long', contracts: 2, entryPrice: 62_000 });
    await c.call('secrets:set', {
      exchange: fake.exchange,
      fields: { apiKey: fake.credentials.apiKey, secret: fake.credentials.secret },
    });
    await until(async () => (await positions(c))[0]?.marginMode === 'portfolio', 'portfolio margin');

    // Switched on Bybit's site (REGULAR_MARGIN is cross): the next positions read shows it.
    fake.account.accountMarginMode = 'cross';
    await until(async () => (await positions(c))[0]?.marginMode === 'cross', 'cross margin');

    // A position opened later (pushed on the private socket without a margin mode, and read over
    // REST) takes the account's too.
    await until(() => fake.positionSubscribers() > 0, 'the subscription to positions');
    fake.account.openPosition({ symbol: 'ETH/USDT', side: 'short', contracts: 3, entryPrice: 3_000 });
    await until(
      async () => (await positions(c)).find((p) => p.symbol === 'ETH/USDT:USDT')?.marginMode === 'cross',
      'the new short, cross',
    );
    expect((await positions(c)).map((p) => p.marginMode)).toEqual(['cross', 'cross']);
  });
});

describe('OKX funding pushed on the public socket, real ccxt against the fake', () => {
  it('shows a funding change as soon as OKX pushes it, without waiting for the REST read', async () => {
    const fake = await startFakeOkx({ seed: 64, symbols: ['BTC/USDT', 'ETH/USDT'] });
    // Positions and funding are read over REST once a minute here: what comes sooner was pushed.
    t = await startCoreWith(fake, fake.ccxtSwapJsonConfig(), { derivativesMs: 60_000 });
    const c = t;
    const fundingReads = () =>
      fake.restLog().filter((e) => e.path.startsWith('/api/v5/public/funding-rate')).length;
    fake.account.openPosition({ symbol: 'BTC/USDT', side: 'long', contracts: 5, entryPrice: 62_500 });
    await c.call('secrets:set', { exchange: fake.exchange, fields: { ...fake.credentials } });
    // The first rate of a market is read over REST (the channel pushes only every 30–90 s).
    await until(async () => (await positions(c))[0]?.funding?.rate === 0.0001, 'the first funding rate');
    expect(fundingReads()).toBe(1);
    await until(
      () => fake.wsStats().subscriptions.includes('public:funding-rate:BTC-USDT-SWAP'),
      'the subscription to the funding-rate channel',
    );
    const stream = (await c.call('streams:list', {})).find((s) => s.id === 'okx|account|funding');
    expect(stream).toMatchObject({ kind: 'funding', transport: 'websocket', state: 'live' });

    fake.account.setFundingRate(-0.0003);
    const pushedAt = Date.now();
    fake.pushFunding();
    await until(async () => (await positions(c))[0]?.funding?.rate === -0.0003, 'the pushed funding rate');
    const shown = (await positions(c))[0]!.funding!;
    expect(shown.at).toBeGreaterThanOrEqual(pushedAt);
    // The settlement after the push (sent a moment before it arrived).
    expect([shown.at - 5_000, shown.at].map((at) => fake.account.funding(at).nextFundingTime)).toContain(
      shown.nextFundingTime,
    );
    expect(fundingReads()).toBe(1);
  });
});

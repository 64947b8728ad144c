import { afterEach, describe, expect, it } from 'vitest';
import type { RuleView } from '../../../src/shared/contract/methods/signals';
import type { StreamInfo } from '../../../src/shared/domain/stream';
import { startFakeExchange, type FakeExchange } from '../../support/fake-exchange';
import { LiveCore, crossingsAboveSma, until } from './live-core';

let fake: FakeExchange | undefined;
let live: LiveCore | undefined;

afterEach(async () => {
  await live?.dispose();
  await fake?.close();
  live = fake = undefined;
});

const ETH_1S = 'binance|ETH/USDT|1s';

const SMA = 3;

/** "ETH/USDT 1s: the close crosses above its SMA(3)" */
async function createCrossRule(core: LiveCore, symbol: string): Promise<RuleView> {
  return core.call('rules:create', {
    name: `${symbol} crosses its SMA`,
    exchange: 'binance',
    symbol,
    timeframe: '1s',
    when: {
      type: 'indicator-cross',
      indicator: { indicator: 'price' },
      direction: 'above',
      other: { indicator: 'sma', period: SMA },
    },
    signal: 'BUY',
  });
}

async function stream(core: LiveCore, id: string): Promise<StreamInfo | undefined> {
  return (await core.call('streams:list', {})).find((s) => s.id === id);
}

/**
 * Every alert of the rule is live, was shown once, and the alerts are exactly the candles where the
 * exchange's closes cross the line, from when the rule was armed to its newest alert.
 */
async function expectExactCrossings(core: LiveCore, rule: RuleView): Promise<void> {
  const alerts = (await core.alerts()).filter((a) => a.ruleId === rule.id);
  const last = alerts.at(-1)!.candleTime;
  const truth = fake!.truth('ETH/USDT', '1s', rule.activeSince - 5_000, last);
  expect(alerts.map((a) => a.candleTime)).toEqual(crossingsAboveSma(truth, SMA, rule.activeSince));
  expect(alerts.every((a) => a.status === 'active')).toBe(true);
  expect(alerts.map((a) => a.price)).toEqual(alerts.map((a) => truth.find((c) => c[0] === a.candleTime)![4]));
  expect(core.shown.filter((n) => n.title.includes(rule.rule.name))).toHaveLength(alerts.length);
}

describe('rules own their data', () => {
  it('a rule on a symbol and a timeframe on no watchlist streams them and fires exactly where the truth crosses', async () => {
    fake = await startFakeExchange({ symbols: ['BTC/USDT', 'ETH/USDT'], seed: 7, updateIntervalMs: 200 });
    live = new LiveCore(fake, [{ exchange: 'binance', symbol: 'BTC/USDT', timeframes: ['1m'] }]);
    const core = live;
    await until(
      'the watchlist streaming',
      async () => (await stream(core, 'binance|BTC/USDT|1m'))?.state === 'live',
    );
    expect(await stream(core, ETH_1S)).toBeUndefined();

    const rule = await createCrossRule(core, 'ETH/USDT');
    expect(['waiting', 'warming-up', 'armed']).toContain(rule.readiness.state);
    await until('the rule armed', async () => {
      const view = (await core.call('rules:list', {})).rules.find((r) => r.id === rule.id);
      return view?.readiness.state === 'armed';
    });
    expect(core.heard.some((h) => h.event === 'rules:readiness-changed')).toBe(true);
    expect((await stream(core, ETH_1S))?.state).toBe('live');
    // nothing was added to the watchlist, and the rule's series has no ticker of its own
    expect((await core.call('settings:get', {})).watchlist).toHaveLength(1);
    expect(await stream(core, 'binance|ETH/USDT|ticker')).toBeUndefined();

    await until('3 alerts', async () => (await core.alerts()).length >= 3, 45_000);
    await expectExactCrossings(core, rule);

    // deleting the rule stops what only it needed; the watchlist keeps streaming
    await core.call('rules:delete', { id: rule.id });
    await until('the rule stream stopped', async () => (await stream(core, ETH_1S)) === undefined);
    expect((await stream(core, 'binance|BTC/USDT|1m'))?.state).toBe('live');
  });

  it('a rule whose symbol is removed from the watchlist keeps streaming and firing', async () => {
    fake = await startFakeExchange({ symbols: ['BTC/USDT', 'ETH/USDT'], seed: 11, updateIntervalMs: 200 });
    live = new LiveCore(fake, [
      { exchange: 'binance', symbol: 'ETH/USDT', timeframes: ['1s'] },
      { exchange: 'binance', symbol: 'BTC/USDT', timeframes: ['1m'] },
    ]);
    const core = live;
    await until('ETH streaming', async () => (await stream(core, ETH_1S))?.state === 'live');
    const rule = await createCrossRule(core, 'ETH/USDT');
    await until('a first alert', async () => (await core.alerts()).length >= 1, 45_000);

    await core.call('settings:update', {
      watchlist: [{ exchange: 'binance', symbol: 'BTC/USDT', timeframes: ['1m'] }],
    });
    const removedAt = Date.now();
    await until(
      'the ETH ticker stopped',
      async () => (await stream(core, 'binance|ETH/USDT|ticker')) === undefined,
    );
    const states: string[] = [];
    core.core.events.subscribe((event, payload) => {
      if (event === 'stream:state-changed' && (payload as StreamInfo).id === ETH_1S)
        states.push((payload as StreamInfo).state);
    });
    await until(
      '2 alerts after the removal',
      async () => (await core.alerts()).filter((a) => a.candleTime > removedAt).length >= 2,
      45_000,
    );
    expect(states).not.toContain('stopped');
    expect((await stream(core, ETH_1S))?.state).toBe('live');
    await expectExactCrossings(core, rule);
  });
});

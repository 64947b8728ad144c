import { afterEach, describe, expect, it } from 'vitest';
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

const SERIES = { exchange: 'binance', symbol: 'ETH/USDT', timeframe: '1s' };
const ID = 'binance|ETH/USDT|1s';

describe('a websocket that refuses every connection while REST works', () => {
  it('falls back to REST polling, keeps alerting live, and goes back to the websocket without hole or duplicate', async () => {
    fake = await startFakeExchange({ symbols: ['ETH/USDT'], seed: 9, updateIntervalMs: 200 });
    live = new LiveCore(fake, [{ exchange: 'binance', symbol: 'ETH/USDT', timeframes: ['1s'] }]);
    const core = live;
    const infos: StreamInfo[] = [];
    core.core.events.subscribe((event, payload) => {
      if (event === 'stream:state-changed' && (payload as StreamInfo).id === ID)
        infos.push(payload as StreamInfo);
    });
    const stream = async () => (await core.call('streams:list', {})).find((s) => s.id === ID);
    const rule = await core.call('rules:create', {
      name: 'ETH crosses its SMA',
      ...SERIES,
      when: {
        type: 'indicator-cross',
        indicator: { indicator: 'price' },
        direction: 'above',
        other: { indicator: 'sma', period: 3 },
      },
      signal: 'BUY',
    });
    const alertsAfter = async (t: number) => (await core.alerts()).filter((a) => a.candleTime >= t);
    await until('a first live alert', async () => (await core.alerts()).length >= 1, 45_000);

    fake.faults.refuseWebsockets(true);
    await until('polling', async () => (await stream())?.state === 'polling', 45_000);
    const pollingAt = Date.now();
    expect((await stream())?.transport).toBe('rest-poll');
    await until('2 alerts while polling', async () => (await alertsAfter(pollingAt)).length >= 2, 45_000);

    fake.faults.refuseWebsockets(false);
    await until('back on the websocket', async () => (await stream())?.state === 'live', 45_000);
    const backAt = Date.now();
    expect((await stream())?.transport).toBe('websocket');
    await until('2 alerts after', async () => (await alertsAfter(backAt)).length >= 2, 45_000);

    const alerts = (await core.alerts()).filter((a) => a.ruleId === rule.id);
    const last = alerts.at(-1)!.candleTime;
    const truth = fake.truth('ETH/USDT', '1s', rule.activeSince - 10_000, last);
    // every crossing alerted exactly once, through both switches
    expect(alerts.map((a) => a.candleTime)).toEqual(crossingsAboveSma(truth, 3, rule.activeSince));
    // only what closed while the websocket failed, before polling took over, may be missed
    const late = alerts.filter((a) => a.candleTime >= pollingAt);
    expect(late.map((a) => a.status)).toEqual(late.map(() => 'active'));
    // the way back to the websocket opened no gap
    const gaps = await core.call('gaps:list', { ...SERIES, limit: 100 });
    expect(gaps.filter((g) => g.detectedAt >= backAt)).toEqual([]);
    expect(infos.map((i) => i.state)).toContain('polling');
    const stored = async () =>
      (await core.call('candles:history', { series: SERIES, from: rule.activeSince, to: last })).candles;
    await until('the last candle stored', async () => (await stored()).at(-1)?.[0] === last);
    expect(await stored()).toEqual(truth.filter((c) => c[0] >= rule.activeSince));
  });
});

import { afterEach, describe, expect, it } from 'vitest';
import { startFakeExchange, type FakeExchange } from '../../support/fake-exchange';
import type { Candle } from '../../../src/shared/domain/market';
import { LiveCore, crossingsAboveSma, until } from './live-core';

let fake: FakeExchange | undefined;
let live: LiveCore | undefined;

afterEach(async () => {
  await live?.dispose();
  await fake?.close();
  live = fake = undefined;
});

const SERIES = { exchange: 'binance', symbol: 'ETH/USDT', timeframe: '1s' };

describe('a thin market, whose exchange sends nothing for intervals without trades', () => {
  it('alerts live on every crossing: no firing missed, no gap in the ledger, candles equal the exchange', async () => {
    fake = await startFakeExchange({
      symbols: ['ETH/USDT'],
      seed: 3,
      updateIntervalMs: 200,
      thinMarket: true,
    });
    live = new LiveCore(fake, [{ exchange: 'binance', symbol: 'ETH/USDT', timeframes: ['1s'] }]);
    const core = live;
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
    const truthUpTo = (last: number) => fake!.truth('ETH/USDT', '1s', rule.activeSince - 10_000, last);
    // the exchange skipped intervals in the span: the series has holes in time
    const skippedIn = (truth: Candle[]) =>
      truth.slice(1).filter((c, i) => c[0] - truth[i]![0] > 1_000).length;
    // Waits for a span that holds a skipped interval, whatever the start time made of the first 5.
    await until(
      '5 alerts over a span with a skipped interval',
      async () => {
        const alerts = await core.alerts();
        return alerts.length >= 5 && skippedIn(truthUpTo(alerts.at(-1)!.candleTime)) > 0;
      },
      75_000,
    );

    const alerts = await core.alerts();
    const last = alerts.at(-1)!.candleTime;
    const truth = truthUpTo(last);
    expect(skippedIn(truth)).toBeGreaterThan(0);

    expect(alerts.map((a) => a.candleTime)).toEqual(crossingsAboveSma(truth, 3, rule.activeSince));
    expect(alerts.map((a) => a.status)).toEqual(alerts.map(() => 'active'));
    expect(core.heard.filter((h) => h.event === 'alerts:missed-summary')).toEqual([]);
    expect(core.shown).toHaveLength(alerts.length);
    expect(await core.call('gaps:list', { ...SERIES, limit: 100 })).toEqual([]);
    // closed candles reach the database through the batched writer: wait for the last one
    const stored = async () =>
      (await core.call('candles:history', { series: SERIES, from: rule.activeSince, to: last })).candles;
    await until('the last candle stored', async () => (await stored()).at(-1)?.[0] === last);
    expect(await stored()).toEqual(truth.filter((c) => c[0] >= rule.activeSince));
  }, 120_000);
});

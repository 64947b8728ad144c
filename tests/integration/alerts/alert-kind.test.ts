import { afterEach, describe, expect, it } from 'vitest';
import { FillRecorder } from '../../../src/main/core/account/fill-recorder';
import { exportAlerts } from '../../../src/main/core/alerts/alert-export';
import { silentLogger } from '../../../src/main/core/base/log';
import { AccountRepository } from '../../../src/main/core/store/account-repository';
import { AlertRepository } from '../../../src/main/core/store/alert-repository';
import { alertFilterSchema } from '../../../src/shared/domain/alert';
import { ruleSchema } from '../../../src/shared/domain/rule';
import { BTC, MIN, T0, bars } from '../../unit/alerts/harness';
import { SignalsFixture } from './signals-fixture';

let fx: SignalsFixture;
afterEach(async () => {
  await fx?.dispose();
});

/** A rule alert on BTC and a fill on SOL, each through its own path into the same history and channels. */
async function ruleAlertAndFill() {
  fx = new SignalsFixture();
  fx.signals.rules.create(
    ruleSchema.parse({
      name: 'BTC above 100',
      exchange: 'binance',
      symbol: 'BTC/USDT',
      timeframe: '1m',
      when: { type: 'price-cross', direction: 'above', level: 100 },
      signal: 'BUY',
    }),
  );
  fx.signals.onCandles({ key: BTC, closed: bars([99, 101]), forming: null, origin: 'live' });
  // wired as the account module wires it: fills go to the signals' dispatcher
  const fills = new FillRecorder({
    repo: new AccountRepository(fx.db),
    alerts: new AlertRepository(fx.db),
    delivery: fx.signals.dispatcher,
    onFill: () => {},
    now: () => fx.now,
    log: silentLogger(),
  });
  const trade = {
    tradeId: 't1',
    orderId: '7',
    symbol: 'SOL/USDT',
    side: 'buy' as const,
    price: 150,
    amount: 2,
    cost: 300,
    fee: null,
    takerOrMaker: 'taker' as const,
    time: T0 + 2 * MIN,
  };
  expect(fills.record('binance', trade, 'stream', T0)).not.toBeNull();
  await fx.signals.dispatcher.idle();
}

describe('alert kinds: rule firings and fills', () => {
  it('are stored, listed and counted by kind', async () => {
    await ruleAlertAndFill();
    const h = fx.signals.handlers;
    const all = await h['alerts:list']({ filter: {}, limit: 10 });
    expect(all.alerts.map((a) => [a.kind, a.ruleName, a.timeframe])).toEqual([
      ['fill', 'Order filled', ''],
      ['rule', 'BTC above 100', '1m'],
    ]);
    const onlyFills = await h['alerts:list']({ filter: { kind: 'fill' }, limit: 10 });
    expect(onlyFills.alerts.map((a) => a.symbol)).toEqual(['SOL/USDT']);
    const onlyRules = await h['alerts:list']({ filter: { kind: 'rule' }, limit: 10 });
    expect(onlyRules.alerts.map((a) => a.symbol)).toEqual(['BTC/USDT']);
    expect(await h['alerts:counts']({ filter: { kind: 'fill' } })).toMatchObject({
      total: 1,
      bySignal: { BUY: 0, SELL: 0, INFO: 1 },
    });
    expect((await h['alerts:get']({ id: onlyFills.alerts[0]!.id })).alert.kind).toBe('fill');
    expect(alertFilterSchema.safeParse({ kind: 'order' }).success).toBe(false);
  });

  it('go out through the same channels: a fill titled without a timeframe, with the INFO sound', async () => {
    await ruleAlertAndFill();
    expect(fx.shown.map((s) => s.notification.title)).toEqual([
      'BUY BTC/USDT 1m · BTC above 100',
      'INFO SOL/USDT · Order filled',
    ]);
    expect(fx.heardOf('notify:sound-requested')).toEqual([
      expect.objectContaining({ sound: 'rise' }),
      expect.objectContaining({ sound: 'ping' }),
    ]);
    expect(fx.heardOf('alert:fired')).toEqual([
      expect.objectContaining({ alert: expect.objectContaining({ kind: 'rule' }) }),
      expect.objectContaining({ alert: expect.objectContaining({ kind: 'fill' }) }),
    ]);
  });

  it('are a column of the export', async () => {
    await ruleAlertAndFill();
    let csv = '';
    exportAlerts(fx.db, 'csv', (chunk) => (csv += chunk));
    const [header, ...rows] = csv.trimEnd().split('\n');
    expect(header!.split(',').at(-1)).toBe('kind');
    expect(rows.map((r) => r.split(',').at(-1))).toEqual(['rule', 'fill']);
    let json = '';
    exportAlerts(fx.db, 'json', (chunk) => (json += chunk));
    expect((JSON.parse(json) as { kind: string }[]).map((r) => r.kind)).toEqual(['rule', 'fill']);
  });
});

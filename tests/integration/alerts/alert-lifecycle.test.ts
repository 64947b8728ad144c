import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Alert } from '../../../src/shared/domain/alert';
import type { Candle, SeriesKey } from '../../../src/shared/domain/market';
import { ruleSchema, type RuleInput } from '../../../src/shared/domain/rule';
import { BTC, MIN, T0, bar, bars, priceAbove } from '../../unit/alerts/harness';
import { SignalsFixture } from './signals-fixture';

let fx: SignalsFixture;
afterEach(async () => {
  await fx?.dispose();
});

const CROSS_100: RuleInput['when'] = { type: 'price-cross', direction: 'above', level: 100 };
const ABOVE_100 = priceAbove(100);

function addRule(over: Partial<RuleInput> = {}) {
  return fx.signals.rules.create(
    ruleSchema.parse({
      name: 'BTC above 100',
      exchange: 'binance',
      symbol: 'BTC/USDT',
      timeframe: '1m',
      when: CROSS_100,
      signal: 'BUY',
      ...over,
    }),
  );
}

const live = (closed: Candle[], forming: Candle | null = null, key: SeriesKey = BTC) =>
  fx.signals.onCandles({ key, closed, forming, origin: 'live' });

describe('alerts are stored before anyone is told', () => {
  it('writes the alert to SQLite, then the channels hear it', async () => {
    fx = new SignalsFixture();
    addRule();
    live(bars([99, 101]));
    expect(fx.alertRows()).toEqual([{ rule_id: 1, candle_time: T0 + MIN, status: 'active' }]);
    await fx.signals.dispatcher.idle();
    expect(fx.shown).toHaveLength(1);
    expect(fx.shown[0]!.storedAlerts).toBe(1);
    expect(fx.shown[0]!.notification).toMatchObject({
      title: 'BUY BTC/USDT 1m · BTC above 100',
      urgency: 'normal',
      target: BTC,
    });
    const fired = fx.heardOf('alert:fired') as { alert: Alert; toast: boolean }[];
    expect(fired).toHaveLength(1);
    expect(fired[0]).toMatchObject({
      toast: true,
      alert: { symbol: 'BTC/USDT', price: 101, status: 'active' },
    });
    expect(fx.heardOf('notify:sound-requested')).toEqual([
      { alertId: fired[0]!.alert.id, sound: 'rise', volume: 0.8, repeatEverySeconds: null },
    ]);
  });
});

describe('a candle never fires a rule twice', () => {
  it('not after a replay or a reconnect that sends the same candles again', async () => {
    fx = new SignalsFixture();
    addRule();
    live(bars([99, 101]));
    live(bars([99, 101]));
    live([bar(1, 101)], bar(2, 101));
    expect(fx.alertRows()).toHaveLength(1);
    await fx.signals.dispatcher.idle();
    expect(fx.shown).toHaveLength(1);
  });

  it('not after a restart, even when the store had not written the candle yet', async () => {
    fx = new SignalsFixture();
    addRule();
    fx.storeCandles(BTC, bars([99]));
    live(bars([99, 101]));
    await fx.restart();
    // the collector re-sends the candle the store had not flushed before the restart
    live([bar(1, 101)]);
    live(bars([102], 2));
    expect(fx.alertRows()).toHaveLength(1);
    await fx.signals.dispatcher.idle();
    expect(fx.shown).toHaveLength(1);
  });

  it('not when two engines record the same firing: the unique key refuses the second', async () => {
    fx = new SignalsFixture();
    const rule = addRule();
    const firing = {
      rule: { ...rule, rule: rule.rule },
      key: BTC,
      candle: bar(1, 101),
      point: 'closed' as const,
      explanation: { values: { close: 101 }, strength: 0.5, basis: 'test', text: 'crossed' },
      missed: false,
      state: { armed: true, lastCandleTime: T0 + MIN },
    };
    expect(fx.signals.alerts.record(firing)).not.toBeNull();
    expect(fx.signals.alerts.record(firing)).toBeNull();
    expect(fx.alertRows()).toHaveLength(1);
  });

  it('not for an intrabar rule whose forming candle comes again after a restart', async () => {
    fx = new SignalsFixture();
    addRule({ evaluate: 'intrabar' });
    fx.now += 1_000;
    fx.storeCandles(BTC, bars([99]));
    live(bars([99]), bar(1, 100.5));
    expect(fx.alertRows()).toHaveLength(1);
    await fx.restart();
    live([], bar(1, 100.7));
    live([bar(1, 100.9)], bar(2, 101));
    expect(fx.alertRows()).toHaveLength(1);
  });

  it('rearm and once remember their state across a restart', async () => {
    fx = new SignalsFixture();
    addRule({ name: 'rearm', trigger: 'rearm', when: ABOVE_100 });
    addRule({ name: 'once', trigger: 'once', when: ABOVE_100 });
    live(bars([101, 102]));
    expect(fx.alertRows().map((r) => r.rule_id)).toEqual([1, 2]);
    await fx.restart();
    live(bars([103], 2));
    expect(fx.alertRows()).toHaveLength(2);
    live(bars([99, 104], 3));
    expect(fx.alertRows().map((r) => [r.rule_id, (r.candle_time - T0) / MIN])).toEqual([
      [1, 0],
      [2, 0],
      [1, 4],
    ]);
  });
});

describe('missed while away', () => {
  it('stores backfilled firings as missed and tells them once, in a summary', async () => {
    fx = new SignalsFixture();
    addRule();
    fx.storeCandles(BTC, bars([99]));
    live(bars([99]));
    await fx.restart();
    fx.signals.onCandles({
      key: BTC,
      closed: bars([101, 99, 102, 98], 1),
      forming: null,
      origin: 'backfill',
    });
    fx.signals.onCandles({
      key: { ...BTC, symbol: 'ETH/USDT' },
      closed: bars([90, 95], 1),
      forming: null,
      origin: 'backfill',
    });
    expect(fx.alertRows().map((r) => r.status)).toEqual(['missed', 'missed']);
    await vi.waitFor(() => expect(fx.heardOf('alerts:missed-summary')).toHaveLength(1), { timeout: 10_000 });
    await fx.signals.dispatcher.idle();
    expect(fx.heardOf('alert:fired')).toEqual([]);
    expect(fx.heardOf('notify:sound-requested')).toEqual([]);
    expect(fx.heardOf('alerts:missed-summary')).toEqual([
      expect.objectContaining({
        count: 2,
        from: T0 + MIN,
        to: T0 + 3 * MIN,
        bySignal: { BUY: 2, SELL: 0, INFO: 0 },
      }),
    ]);
    expect(fx.shown.map((s) => s.notification.title)).toEqual(['2 alerts while you were away']);

    // back live: the next crossing is shouted as usual
    live(bars([103], 6));
    await fx.signals.dispatcher.idle();
    expect(fx.alertRows().map((r) => r.status)).toEqual(['missed', 'missed', 'active']);
    expect(fx.heardOf('alert:fired')).toHaveLength(1);
  });
});

describe('alert history', () => {
  it('filters, counts, dismisses with history, and expires with the rule', async () => {
    fx = new SignalsFixture();
    const buy = addRule();
    addRule({
      name: 'ETH below 50',
      symbol: 'ETH/USDT',
      signal: 'SELL',
      when: { type: 'price-cross', direction: 'below', level: 50 },
    });
    const eth = { ...BTC, symbol: 'ETH/USDT' };
    live(bars([99, 101, 99, 102]));
    fx.now += 3_600_000;
    live(bars([51, 49], 0), null, eth);
    const h = fx.signals.handlers;

    expect((await h['alerts:list']({ filter: {}, limit: 10 })).alerts.map((a) => a.ruleName)).toEqual([
      'ETH below 50',
      'BTC above 100',
      'BTC above 100',
    ]);
    expect((await h['alerts:list']({ filter: { symbol: 'ETH/USDT' }, limit: 10 })).alerts).toHaveLength(1);
    expect((await h['alerts:list']({ filter: { ruleId: buy.id, signal: 'BUY' }, limit: 1 })).hasMore).toBe(
      true,
    );
    expect((await h['alerts:list']({ filter: { from: fx.now }, limit: 10 })).alerts).toHaveLength(1);
    expect((await h['alerts:list']({ filter: { to: fx.now }, limit: 10 })).alerts).toHaveLength(2);
    const page = await h['alerts:list']({ filter: {}, limit: 1 });
    expect(
      (await h['alerts:list']({ filter: {}, limit: 10, beforeId: page.alerts[0]!.id })).alerts,
    ).toHaveLength(2);

    const first = page.alerts[0]!;
    expect(await h['alerts:dismiss']({ ids: [first.id, 999] })).toEqual({ dismissed: 1 });
    expect(await h['alerts:dismiss']({ ids: [first.id] })).toEqual({ dismissed: 0 });
    const got = await h['alerts:get']({ id: first.id });
    expect(got.alert.status).toBe('dismissed');
    expect(got.history.map((c) => [c.status, c.reason])).toEqual([
      ['active', 'fired'],
      ['dismissed', 'user'],
    ]);
    expect(fx.heardOf('alerts:status-changed')).toEqual([{ status: 'dismissed', count: 1, ids: [first.id] }]);

    expect(await h['alerts:counts']({ filter: {} })).toEqual({
      total: 3,
      byStatus: { active: 2, dismissed: 1, expired: 0, missed: 0 },
      bySignal: { BUY: 2, SELL: 1, INFO: 0 },
    });

    // edited at T0 + 60 min to expire a minute later: candle 60 closes just in time
    fx.signals.rules.update(buy.id, { ...buy.rule, expiresAt: fx.now + 60_000 });
    live(bars([99, 101], 59));
    expect(fx.alertRows()).toHaveLength(4);
    fx.now += 120_000;
    fx.signals.rules.expireDue();
    expect((await h['alerts:counts']({ filter: { ruleId: buy.id } })).byStatus).toEqual({
      active: 0,
      dismissed: 0,
      expired: 3,
      missed: 0,
    });
    expect((await h['alerts:get']({ id: 1 })).history.at(-1)).toMatchObject({
      status: 'expired',
      reason: 'rule expired',
    });
    live(bars([99, 101], 70));
    expect(fx.alertRows()).toHaveLength(4);

    live(bars([51, 49], 2), null, eth);
    expect(await h['alerts:dismiss-all']({ filter: { signal: 'SELL' } })).toEqual({ dismissed: 1 });
    expect((await h['alerts:counts']({ filter: {} })).byStatus).toEqual({
      active: 0,
      dismissed: 2,
      expired: 3,
      missed: 0,
    });
  });

  it('keeps the alerts of a deleted rule under its name', async () => {
    fx = new SignalsFixture();
    const r = addRule();
    live(bars([99, 101]));
    fx.signals.rules.delete(r.id);
    const { alerts } = fx.signals.alerts.list({}, 10);
    expect(alerts).toMatchObject([{ ruleId: null, ruleName: 'BTC above 100' }]);
  });
});

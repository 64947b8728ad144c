import { afterEach, describe, expect, it, vi } from 'vitest';
import { AlertRepository, type AlertDraft } from '../../../src/main/core/store/alert-repository';
import type { AlertStatusChange } from '../../../src/shared/domain/alert';
import type { RuleInput } from '../../../src/shared/domain/rule';
import { bars, BTC, MIN, T0 } from '../../unit/alerts/harness';
import { SignalsFixture } from './signals-fixture';

let fx: SignalsFixture;
afterEach(async () => {
  await fx?.dispose();
});

const DAY = 86_400_000;

const addRule = (name: string, extra: Partial<RuleInput> = {}) => fx.addRule(name, extra);

const statusOf = () =>
  fx.db
    .prepare<[], { rule_name: string; status: string; status_at: number }>(
      'SELECT rule_name, status, status_at FROM alerts ORDER BY id',
    )
    .all();

const historyOf = async (id: number) =>
  (await fx.signals.handlers['alerts:get']({ id })).history as AlertStatusChange[];

describe('active alerts expire after their rule’s or the global timeout', () => {
  it('keeps the transition time in the status history and tells the UI', async () => {
    fx = new SignalsFixture({}, { alerts: { expireAfterMinutes: 60 } });
    addRule('own 30 min', { alertExpiryMinutes: 30 });
    addRule('global');
    fx.signals.onCandles({ key: BTC, closed: bars([99, 101]), forming: null, origin: 'live' });
    const firedAt = fx.now;
    expect(statusOf().map((a) => a.status)).toEqual(['active', 'active']);

    fx.now = firedAt + 30 * MIN - 1;
    expect(fx.signals.housekeeping.runBatch().expired).toBe(0);
    fx.now = firedAt + 30 * MIN;
    expect(fx.signals.housekeeping.runBatch().expired).toBe(1);
    expect(statusOf()).toEqual([
      { rule_name: 'own 30 min', status: 'expired', status_at: firedAt + 30 * MIN },
      { rule_name: 'global', status: 'active', status_at: firedAt },
    ]);
    expect(await historyOf(1)).toEqual([
      { status: 'active', at: firedAt, reason: 'fired' },
      { status: 'expired', at: firedAt + 30 * MIN, reason: 'timed out' },
    ]);
    expect(fx.heardOf('alerts:status-changed')).toEqual([{ status: 'expired', count: 1, ids: [1] }]);

    fx.now = firedAt + 60 * MIN;
    fx.signals.housekeeping.runBatch();
    expect(statusOf().map((a) => a.status)).toEqual(['expired', 'expired']);
    expect((await historyOf(2)).at(-1)).toEqual({
      status: 'expired',
      at: firedAt + 60 * MIN,
      reason: 'timed out',
    });
  });

  it('the global timeout follows the setting as it is now; null never expires; dismissed stay dismissed', async () => {
    fx = new SignalsFixture({}, { alerts: { expireAfterMinutes: null, keepDays: null } });
    addRule('a');
    fx.signals.onCandles({ key: BTC, closed: bars([99, 101, 99, 101]), forming: null, origin: 'live' });
    fx.signals.alerts.dismiss([1]);
    fx.now += 365 * DAY;
    fx.signals.housekeeping.runBatch();
    expect(statusOf().map((a) => a.status)).toEqual(['dismissed', 'active']);
    // the setting lowered later applies to the alerts already there
    fx.setSettings({ alerts: { expireAfterMinutes: 5, keepDays: null } });
    fx.signals.housekeeping.runBatch();
    expect(statusOf().map((a) => a.status)).toEqual(['dismissed', 'expired']);
    expect((await historyOf(1)).map((h) => h.status)).toEqual(['active', 'dismissed']);
  });
});

describe('the alert history is bounded by count and age, pruned in small batches', () => {
  function seed(count: number, firedAt: (i: number) => number, status: 'active' | 'missed' = 'missed') {
    const repo = new AlertRepository(fx.db);
    for (let i = 0; i < count; i++) {
      const draft: AlertDraft = {
        kind: 'rule',
        ruleId: null,
        ruleName: `old ${i}`,
        signal: 'INFO',
        exchange: 'binance',
        symbol: 'BTC/USDT',
        timeframe: '1m',
        candleTime: T0 + i * MIN,
        price: 1,
        values: {},
        strength: 0,
        strengthBasis: '',
        message: '',
        firedAt: firedAt(i),
        status,
        urgent: false,
      };
      repo.insert(draft, 'seeded');
    }
  }
  const count = (table: string) => fx.db.prepare<[], number>(`SELECT count(*) FROM ${table}`).pluck().get()!;

  it('keeps the newest keepCount alerts, each step deleting at most a batch, history rows with them', () => {
    fx = new SignalsFixture({ housekeeping: { batch: 40 } }, { alerts: { keepCount: 100, keepDays: null } });
    seed(230, (i) => fx.now - (230 - i) * MIN);
    expect(count('alert_status_history')).toBe(230);
    const steps: number[] = [];
    for (let pruned = -1; pruned !== 0;) steps.push((pruned = fx.signals.housekeeping.runBatch().pruned));
    expect(steps).toEqual([40, 40, 40, 10, 0]);
    expect(count('alerts')).toBe(100);
    expect(count('alert_status_history')).toBe(100);
    // the oldest went first
    const named = fx.db.prepare<[string], number>('SELECT count(*) FROM alerts WHERE rule_name = ?').pluck();
    expect([named.get('old 129'), named.get('old 130'), named.get('old 229')]).toEqual([0, 1, 1]);
  });

  it('deletes what is older than keepDays, but never an active alert (it expires first)', () => {
    fx = new SignalsFixture({}, { alerts: { keepDays: 30, keepCount: 100, expireAfterMinutes: null } });
    seed(5, () => fx.now - 31 * DAY);
    seed(3, () => fx.now - 31 * DAY, 'active');
    seed(4, () => fx.now - 29 * DAY);
    expect(fx.signals.housekeeping.runBatch().pruned).toBe(5);
    expect(
      fx.db.prepare('SELECT status, count(*) AS n FROM alerts GROUP BY status ORDER BY status').all(),
    ).toEqual([
      { status: 'active', n: 3 },
      { status: 'missed', n: 4 },
    ]);
  });

  it('runs in the background once started, step after step until within bounds', async () => {
    fx = new SignalsFixture(
      { housekeeping: { batch: 25, initialDelayMs: 0, intervalMs: 60_000 } },
      { alerts: { keepCount: 100, keepDays: null } },
    );
    seed(300, (i) => fx.now - (300 - i) * MIN);
    fx.signals.housekeeping.start();
    await vi.waitFor(() => expect(count('alerts')).toBe(100));
  });
});

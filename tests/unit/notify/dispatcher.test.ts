import { describe, expect, it } from 'vitest';
import type { Channel, SendOutcome, SoundChoice } from '../../../src/main/core/notify/channel';
import { NotifyDispatcher } from '../../../src/main/core/notify/dispatcher';
import { EventHub } from '../../../src/main/core/events';
import { silentLogger } from '../../../src/main/core/base/log';
import { soundChannel, toastChannel } from '../../../src/main/core/notify/local-channels';
import { inQuietHours } from '../../../src/main/core/notify/quiet-hours';
import type { Alert } from '../../../src/shared/domain/alert';
import {
  notificationSettingsSchema,
  type ChannelName,
  type NotificationSettings,
} from '../../../src/shared/domain/notifications';

const alert = (over: Partial<Alert> = {}): Alert => ({
  id: 7,
  kind: 'rule',
  ruleId: 1,
  ruleName: 'BTC above 100k',
  signal: 'BUY',
  exchange: 'binance',
  symbol: 'BTC/USDT',
  timeframe: '1m',
  candleTime: 0,
  price: 100_100,
  values: { close: 100_100, level: 100_000 },
  strength: 0.5,
  strengthBasis: 'test',
  message: 'close crossed above 100000',
  firedAt: 1,
  status: 'active',
  statusAt: 1,
  urgent: false,
  ...over,
});

const prefs = (over: Record<string, unknown> = {}): NotificationSettings =>
  notificationSettingsSchema.parse(over);

/** A channel whose sends are resolved by the test. */
function manualChannel(name: ChannelName, enabled = true) {
  const pending: ((o: SendOutcome) => void)[] = [];
  const channel: Channel = {
    name,
    enabled: () => enabled,
    problem: () => null,
    send: () => new Promise<SendOutcome>((resolve) => pending.push(resolve)),
  };
  return { channel, pending };
}

const flush = () => new Promise<void>((resolve) => setImmediate(resolve));

function dispatcher(channels: Channel[], settings = prefs(), maxInFlight?: number) {
  return new NotifyDispatcher({
    channels,
    prefs: () => settings,
    now: () => 1_000,
    log: silentLogger(),
    maxInFlight,
  });
}

describe('notify dispatcher', () => {
  it('returns at once and lets a fast channel finish while a slow one hangs', async () => {
    const slow = manualChannel('webhook');
    const fast = manualChannel('native');
    const d = dispatcher([slow.channel, fast.channel]);
    d.deliver(alert());
    await flush();
    expect(slow.pending).toHaveLength(1);
    expect(fast.pending).toHaveLength(1);
    fast.pending[0]!({ ok: true, attempts: 1, detail: 'shown' });
    await flush();
    const status = Object.fromEntries(d.status().map((s) => [s.channel, s]));
    expect(status.native).toMatchObject({
      pending: 0,
      last: { ok: true, alertId: 7, detail: 'shown', at: 1_000 },
    });
    expect(status.webhook).toMatchObject({ pending: 1, last: null });
  });

  it('records a channel that throws, synchronously or not, as failed without touching the others', async () => {
    const ok = manualChannel('native');
    const throwing: Channel = {
      name: 'telegram',
      enabled: () => true,
      problem: () => null,
      send: () => {
        throw new Error('boom');
      },
    };
    const d = dispatcher([throwing, ok.channel]);
    expect(() => d.deliver(alert())).not.toThrow();
    await flush();
    ok.pending[0]!({ ok: true, attempts: 1, detail: 'shown' });
    await d.idle();
    expect(d.status().map((s) => [s.channel, s.last?.ok, s.last?.detail])).toEqual([
      ['telegram', false, 'failed: boom'],
      ['native', true, 'shown'],
    ]);
  });

  it('skips disabled channels and reports why an enabled one cannot send', async () => {
    let sent = 0;
    const disabled: Channel = {
      name: 'native',
      enabled: () => false,
      problem: () => null,
      send: async () => ({ ok: true, attempts: 1, detail: `${++sent}` }),
    };
    const unconfigured: Channel = {
      name: 'webhook',
      enabled: () => true,
      problem: () => 'no URL set',
      send: async () => ({ ok: true, attempts: 1, detail: `${++sent}` }),
    };
    const d = dispatcher([disabled, unconfigured]);
    d.deliver(alert());
    await d.idle();
    expect(sent).toBe(0);
    expect(d.status()).toMatchObject([
      { channel: 'native', enabled: false, last: null },
      {
        channel: 'webhook',
        enabled: true,
        problem: 'no URL set',
        last: { ok: false, detail: 'not sent: no URL set' },
      },
    ]);
  });

  it('does not let a dead endpoint pile up sends without bound', async () => {
    const slow = manualChannel('webhook');
    const d = dispatcher([slow.channel], prefs(), 2);
    for (let i = 0; i < 3; i++) d.deliver(alert({ id: i }));
    await flush();
    expect(slow.pending).toHaveLength(2);
    expect(d.status()[0]!.last).toMatchObject({
      ok: false,
      alertId: 2,
      detail: 'skipped: 2 earlier sends still waiting on this channel',
    });
  });

  it('tests one channel even when it is disabled, and waits for its result', async () => {
    let got: string | undefined;
    const native: Channel = {
      name: 'native',
      enabled: () => false,
      problem: () => null,
      send: async (m) => {
        got = m.kind;
        return { ok: true, attempts: 1, detail: 'shown' };
      },
    };
    const d = dispatcher([native, manualChannel('webhook').channel]);
    const result = await d.test('native');
    expect(got).toBe('test');
    expect(result).toEqual([
      expect.objectContaining({
        channel: 'native',
        last: expect.objectContaining({ ok: true, alertId: null }),
      }),
    ]);
  });
});

describe('sound channel', () => {
  const noon = new Date(2025, 0, 6, 12, 0).getTime();
  const midnight = new Date(2025, 0, 6, 23, 30).getTime();

  async function play(settings: NotificationSettings, a: Alert, sound: SoundChoice = null, at = noon) {
    const events = new EventHub();
    const heard: unknown[] = [];
    events.subscribe((name, payload) => heard.push([name, payload]));
    const outcome = await soundChannel(events, () => at).send({ kind: 'alert', alert: a, sound }, settings);
    return { outcome, heard };
  }

  it('plays the sound of the direction, at the set volume', async () => {
    const { heard } = await play(prefs({ sound: { volume: 0.3 } }), alert({ signal: 'SELL' }));
    expect(heard).toEqual([
      ['notify:sound-requested', { alertId: 7, sound: 'fall', volume: 0.3, repeatEverySeconds: null }],
    ]);
  });

  it("plays the rule's own sound over the direction's, and nothing for a silent rule", async () => {
    expect((await play(prefs(), alert(), 'bell')).heard).toEqual([
      ['notify:sound-requested', expect.objectContaining({ sound: 'bell' })],
    ]);
    const silent = await play(prefs(), alert(), 'none');
    expect(silent.heard).toEqual([]);
    expect(silent.outcome?.detail).toBe('skipped: this rule is silent');
  });

  it('gives a fill, which has no rule to choose a sound, the sound of INFO alerts', async () => {
    const fill = alert({
      kind: 'fill',
      ruleId: null,
      ruleName: 'Order filled',
      signal: 'INFO',
      timeframe: '',
    });
    expect((await play(prefs(), fill)).heard).toEqual([
      ['notify:sound-requested', { alertId: 7, sound: 'ping', volume: 0.8, repeatEverySeconds: null }],
    ]);
  });

  it('keeps quiet during quiet hours, except for urgent rules, which repeat until dismissed', async () => {
    const quiet = prefs({ sound: { quietHours: { enabled: true, start: '22:00', end: '07:00' } } });
    const normal = await play(quiet, alert(), null, midnight);
    expect(normal.heard).toEqual([]);
    expect(normal.outcome?.detail).toBe('skipped: quiet hours');
    const urgent = await play(quiet, alert({ urgent: true }), null, midnight);
    expect(urgent.heard).toEqual([
      ['notify:sound-requested', { alertId: 7, sound: 'alarm', volume: 0.8, repeatEverySeconds: 10 }],
    ]);
    expect((await play(quiet, alert(), null, noon)).heard).toHaveLength(1);
  });

  it('is off when muted, and never sounds for missed alerts', async () => {
    const events = new EventHub();
    const channel = soundChannel(events, () => noon);
    expect(channel.enabled(prefs({ sound: { enabled: false } }))).toBe(false);
    const summary = {
      count: 1,
      from: 0,
      to: 0,
      bySignal: { BUY: 1, SELL: 0, INFO: 0 },
      bySymbol: [],
      alerts: [],
    };
    expect(await channel.send({ kind: 'missed', summary }, prefs())).toBeNull();
  });
});

describe('toast channel', () => {
  it('always feeds the alert list; the toast shows only when toasts are on', async () => {
    const events = new EventHub();
    const heard: unknown[] = [];
    events.subscribe((name, payload) => heard.push([name, payload]));
    const channel = toastChannel(events);
    await channel.send({ kind: 'alert', alert: alert(), sound: null }, prefs({ toast: { enabled: false } }));
    await channel.send({ kind: 'alert', alert: alert(), sound: null }, prefs({ toast: { seconds: 20 } }));
    expect(heard).toEqual([
      ['alert:fired', { alert: alert(), toast: false, toastSeconds: 8 }],
      ['alert:fired', { alert: alert(), toast: true, toastSeconds: 20 }],
    ]);
  });
});

describe('quiet hours', () => {
  const at = (h: number, m = 0) => new Date(2025, 0, 6, h, m);
  const q = (start: string, end: string) => ({ enabled: true, start, end, allowUrgent: true });

  it('spans midnight when start is after end', () => {
    expect(
      [at(21, 59), at(22), at(3), at(6, 59), at(7)].map((d) => inQuietHours(d, q('22:00', '07:00'))),
    ).toEqual([false, true, true, true, false]);
  });

  it('covers a range inside one day, and nothing when disabled or empty', () => {
    expect(inQuietHours(at(13), q('12:30', '14:00'))).toBe(true);
    expect(inQuietHours(at(14), q('12:30', '14:00'))).toBe(false);
    expect(inQuietHours(at(13), { ...q('12:30', '14:00'), enabled: false })).toBe(false);
    expect(inQuietHours(at(13), q('13:00', '13:00'))).toBe(false);
  });
});

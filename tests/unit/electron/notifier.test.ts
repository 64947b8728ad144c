import { EventEmitter } from 'node:events';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { createElectronNotifier, type NotificationConstructor } from '../../../src/main/electron/notifier';
import { recordingLogger } from './fakes';

class FakeNotification extends EventEmitter {
  static shown: FakeNotification[] = [];
  constructor(readonly options: ConstructorParameters<NotificationConstructor>[0]) {
    super();
  }
  show() {
    FakeNotification.shown.push(this);
  }
}

const target = { exchange: 'binance', symbol: 'BTC/USDT', timeframe: '1m' } as const;

beforeEach(() => {
  FakeNotification.shown = [];
});

describe('Electron notifier', () => {
  it('shows the alert; a critical one stays until dismissed', () => {
    const notifier = createElectronNotifier({
      Notification: FakeNotification,
      isSupported: () => true,
      onClick: () => {},
      log: recordingLogger().log,
    });
    notifier.show({ title: 'BTC above 100k', body: '100,250 on binance', urgency: 'critical', target });
    notifier.show({ title: 'ETH RSI < 30', body: '28.4', urgency: 'normal' });
    expect(FakeNotification.shown.map((n) => n.options)).toEqual([
      { title: 'BTC above 100k', body: '100,250 on binance', urgency: 'critical', timeoutType: 'never' },
      { title: 'ETH RSI < 30', body: '28.4', urgency: 'normal', timeoutType: 'default' },
    ]);
  });

  it('a click hands over the chart it was about (or none)', () => {
    const onClick = vi.fn();
    const notifier = createElectronNotifier({
      Notification: FakeNotification,
      isSupported: () => true,
      onClick,
      log: recordingLogger().log,
    });
    notifier.show({ title: 'a', body: 'b', urgency: 'normal', target });
    notifier.show({ title: 'c', body: 'd', urgency: 'normal' });
    FakeNotification.shown[0]?.emit('click');
    FakeNotification.shown[1]?.emit('click');
    expect(onClick.mock.calls).toEqual([[target], [undefined]]);
  });

  it('logs instead of failing where the OS has no notifications, or one fails', () => {
    const { log, records } = recordingLogger();
    const unsupported = createElectronNotifier({
      Notification: FakeNotification,
      isSupported: () => false,
      onClick: () => {},
      log,
    });
    expect(() => unsupported.show({ title: 'a', body: 'b', urgency: 'normal' })).not.toThrow();
    expect(FakeNotification.shown).toEqual([]);
    const supported = createElectronNotifier({
      Notification: FakeNotification,
      isSupported: () => true,
      onClick: () => {},
      log,
    });
    supported.show({ title: 'x', body: 'y', urgency: 'normal' });
    FakeNotification.shown[0]?.emit('failed');
    expect(records.map((r) => r.msg)).toEqual([
      'native notifications are not supported here',
      'the OS did not show a notification',
    ]);
  });
});

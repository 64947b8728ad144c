import type { EventHub } from '../events';
import { alertBody, alertTitle, summaryText, type Channel } from './channel';
import type { Notifier } from './ports';
import { inQuietHours } from './quiet-hours';

/** OS notification through the Notifier port (Electron's Notification, or the browser in headless mode). */
export function nativeChannel(notifier: Notifier): Channel {
  return {
    name: 'native',
    enabled: (p) => p.native.enabled,
    problem: () => null,
    async send(m) {
      if (m.kind === 'alert') {
        const a = m.alert;
        await notifier.show({
          title: alertTitle(a),
          body: alertBody(a),
          urgency: a.urgent ? 'critical' : 'normal',
          // A fill has no chart to open (no timeframe): clicking it only brings the app forward.
          target:
            a.kind === 'fill'
              ? undefined
              : { exchange: a.exchange, symbol: a.symbol, timeframe: a.timeframe },
        });
      } else if (m.kind === 'missed') {
        await notifier.show({ ...summaryText(m.summary), urgency: 'normal' });
      } else {
        await notifier.show({
          title: 'Candlewatch',
          body: 'Test notification: this channel works.',
          urgency: 'normal',
        });
      }
      return { ok: true, attempts: 1, detail: 'shown' };
    },
  };
}

/**
 * Asks the UI to play a bundled sound. Chooses the rule's own sound, else the urgent sound for an
 * urgent alert, else the sound of the signal's direction; respects mute and quiet hours (urgent
 * alerts may sound through them). Missed alerts are old news and make no sound.
 */
export function soundChannel(events: EventHub, now: () => number): Channel {
  return {
    name: 'sound',
    enabled: (p) => p.sound.enabled,
    problem: () => null,
    async send(m, prefs) {
      const s = prefs.sound;
      if (m.kind === 'missed') return null;
      if (m.kind === 'test') {
        events.emit('notify:sound-requested', {
          alertId: null,
          sound: s.byDirection.INFO,
          volume: s.volume,
          repeatEverySeconds: null,
        });
        return { ok: true, attempts: 1, detail: `played ${s.byDirection.INFO}` };
      }
      const { alert } = m;
      if (m.sound === 'none') return { ok: true, attempts: 0, detail: 'skipped: this rule is silent' };
      if (inQuietHours(new Date(now()), s.quietHours) && !(alert.urgent && s.quietHours.allowUrgent))
        return { ok: true, attempts: 0, detail: 'skipped: quiet hours' };
      const sound = m.sound ?? (alert.urgent ? s.urgent : s.byDirection[alert.signal]);
      events.emit('notify:sound-requested', {
        alertId: alert.id,
        sound,
        volume: s.volume,
        repeatEverySeconds: alert.urgent ? s.repeatEverySeconds : null,
      });
      return {
        ok: true,
        attempts: 1,
        detail: `played ${sound}${alert.urgent ? ' (repeats until dismissed)' : ''}`,
      };
    },
  };
}

/**
 * The in-app feed: every live alert reaches the UI as `alert:fired` (its history list needs it);
 * the toast itself shows only when toasts are on.
 */
export function toastChannel(events: EventHub): Channel {
  return {
    name: 'toast',
    enabled: () => true,
    problem: () => null,
    async send(m, prefs) {
      if (m.kind !== 'alert') return null;
      events.emit('alert:fired', {
        alert: m.alert,
        toast: prefs.toast.enabled,
        toastSeconds: prefs.toast.seconds,
      });
      return {
        ok: true,
        attempts: 1,
        detail: prefs.toast.enabled ? 'shown' : 'listed only (toasts are off)',
      };
    },
  };
}

/** Headless mode's Notifier: the browser page shows the notification with the Notification API. */
export function eventNotifier(events: EventHub): Notifier {
  return {
    show(n) {
      events.emit('notify:native-requested', n);
    },
  };
}

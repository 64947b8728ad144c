import type { SeriesKey } from '../../shared/domain/market';
import type { Logger } from '../core/base/log';
import type { NativeNotification, Notifier } from '../core/notify/ports';

/** The part of Electron's Notification the notifier uses. */
export type NotificationLike = {
  on(event: 'click' | 'close' | 'failed', listener: () => void): unknown;
  show(): void;
};
export type NotificationConstructor = new (options: {
  title: string;
  body: string;
  urgency: 'normal' | 'critical';
  timeoutType: 'default' | 'never';
}) => NotificationLike;

/**
 * Electron drops a Notification's click handler once the JS object is garbage collected, which can
 * happen while the toast is still on screen; shown notifications are kept here until they close.
 * Bounded, because some Linux notification daemons never report the close.
 */
const MAX_KEPT = 50;

/** Core's Notifier port on Electron's Notification: a click brings the window and the chart up. */
export function createElectronNotifier(deps: {
  Notification: NotificationConstructor;
  isSupported(): boolean;
  onClick(target: SeriesKey | undefined): void;
  log: Logger;
}): Notifier {
  const kept = new Set<NotificationLike>();
  return {
    show(notification: NativeNotification) {
      if (!deps.isSupported()) {
        deps.log.warn('native notifications are not supported here', { title: notification.title });
        return;
      }
      const toast = new deps.Notification({
        title: notification.title,
        body: notification.body,
        urgency: notification.urgency,
        // A critical alert stays on screen until the user dismisses it.
        timeoutType: notification.urgency === 'critical' ? 'never' : 'default',
      });
      const release = () => kept.delete(toast);
      toast.on('click', () => {
        release();
        deps.onClick(notification.target);
      });
      toast.on('close', release);
      toast.on('failed', () => {
        release();
        deps.log.warn('the OS did not show a notification', { title: notification.title });
      });
      if (kept.size >= MAX_KEPT) {
        const oldest = kept.values().next().value;
        if (oldest) kept.delete(oldest);
      }
      kept.add(toast);
      toast.show();
    },
  };
}

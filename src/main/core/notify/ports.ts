import type { Alert, MissedSummary } from '../../../shared/domain/alert';
import type { SeriesKey } from '../../../shared/domain/market';
import type { DeliveryOptions } from './channel';

/** A native OS notification, shown by the Electron shell or forwarded to the browser in headless mode. */
export type NativeNotification = {
  title: string;
  body: string;
  urgency: 'normal' | 'critical';
  /** the chart a click should open */
  target?: SeriesKey;
};

/** Implemented by the Electron shell (Notification) and by headless mode (an event to the browser). */
export type Notifier = {
  show(notification: NativeNotification): Promise<void> | void;
};

/** Where stored alerts go next (the notify dispatcher). Both calls return at once. */
export type AlertDelivery = {
  deliver(alert: Alert, options?: DeliveryOptions): void;
  deliverMissed(summary: MissedSummary): void;
};

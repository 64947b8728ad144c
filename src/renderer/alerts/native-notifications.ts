import type { SeriesKey } from '../../shared/domain/market';

export type NativePermission = NotificationPermission | 'unsupported';

export function nativePermission(): NativePermission {
  return typeof Notification === 'undefined' ? 'unsupported' : Notification.permission;
}

/**
 * Browsers only grant the permission from a user gesture (a click): the alerts panel and the
 * notification settings offer a button that calls this.
 */
export async function requestNativePermission(): Promise<NativePermission> {
  if (typeof Notification === 'undefined') return 'unsupported';
  return Notification.requestPermission();
}

/**
 * Shows what the core asked for (`notify:native-requested`, headless mode only: the Electron shell
 * shows its own). Without permission nothing is shown: the toast and the sound still reach the user.
 */
export function showNativeNotification(
  request: { title: string; body: string; urgency: 'normal' | 'critical'; target?: SeriesKey },
  onClick: (target: SeriesKey | undefined) => void,
): boolean {
  if (nativePermission() !== 'granted') return false;
  const n = new Notification(request.title, {
    body: request.body,
    requireInteraction: request.urgency === 'critical',
    tag: request.target ? `${request.target.exchange}|${request.target.symbol}` : undefined,
  });
  n.onclick = () => {
    window.focus();
    onClick(request.target);
    n.close();
  };
  return true;
}

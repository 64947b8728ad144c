import { useState } from 'react';
import { useTransportKind } from '../transport/TransportProvider';
import { nativePermission, requestNativePermission, type NativePermission } from './native-notifications';

/**
 * In a browser (headless mode) desktop notifications need the user's permission, which may only be
 * asked from a click. The Electron window shows notifications itself and needs no button.
 */
export function NotificationPermissionButton() {
  const kind = useTransportKind();
  const [permission, setPermission] = useState<NativePermission>(nativePermission);
  if (kind !== 'websocket' || permission === 'unsupported' || permission === 'granted') return null;
  if (permission === 'denied') {
    return (
      <span className="muted" title="Allow notifications for this page in the browser's site settings">
        Desktop notifications blocked
      </span>
    );
  }
  return (
    <button
      type="button"
      className="button small"
      onClick={() => void requestNativePermission().then(setPermission)}
    >
      Enable desktop notifications
    </button>
  );
}

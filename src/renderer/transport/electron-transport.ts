import type { CandlewatchBridge } from '../../shared/contract/ipc';
import { createContractApi } from '../../shared/contract/client';
import type { RemoteStatus } from '../../shared/contract/methods/remote';
import type { ConnectionState, Transport } from './transport';

declare global {
  interface Window {
    /** Set by the preload (src/preload/index.ts) in the Electron window only. */
    candlewatch?: CandlewatchBridge;
  }
}

/**
 * Under Electron the link is in-process IPC, open for as long as the window exists — unless the app
 * is attached to a server: then it is as open as the shell's link to that server, so the stores
 * reload after a reconnect exactly as a browser tab's do.
 */
export function createElectronTransport(bridge: CandlewatchBridge): Transport {
  const api = createContractApi(bridge.call, bridge.onEvent);
  let state: ConnectionState = 'open';
  const listeners = new Set<(state: ConnectionState) => void>();
  const follow = (status: RemoteStatus) => {
    const next = status.mode === 'server' ? status.link : 'open';
    if (next === state) return;
    state = next;
    for (const l of listeners) l(next);
  };
  api.on('remote:status-changed', follow);
  api.call('remote:status', {}).then(follow, () => {});
  return {
    kind: 'electron',
    api,
    connectionState: () => state,
    onConnectionStateChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

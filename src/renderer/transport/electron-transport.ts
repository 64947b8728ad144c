import type { CandlewatchBridge } from '../../shared/contract/ipc';
import { createContractApi } from '../../shared/contract/client';
import type { Transport } from './transport';

declare global {
  interface Window {
    /** Set by the preload (src/preload/index.ts) in the Electron window only. */
    candlewatch?: CandlewatchBridge;
  }
}

/** Under Electron the link is in-process IPC: it is open for as long as the window exists. */
export function createElectronTransport(bridge: CandlewatchBridge): Transport {
  return {
    kind: 'electron',
    api: createContractApi(bridge.call, bridge.onEvent),
    connectionState: () => 'open',
    onConnectionStateChange: () => () => {},
  };
}

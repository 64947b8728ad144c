import type { ContractApi } from '../../shared/contract';
import type { ConnectionState } from '../../shared/contract/ws-client';

export type { ConnectionState };

/**
 * What the UI holds: the typed contract API and the health of the link to the core. Components get
 * it from TransportProvider and never learn whether it is Electron IPC or the headless WebSocket.
 */
export type Transport = {
  readonly kind: 'electron' | 'websocket';
  readonly api: ContractApi;
  connectionState(): ConnectionState;
  onConnectionStateChange(listener: (state: ConnectionState) => void): () => void;
};

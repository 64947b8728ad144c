import { createWsClient } from '../../shared/contract/ws-client';
import type { Transport } from './transport';

/** The headless server's socket path (src/main/headless/socket-binding.ts). */
const SOCKET_PATH = '/ws';

export function socketUrl(location: Pick<Location, 'protocol' | 'host'>, token: string): string {
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
  return `${scheme}//${location.host}${SOCKET_PATH}?token=${encodeURIComponent(token)}`;
}

/** In a browser the contract runs over the headless WebSocket, which reconnects by itself. */
export function createWebSocketTransport(url: string): Transport {
  const client = createWsClient(url, (u) => new WebSocket(u));
  return {
    kind: 'websocket',
    api: client,
    connectionState: () => client.state,
    onConnectionStateChange: (listener) => client.onStateChange(listener),
  };
}

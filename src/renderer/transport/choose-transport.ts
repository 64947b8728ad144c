import { createElectronTransport } from './electron-transport';
import { takePageToken } from './page-token';
import type { Transport } from './transport';
import { createWebSocketTransport, socketUrl } from './websocket-transport';

export type TransportChoice = { ok: true; transport: Transport } | { ok: false; problem: string };

/** The preload object means Electron; without it the page was served by headless mode. */
export function chooseTransport(): TransportChoice {
  if (window.candlewatch) return { ok: true, transport: createElectronTransport(window.candlewatch) };
  const token = takePageToken(window.location, window.history, sessionStorageOrUndefined());
  if (!token) {
    return {
      ok: false,
      problem:
        'This page needs the access token of the Candlewatch server. Open the full URL that `npm run serve` printed (it ends with ?token=…).',
    };
  }
  return { ok: true, transport: createWebSocketTransport(socketUrl(window.location, token)) };
}

function sessionStorageOrUndefined(): Storage | undefined {
  try {
    return window.sessionStorage;
  } catch {
    // Reading sessionStorage throws when the browser blocks storage for the site.
    return undefined;
  }
}

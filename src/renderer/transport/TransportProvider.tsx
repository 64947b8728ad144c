import { createContext, useCallback, useContext, useSyncExternalStore, type ReactNode } from 'react';
import type { ContractApi } from '../../shared/contract';
import type { ConnectionState, Transport } from './transport';

const TransportContext = createContext<Transport | undefined>(undefined);

export function TransportProvider({ transport, children }: { transport: Transport; children: ReactNode }) {
  return <TransportContext.Provider value={transport}>{children}</TransportContext.Provider>;
}

function useTransport(): Transport {
  const transport = useContext(TransportContext);
  if (!transport) throw new Error('useTransport needs a <TransportProvider> above it');
  return transport;
}

/** The typed contract API, whatever carries it. */
export function useApi(): ContractApi {
  return useTransport().api;
}

/** 'electron' (the desktop window) or 'websocket' (a browser against headless mode). */
export function useTransportKind(): Transport['kind'] {
  return useTransport().kind;
}

export function useConnectionState(): ConnectionState {
  const transport = useTransport();
  const subscribe = useCallback(
    (onChange: () => void) => transport.onConnectionStateChange(onChange),
    [transport],
  );
  return useSyncExternalStore(subscribe, transport.connectionState);
}

/**
 * The link to the core as the user must read it: `lost` once a link that was open is down (the
 * client is already trying again, so its own state says `connecting`, which would read as a start).
 */
export type CoreLink = 'connecting' | 'open' | 'lost';

const everOpen = new WeakSet<Transport>();

export function useCoreLink(): CoreLink {
  const transport = useTransport();
  const subscribe = useCallback(
    (onChange: () => void) => transport.onConnectionStateChange(onChange),
    [transport],
  );
  const read = useCallback((): CoreLink => {
    const state = transport.connectionState();
    if (state === 'open') {
      everOpen.add(transport);
      return 'open';
    }
    return state === 'closed' || everOpen.has(transport) ? 'lost' : 'connecting';
  }, [transport]);
  return useSyncExternalStore(subscribe, read);
}

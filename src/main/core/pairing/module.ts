import { ContractError } from '../../../shared/contract/result';
import type { CoreModule } from '../module';
import type { PairedClients } from './paired-clients';

/** What a core serving other machines (headless mode) knows about its clients. */
export type ServerAccessPort = {
  /** SHA-256 of the served certificate; null over plain HTTP */
  fingerprint: string | null;
  clients: PairedClients;
  /** open connections of a paired client */
  connections(clientId: string): number;
  /** closes its open connections; returns how many */
  disconnect(clientId: string): number;
};

/**
 * `pairing:*`: the paired clients of a headless server, listed and revoked. Pairing itself happens on
 * the server's command line only: a token that leaked must not be able to mint another one that
 * would outlive its revocation. The desktop app alone serves no one and says so.
 */
export function createPairingModule(port: ServerAccessPort | undefined) {
  return {
    handlers: {
      'pairing:list': () =>
        port
          ? {
              serving: true,
              fingerprint: port.fingerprint,
              clients: port.clients.list().map((c) => ({ ...c, connections: port.connections(c.id) })),
            }
          : { serving: false, fingerprint: null, clients: [] },
      'pairing:revoke': ({ id }) => {
        if (!port)
          throw new ContractError(
            'unavailable',
            'this Candlewatch serves no other machine: there is nothing to revoke',
          );
        const revoked = port.clients.revoke(id);
        if (!revoked) throw new ContractError('not-found', `no paired client ${id}`);
        return { revoked: true as const, closedConnections: port.disconnect(revoked.id) };
      },
      // The desktop shell answers these itself (src/main/electron/remote); a core never attaches.
      'remote:status': attachedByShell,
      'remote:probe': attachedByShell,
      'remote:attach': attachedByShell,
      'remote:use': attachedByShell,
      'remote:forget': attachedByShell,
    },
    start() {},
    stop() {},
  } satisfies CoreModule;
}

const attachedByShell = (): never => {
  throw new ContractError(
    'unavailable',
    'only the desktop app attaches to a server; this Candlewatch runs headless',
  );
};

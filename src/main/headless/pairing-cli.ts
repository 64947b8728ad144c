import { openPairedClients, PairingFileError } from '../core/pairing/paired-clients';
import type { PairingAction, TlsChoice } from './cli-args';
import { identityFor, TlsIdentityError } from './tls/server-identity';

export type PairingOutput = { stdout(text: string): void; stderr(text: string): void };

/**
 * `--pair NAME`, `--revoke NAME`, `--pairings`: run against the data folder, also while the server
 * runs (it reads the file again within seconds and closes a revoked client's connections). stdout
 * gets one JSON line, for scripts; stderr the same in words. Returns the exit code.
 */
export function runPairingAction(
  action: PairingAction,
  dataDir: string,
  tls: TlsChoice | undefined,
  out: PairingOutput,
): number {
  try {
    const clients = openPairedClients(dataDir);
    if (action.kind === 'list') {
      const list = clients.list();
      out.stdout(`${JSON.stringify({ clients: list })}\n`);
      out.stderr(
        list.length === 0
          ? 'candlewatch serve: no paired clients\n'
          : list
              .map((c) => `${c.name} (id ${c.id}), paired ${new Date(c.createdAt).toISOString()}\n`)
              .join(''),
      );
      return 0;
    }
    if (action.kind === 'revoke') {
      const revoked = clients.revoke(action.client);
      if (!revoked) {
        out.stderr(`candlewatch serve: no paired client named "${action.client}" (see --pairings)\n`);
        return 2;
      }
      out.stdout(`${JSON.stringify({ revoked: revoked.id, name: revoked.name })}\n`);
      out.stderr(
        `candlewatch serve: revoked "${revoked.name}"; a running server closes its connections within seconds\n`,
      );
      return 0;
    }
    // Pairing is for another machine, which reaches the server over TLS: the fingerprint it must
    // pin exists from now on, even before the server first starts.
    const identity = identityFor(tls ?? { kind: 'self-signed' }, dataDir);
    const { client, token } = clients.add(action.name);
    out.stdout(
      `${JSON.stringify({ id: client.id, name: client.name, token, fingerprint: identity.fingerprint })}\n`,
    );
    out.stderr(
      `candlewatch serve: paired "${client.name}". In its Settings → Connect to a server, enter\n` +
        `  token:       ${token}\n` +
        `  fingerprint: ${identity.fingerprint}\n` +
        'The token is shown this once (only its hash is kept); check the fingerprint the app shows is this one.\n',
    );
    return 0;
  } catch (err) {
    if (err instanceof PairingFileError || err instanceof TlsIdentityError) {
      out.stderr(`candlewatch serve: ${err.message}\n`);
      return 2;
    }
    throw err;
  }
}

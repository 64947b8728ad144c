import { useCallback, useEffect, useState } from 'react';
import type { ServerAccess } from '../../shared/contract/methods/pairing';
import type { RemoteStatus } from '../../shared/contract/methods/remote';
import { formatShortDateTime } from '../format/time';
import { useApi, useTransportKind } from '../transport/TransportProvider';
import { TableHead } from '../ui/TableHead';
import { TextField } from '../ui/TextField';

const errorText = (err: unknown) => (err instanceof Error ? err.message : String(err));

/**
 * Settings → Server. In the desktop app: "Connect to a server" (address, pairing token, then the
 * fingerprint to confirm before anything is sent) and the switch between this computer's core and
 * the server. On a server: its certificate fingerprint and the paired clients, each revocable.
 */
export function ServerSettings() {
  const desktop = useTransportKind() === 'electron';
  return (
    <>
      {desktop ? <ConnectToServer /> : null}
      <ServerAccessList />
    </>
  );
}

function ConnectToServer() {
  const api = useApi();
  const [status, setStatus] = useState<RemoteStatus>();
  const [address, setAddress] = useState('');
  const [token, setToken] = useState('');
  const [clientName, setClientName] = useState('');
  const [probed, setProbed] = useState<{ address: string; fingerprint: string }>();
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<string>();

  useEffect(() => {
    api.call('remote:status', {}).then(setStatus, (err: unknown) => setMessage(errorText(err)));
    return api.on('remote:status-changed', setStatus);
  }, [api]);

  const run = async (work: () => Promise<void>) => {
    setBusy(true);
    setMessage(undefined);
    try {
      await work();
    } catch (err) {
      setMessage(errorText(err));
    } finally {
      setBusy(false);
    }
  };
  const check = () => run(async () => setProbed(await api.call('remote:probe', { address })));
  const connect = () =>
    run(async () => {
      if (!probed) return;
      setStatus(
        await api.call('remote:attach', {
          address: probed.address,
          token,
          fingerprint: probed.fingerprint,
          clientName,
        }),
      );
      setToken('');
      setProbed(undefined);
    });
  const use = (mode: 'local' | 'server') =>
    run(async () => setStatus(await api.call('remote:use', { mode })));
  const forget = () => run(async () => setStatus(await api.call('remote:forget', {})));

  return (
    <div className="settings-section" aria-label="Connect to a server">
      <h3>Connect to a server</h3>
      <p className="muted">
        A Candlewatch server (<code>npm run serve -- --host 0.0.0.0</code>) watches and alerts while this
        computer sleeps. Pair on the server with <code>npm run serve -- --pair NAME</code>: it prints a token
        and its certificate fingerprint. This computer&apos;s own database is left as it is while attached.
      </p>
      {status?.server ? (
        <div role="status" aria-label="Paired server">
          <p>
            {status.mode === 'server' ? 'Showing the server ' : 'Paired with '}
            <strong>{status.server.address}</strong> as “{status.server.clientName}”
            {status.mode === 'server'
              ? ` — ${status.link === 'open' ? 'connected' : status.link === 'connecting' ? 'connecting…' : 'disconnected'}`
              : ''}
          </p>
          <p className="muted">
            Pinned certificate fingerprint: <code>{status.server.fingerprint}</code>
          </p>
          {status.problem ? <p className="form-error">{status.problem}</p> : null}
          <div className="button-row">
            {status.mode === 'server' ? (
              <button type="button" disabled={busy} onClick={() => void use('local')}>
                Use this computer&apos;s data
              </button>
            ) : (
              <button type="button" disabled={busy} onClick={() => void use('server')}>
                Use the server
              </button>
            )}
            <button type="button" disabled={busy} onClick={() => void forget()}>
              Forget this server
            </button>
          </div>
        </div>
      ) : null}
      <form
        aria-label="Pair with a server"
        onSubmit={(e) => {
          e.preventDefault();
          void (probed ? connect() : check());
        }}
      >
        <TextField
          label="Server address"
          placeholder="192.168.1.20:8443"
          value={address}
          onChange={(v) => {
            setAddress(v);
            setProbed(undefined);
          }}
        />
        <TextField
          label="Pairing token"
          type="password"
          autoComplete="off"
          value={token}
          onChange={setToken}
        />
        <TextField label="This computer's name (optional)" value={clientName} onChange={setClientName} />
        {probed ? (
          <div role="alert" aria-label="Confirm the fingerprint">
            <p>
              The server at <strong>{probed.address}</strong> presents the certificate fingerprint
            </p>
            <p>
              <code className="fingerprint">{probed.fingerprint}</code>
            </p>
            <p className="muted">
              Compare it with the one the server printed. Connect only if they are the same: it is pinned, and
              a server presenting another certificate will be refused.
            </p>
            <button type="submit" disabled={busy || token.trim() === ''}>
              It matches — connect
            </button>{' '}
            <button type="button" disabled={busy} onClick={() => setProbed(undefined)}>
              Cancel
            </button>
          </div>
        ) : (
          <button type="submit" disabled={busy || address.trim() === ''}>
            Check the server
          </button>
        )}
      </form>
      {message ? (
        <p className="form-error" role="alert">
          {message}
        </p>
      ) : null}
    </div>
  );
}

function ServerAccessList() {
  const api = useApi();
  const [access, setAccess] = useState<ServerAccess>();
  const [message, setMessage] = useState<string>();
  const load = useCallback(() => {
    api.call('pairing:list', {}).then(setAccess, (err: unknown) => setMessage(errorText(err)));
  }, [api]);
  useEffect(load, [load]);

  if (!access?.serving) return message ? <p className="form-error">{message}</p> : null;
  const revoke = (id: string) =>
    api.call('pairing:revoke', { id }).then(load, (err: unknown) => setMessage(errorText(err)));
  return (
    <div className="settings-section" aria-label="Server access">
      <h3>Server access</h3>
      <p>
        Certificate fingerprint:{' '}
        {access.fingerprint ? (
          <code className="fingerprint">{access.fingerprint}</code>
        ) : (
          <span className="muted">none — plain HTTP</span>
        )}
      </p>
      <p className="muted">
        Clients pair with <code>npm run serve -- --pair NAME</code> on this server. Revoking one closes its
        connections at once.
      </p>
      {access.clients.length === 0 ? (
        <p className="empty-hint">No paired clients.</p>
      ) : (
        <table className="data-table" aria-label="Paired clients">
          <TableHead
            columns={[
              { label: 'Client' },
              { label: 'Paired' },
              { label: 'Last connected' },
              { label: 'Connections' },
              { label: '' },
            ]}
          />
          <tbody>
            {access.clients.map((c) => (
              <tr key={c.id}>
                <th scope="row">{c.name}</th>
                <td>{formatShortDateTime(c.createdAt)}</td>
                <td>{c.lastUsedAt === null ? 'never' : formatShortDateTime(c.lastUsedAt)}</td>
                <td>{c.connections}</td>
                <td>
                  <button type="button" aria-label={`Revoke ${c.name}`} onClick={() => void revoke(c.id)}>
                    Revoke
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {message ? (
        <p className="form-error" role="alert">
          {message}
        </p>
      ) : null}
    </div>
  );
}

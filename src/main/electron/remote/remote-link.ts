import type { MethodName } from '../../../shared/contract';
import type { EventSink } from '../../../shared/contract/client';
import type { Result } from '../../../shared/contract/result';
import { createWsClient, type ConnectionState } from '../../../shared/contract/ws-client';
import type { Alert } from '../../../shared/domain/alert';
import type { Logger } from '../../core/base/log';
import type { LastSeenAlert, SeenAlert } from './last-seen-alert';
import { pinnedSocketFactory, type ServerAddress } from './pinned-socket';

export type RemoteLink = {
  /** Relays a contract call to the server; failures come back as data. */
  dispatch(method: MethodName, input: unknown): Promise<Result<unknown>>;
  /** The server's events, and `remote:alerts-delivered` after a reconnect. */
  subscribe(listener: EventSink): () => void;
  readonly state: ConnectionState;
  /** why the link gave up (revoked, refused, certificate changed), in words; undefined otherwise */
  readonly problem: string | undefined;
  onStateChange(listener: (state: ConnectionState) => void): () => void;
  close(): void;
};

/** The most alerts told at once after a reconnect; the rest are in the server's history. */
const DELIVERED_LIMIT = 500;

/**
 * The desktop app attached to a server: the contract over a pinned TLS socket. The server fires
 * alerts whether or not this app is connected; those it fired while the link was down (the laptop
 * slept, the network dropped, the app was not running) are fetched on (re)connect and told once as
 * `remote:alerts-delivered` — delivered by the server on time, not *missed* (nothing was missed:
 * the server was watching).
 */
export function createRemoteLink(opts: {
  address: ServerAddress;
  token: string;
  fingerprint: string;
  log: Logger;
  /** where the newest told alert is kept across restarts of the app; in memory only without it */
  lastSeen?: LastSeenAlert;
  /** tests pass a TLS connect of their own */
  connect?: Parameters<typeof pinnedSocketFactory>[0]['connect'];
}): RemoteLink {
  const client = createWsClient(
    '',
    pinnedSocketFactory({
      address: opts.address,
      token: opts.token,
      fingerprint: opts.fingerprint,
      ...(opts.connect ? { connect: opts.connect } : {}),
    }),
  );
  const listeners = new Set<EventSink>();
  const emit: EventSink = (name, payload) => {
    for (const l of listeners) l(name, payload);
  };
  let seen: SeenAlert | undefined = opts.lastSeen?.read();
  /** alerts told live since the last (re)connect: a catch-up that races them must not tell them twice */
  let toldLive = new Set<number>();
  const remember = (next: SeenAlert) => {
    seen = next;
    try {
      opts.lastSeen?.write(next);
    } catch (err) {
      opts.log.warn('cannot remember the newest alert told: after a restart some may be told again', {
        error: err,
      });
    }
  };
  const note = (a: Pick<Alert, 'id' | 'firedAt'>) => {
    if (!seen || a.id > seen.id) remember({ id: a.id, firedAt: a.firedAt });
  };

  client.onEvent((name, payload) => {
    if (name === 'alert:fired') {
      const alert = (payload as { alert: Alert }).alert;
      toldLive.add(alert.id);
      note(alert);
    }
    emit(name, payload);
  });

  const newest = async (filter: { from?: number }, limit: number): Promise<Alert[] | undefined> => {
    const result = await client.request('alerts:list', { filter, limit });
    if (!result.ok) {
      opts.log.warn('cannot read the alerts the server fired', { error: result.error.message });
      return undefined;
    }
    return (result.value as { alerts: Alert[] }).alerts;
  };

  const catchUp = async () => {
    toldLive = new Set();
    if (!seen) {
      // First connection: what the server holds already is history, not news.
      const latest = await newest({}, 1);
      if (latest)
        remember(latest[0] ? { id: latest[0].id, firedAt: latest[0].firedAt } : { id: 0, firedAt: 0 });
      return;
    }
    const since = seen;
    const alerts = await newest({ from: since.firedAt }, DELIVERED_LIMIT);
    const delivered = (alerts ?? []).filter((a) => a.id > since.id && !toldLive.has(a.id)).reverse();
    if (delivered.length === 0) return;
    for (const a of delivered) note(a);
    opts.log.info('the server fired alerts while this app was disconnected', { count: delivered.length });
    emit('remote:alerts-delivered', {
      alerts: delivered,
      truncated: (alerts?.length ?? 0) >= DELIVERED_LIMIT,
      since: since.firedAt,
    });
  };

  client.onStateChange((state) => {
    if (state === 'open') void catchUp();
    if (state === 'closed' && client.problem)
      opts.log.warn('the server link stopped', { reason: client.problem });
  });

  return {
    dispatch: (method, input) => client.request(method, input),
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    get state() {
      return client.state;
    },
    get problem() {
      return client.problem;
    },
    onStateChange: (listener) => client.onStateChange(listener),
    close: () => client.close(),
  };
}

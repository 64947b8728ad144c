import { isEventName, isMethodName, methods, type EventName } from '../../../shared/contract';
import type { RemoteStatus } from '../../../shared/contract/methods/remote';
import { ContractError, fail, type Result } from '../../../shared/contract/result';
import type { Alert } from '../../../shared/domain/alert';
import { normalizeFingerprint } from '../../../shared/domain/pairing';
import type { Logger } from '../../core/base/log';
import type { ClientContext } from '../../core/contract/client-subscription';
import type { Dispatch } from '../../core/contract/dispatch';
import type { NativeNotification, Notifier } from '../../core/notify/ports';
import { formatServerAddress, parseServerAddress, type ServerAddress } from './pinned-socket';
import type { RemoteLink } from './remote-link';
import type { PairedServer, RemoteSettingsFile } from './remote-settings';

type EventSink = (name: EventName, payload: unknown) => void;

/** The part of the local core the shell routes to. */
export type LocalCore = {
  dispatch: Dispatch;
  events: { subscribe(listener: EventSink): () => void };
  resumed(sleptMs: number): void;
  stop(): Promise<void>;
};

export type ShellRouter = {
  /** The window's calls: `remote:*` answered here, the rest by the local core or the server. */
  dispatch: Dispatch;
  /** What the window hears: the active core's events, and the link's status. */
  events: { subscribe(listener: EventSink): () => void };
  /** An event of the shell itself (a notification clicked), to the window. */
  tell(name: EventName, payload: unknown): void;
  resumed(sleptMs: number): void;
  stop(): Promise<void>;
};

/** How long pairing waits for the server to accept the token before it says why not. */
const ATTACH_TIMEOUT_MS = 20_000;

/**
 * "Switching between the local core and a server is one setting": the shell holds either its own
 * core or a link to a paired server, never both. The local core is built only when it is shown, so
 * while attached its database is not even opened. Alerts the server fires reach the user as native
 * notifications from here (the window plays their sounds, as for the local core).
 */
export function createShellRouter(opts: {
  startLocal: () => LocalCore;
  settings: RemoteSettingsFile;
  openLink: (server: PairedServer) => RemoteLink;
  probe: (address: ServerAddress) => Promise<string>;
  notifier: Notifier;
  /** the window reloads its state from the new core after a switch */
  reloadWindow: () => void;
  log: Logger;
}): ShellRouter {
  const { log } = opts;
  const listeners = new Set<EventSink>();
  const emit: EventSink = (name, payload) => {
    for (const l of listeners) l(name, payload);
  };
  let saved = opts.settings.read();
  let local: LocalCore | undefined;
  let unsubscribeLocal: (() => void) | undefined;
  let link: RemoteLink | undefined;

  const status = (): RemoteStatus => ({
    mode: link ? 'server' : 'local',
    server: saved.server && {
      address: saved.server.address,
      fingerprint: saved.server.fingerprint,
      clientName: saved.server.clientName,
    },
    link: link ? link.state : 'open',
    problem: link?.problem ?? null,
  });
  const tellStatus = () => emit('remote:status-changed', status());

  const show = (n: NativeNotification) => {
    try {
      void Promise.resolve(opts.notifier.show(n)).catch((err: unknown) =>
        log.warn('a notification could not be shown', { error: err }),
      );
    } catch (err) {
      log.warn('a notification could not be shown', { error: err });
    }
  };

  const fromServer = (server: PairedServer) => (name: string, payload: unknown) => {
    if (!isEventName(name)) return;
    // The server runs headless: it asks its clients to show native notifications. This window is
    // not a browser tab, so the shell shows them with the OS.
    if (name === 'notify:native-requested') show(payload as NativeNotification);
    if (name === 'remote:alerts-delivered')
      show(deliveredNotice(server, (payload as { alerts: Alert[] }).alerts));
    emit(name, payload);
  };

  const useLocal = () => {
    if (local) return;
    local = opts.startLocal();
    unsubscribeLocal = local.events.subscribe(emit);
  };
  const stopLocal = async () => {
    unsubscribeLocal?.();
    const stopping = local?.stop();
    local = unsubscribeLocal = undefined;
    await stopping;
  };
  const useServer = async (server: PairedServer, opened?: RemoteLink) => {
    link?.close();
    link = opened ?? opts.openLink(server);
    link.subscribe(fromServer(server));
    link.onStateChange(tellStatus);
    await stopLocal();
  };
  const dropServer = () => {
    link?.close();
    link = undefined;
  };

  if (saved.mode === 'server' && saved.server) void useServer(saved.server);
  else useLocal();

  const switched = () => {
    tellStatus();
    opts.reloadWindow();
    return status();
  };

  const attach = async (input: {
    address: string;
    token: string;
    fingerprint: string;
    clientName: string;
  }) => {
    const address = formatServerAddress(parseServerAddress(input.address));
    const fingerprint = normalizeFingerprint(input.fingerprint);
    if (!fingerprint)
      throw new ContractError(
        'invalid-input',
        'the fingerprint is 32 bytes in hex (AB:CD:…), as the server printed it',
      );
    const server: PairedServer = {
      address,
      fingerprint,
      clientName: input.clientName || 'this computer',
      token: input.token,
    };
    const trial = opts.openLink(server);
    const outcome = await new Promise<'open' | 'closed' | 'timeout'>((resolve) => {
      const timer = setTimeout(() => resolve('timeout'), ATTACH_TIMEOUT_MS);
      const off = trial.onStateChange((s) => {
        if (s === 'connecting') return;
        clearTimeout(timer);
        off();
        resolve(s);
      });
    });
    if (outcome !== 'open') {
      const why =
        trial.problem ?? `${address} did not accept a connection within ${ATTACH_TIMEOUT_MS / 1000} s`;
      trial.close();
      throw new ContractError('unavailable', why);
    }
    saved = { mode: 'server', server };
    opts.settings.write(saved);
    await useServer(server, trial);
    return switched();
  };

  const answer = async (method: string, input: unknown): Promise<unknown> => {
    const parsed = methods[method as keyof typeof methods].input.safeParse(input);
    if (!parsed.success)
      throw new ContractError('invalid-input', parsed.error.issues[0]?.message ?? 'bad input');
    const value = parsed.data as Record<string, string>;
    switch (method) {
      case 'remote:status':
        return status();
      case 'remote:probe': {
        const address = parseServerAddress(value['address']!);
        return { address: formatServerAddress(address), fingerprint: await opts.probe(address) };
      }
      case 'remote:attach':
        return attach(value as Parameters<typeof attach>[0]);
      case 'remote:use':
        if (value['mode'] === 'server') {
          if (!saved.server)
            throw new ContractError('not-found', 'no server is paired yet: connect to one first');
          if (!link) await useServer(saved.server);
        } else {
          dropServer();
          useLocal();
        }
        saved = { ...saved, mode: value['mode'] === 'server' ? 'server' : 'local' };
        opts.settings.write(saved);
        return switched();
      default: // remote:forget
        dropServer();
        useLocal();
        saved = { mode: 'local', server: null };
        opts.settings.write(saved);
        return switched();
    }
  };

  const dispatch: Dispatch = async (method, input, client?: ClientContext): Promise<Result<unknown>> => {
    if (typeof method === 'string' && method.startsWith('remote:') && isMethodName(method)) {
      try {
        return { ok: true, value: await answer(method, input) };
      } catch (err) {
        if (err instanceof ContractError) return fail(err.code, err.message);
        // parseServerAddress and the probe word their errors for the user.
        return fail('unavailable', err instanceof Error ? err.message : String(err));
      }
    }
    if (local) return local.dispatch(method, input, client);
    if (!link || !isMethodName(method)) return fail('unknown-method', `unknown method ${String(method)}`);
    const result = await link.dispatch(method, input);
    // The window's local event filter follows what it declared to the server.
    if (result.ok && method === 'events:subscribe' && client) {
      const declared = methods['events:subscribe'].input.safeParse(input);
      if (declared.success) client.subscription.replace(declared.data);
    }
    return result;
  };

  return {
    dispatch,
    events: {
      subscribe(listener) {
        listeners.add(listener);
        return () => listeners.delete(listener);
      },
    },
    tell: emit,
    resumed(sleptMs) {
      local?.resumed(sleptMs);
    },
    async stop() {
      dropServer();
      await stopLocal();
    },
  };
}

/** One notification for what the server delivered while this app was away, however many. */
export function deliveredNotice(
  server: Pick<PairedServer, 'address'>,
  alerts: readonly Alert[],
): NativeNotification {
  const newest = alerts.at(-1);
  return {
    title:
      alerts.length === 1
        ? `1 alert from ${server.address} while disconnected`
        : `${alerts.length} alerts from ${server.address} while disconnected`,
    body: newest
      ? `Latest: ${newest.ruleName} — ${newest.symbol}${newest.timeframe ? ` ${newest.timeframe}` : ''}`
      : '',
    urgency: alerts.some((a) => a.urgent) ? 'critical' : 'normal',
    ...(newest && newest.timeframe
      ? { target: { exchange: newest.exchange, symbol: newest.symbol, timeframe: newest.timeframe } }
      : {}),
  };
}

import { isIP } from 'node:net';
import { connect as tlsConnect, type ConnectionOptions, type TLSSocket } from 'node:tls';
import { WebSocket } from 'ws';
import {
  CLOSE_CERTIFICATE_CHANGED,
  CLOSE_UNAUTHORIZED,
  MAX_FRAME_BYTES,
} from '../../../shared/contract/wire';
import type { SocketFactory, SocketLike } from '../../../shared/contract/ws-client';
import { normalizeFingerprint } from '../../../shared/domain/pairing';

/** Where a server is: what the user typed in "Connect to a server", checked. */
export type ServerAddress = { host: string; port: number };

/** The headless server's socket path (src/main/headless/socket-binding.ts). */
const SOCKET_PATH = '/ws';
const CONNECT_TIMEOUT_MS = 15_000;

/** Accepts `host:port`, `[v6]:port`, or a copied `https://host:port/…` / `wss://…` URL. */
export function parseServerAddress(text: string): ServerAddress {
  const trimmed = text.trim();
  const withScheme = /^[a-z]+:\/\//i.test(trimmed) ? trimmed : `https://${trimmed}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    throw new Error(`"${text}" is not a server address: write it as host:port, e.g. 192.168.1.20:8443`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'wss:') {
    throw new Error(
      'a server is reached over TLS only (https:// or wss://): plain HTTP would show the pairing token to the network',
    );
  }
  if (url.port === '')
    throw new Error(`"${text}" has no port: write it as host:port (the server printed its port)`);
  const host = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
  return { host, port: Number(url.port) };
}

export const formatServerAddress = ({ host, port }: ServerAddress): string =>
  `${isIP(host) === 6 ? `[${host}]` : host}:${port}`;

/** The server presented a certificate other than the one pinned at pairing; nothing was sent to it. */
export class CertificateChangedError extends Error {
  constructor(
    readonly seen: string,
    readonly pinned: string,
  ) {
    super(
      `the server's certificate changed: its fingerprint is now ${seen}, not ${pinned} as confirmed when pairing. ` +
        'Nothing was sent to it. If the server was not given a new certificate, someone may be intercepting the connection; ' +
        'if it was, pair again to confirm the new fingerprint.',
    );
    this.name = 'CertificateChangedError';
  }
}

type TlsConnect = (options: ConnectionOptions) => TLSSocket;

/**
 * Opens TLS to the server and reads its certificate's SHA-256 fingerprint before a single byte is
 * written. The certificate is self-signed (or from a CA we do not consult): what makes it trusted is
 * that its fingerprint equals the pinned one, which this checks instead of a CA chain — with
 * `expected` undefined (the pairing form's probe) it only reports what it saw and the socket is closed.
 */
export function openTls(
  address: ServerAddress,
  expected: string | undefined,
  connect: TlsConnect = tlsConnect,
): Promise<{ socket: TLSSocket; fingerprint: string }> {
  return new Promise((resolve, reject) => {
    const socket = connect({
      host: address.host,
      port: address.port,
      // SNI takes names only, never IP literals (RFC 6066, 3).
      ...(isIP(address.host) === 0 ? { servername: address.host } : {}),
      // The CA check is replaced by the fingerprint comparison below, never skipped: no byte goes
      // out before it passed, and a mismatch ends the connection.
      rejectUnauthorized: false,
      minVersion: 'TLSv1.2',
    });
    const timer = setTimeout(
      () =>
        fail(
          new Error(`${formatServerAddress(address)} did not answer within ${CONNECT_TIMEOUT_MS / 1000} s`),
        ),
      CONNECT_TIMEOUT_MS,
    );
    const fail = (err: Error) => {
      clearTimeout(timer);
      socket.destroy();
      reject(err);
    };
    socket.once('error', (err: NodeJS.ErrnoException) =>
      fail(new Error(`cannot reach ${formatServerAddress(address)} over TLS: ${err.code ?? err.message}`)),
    );
    socket.once('secureConnect', () => {
      clearTimeout(timer);
      const seen = socket.getPeerCertificate().fingerprint256;
      const pinned = expected === undefined ? undefined : normalizeFingerprint(expected);
      if (!seen) return fail(new Error('the server presented no certificate'));
      if (pinned !== undefined && normalizeFingerprint(seen) !== pinned)
        return fail(new CertificateChangedError(seen, pinned));
      socket.removeAllListeners('error');
      resolve({ socket, fingerprint: seen });
    });
  });
}

/** The pairing form's first step: the fingerprint the server presents, for its user to compare. */
export async function probeFingerprint(address: ServerAddress, connect?: TlsConnect): Promise<string> {
  const { socket, fingerprint } = await openTls(address, undefined, connect);
  socket.destroy();
  return fingerprint;
}

type Listener = Parameters<SocketLike['addEventListener']>[1];
type EventType = Parameters<SocketLike['addEventListener']>[0];

/**
 * Sockets for the contract client (ws-client.ts) to a paired server: TLS pinned to the fingerprint,
 * the token in an Authorization header (never in a URL a proxy might log). A changed certificate or a
 * refused token closes with a code the client does not retry (wire.ts, FINAL_CLOSE_CODES).
 */
export function pinnedSocketFactory(opts: {
  address: ServerAddress;
  token: string;
  fingerprint: string;
  connect?: TlsConnect;
}): SocketFactory {
  return () => {
    const listeners = new Map<EventType, Set<Listener>>();
    const emit = (type: EventType, ev: Parameters<Listener>[0]) => {
      for (const l of listeners.get(type) ?? []) l(ev);
    };
    let ws: WebSocket | undefined;
    let abandoned = false;
    const self: SocketLike = {
      readyState: 0,
      send: (data) => ws?.send(data),
      close(code, reason) {
        abandoned = true;
        if (ws) ws.close(code, reason);
      },
      addEventListener(type, listener) {
        let set = listeners.get(type);
        if (!set) listeners.set(type, (set = new Set()));
        set.add(listener);
      },
    };
    const closed = (code: number, reason: string) => {
      if (self.readyState === 3) return;
      self.readyState = 3;
      emit('close', { code, reason });
    };
    openTls(opts.address, opts.fingerprint, opts.connect).then(
      ({ socket }) => {
        if (abandoned) {
          socket.destroy();
          return closed(1000, 'client closed');
        }
        let refusal: string | undefined;
        ws = new WebSocket(`wss://${formatServerAddress(opts.address)}${SOCKET_PATH}`, {
          createConnection: () => socket,
          headers: { Authorization: `Bearer ${opts.token}` },
          maxPayload: 64 * MAX_FRAME_BYTES,
          perMessageDeflate: false,
          handshakeTimeout: CONNECT_TIMEOUT_MS,
        });
        ws.on('open', () => {
          self.readyState = 1;
          emit('open', {});
        });
        ws.on('message', (data, isBinary) => {
          if (!isBinary) emit('message', { data: String(data) });
        });
        ws.on('error', (err) => {
          // ws words a refused handshake "Unexpected server response: 401".
          if (/\b401\b/.test(err.message))
            refusal =
              "the server refused this client's pairing token: it was revoked or is wrong. Pair again with a new token (npm run serve -- --pair NAME on the server)";
        });
        ws.on('close', (code, reason) =>
          refusal ? closed(CLOSE_UNAUTHORIZED, refusal) : closed(code, reason.toString('utf8')),
        );
      },
      (err: Error) =>
        closed(err instanceof CertificateChangedError ? CLOSE_CERTIFICATE_CHANGED : 1006, err.message),
    );
    return self;
  };
}

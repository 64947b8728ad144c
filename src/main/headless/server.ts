import { existsSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { hostname, networkInterfaces } from 'node:os';
import { join } from 'node:path';
import type { Duplex } from 'node:stream';
import type { Core } from '../core/app';
import type { Logger } from '../core/base/log';
import type { PairedClients } from '../core/pairing/paired-clients';
import { createAccessToken, type AccessToken } from './access-token';
import { allowedHostNames, createHostPolicy, urlHost } from './host-policy';
import { createPageHandler } from './page-handler';
import { createRefusalLog } from './refusal-log';
import { createSocketBinding, type SocketBinding } from './socket-binding';

export type HeadlessServerOptions = {
  core: Pick<Core, 'dispatch' | 'events'>;
  rendererDir: string;
  /** undefined: 127.0.0.1 and ::1 only. */
  host?: string;
  /** 0 picks a free port. */
  port: number;
  log: Logger;
  token?: AccessToken;
  /** the clients paired with this server; each may connect with its own token */
  paired?: PairedClients;
  /** PEM certificate and key: HTTPS and WSS instead of plain HTTP */
  tls?: { cert: string; key: string };
};

export type HeadlessServer = {
  /** The page URL with the token: printed once on stdout, never logged. */
  readonly url: string;
  readonly port: number;
  /** The addresses listened on: 127.0.0.1 and ::1 by default, 127.0.0.1 alone where IPv6 is off. */
  readonly addresses: readonly string[];
  readonly sockets: SocketBinding;
  close(): Promise<void>;
};

/** A failure to start that the user can act on (port taken, renderer not built…): exit code 1. */
export class ServeError extends Error {
  /** The system error code behind it (EADDRINUSE…), when there is one. */
  readonly code: string | undefined;

  constructor(message: string, code?: string) {
    super(message);
    this.name = 'ServeError';
    this.code = code;
  }
}

const LOOPBACK_V4 = '127.0.0.1';
const LOOPBACK_V6 = '::1';
const PORT_RETRIES = 5;

/** Serves the built renderer and the contract socket on the requested address. */
export async function startHeadlessServer(opts: HeadlessServerOptions): Promise<HeadlessServer> {
  if (!existsSync(join(opts.rendererDir, 'index.html'))) {
    throw new ServeError(
      `the UI is not built (no index.html in ${opts.rendererDir}): run \`npm run build\` first (npm run serve does it)`,
    );
  }
  const log = opts.log;
  const token = opts.token ?? createAccessToken();

  // Requests can only arrive once the first server listens, but the handlers need the final port:
  // until they exist the servers answer 503.
  const ready: {
    onRequest?: (req: IncomingMessage, res: ServerResponse) => void;
    sockets?: SocketBinding;
  } = {};
  const onRequest = (req: IncomingMessage, res: ServerResponse) => {
    if (ready.onRequest) return ready.onRequest(req, res);
    res.writeHead(503).end();
  };
  const tls = opts.tls;
  const makeServer = (): Server => {
    const server = tls
      ? createTlsServer({ cert: tls.cert, key: tls.key, minVersion: 'TLSv1.2' }, onRequest)
      : createServer(onRequest);
    server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
      if (ready.sockets) return ready.sockets.handleUpgrade(req, socket, head);
      socket.destroy();
    });
    server.on('clientError', (_err, socket) => {
      if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
    });
    return server;
  };

  const servers = await listenAll(makeServer, opts.host, opts.port, log);
  const port = (servers[0]!.address() as AddressInfo).port;
  const scheme = tls ? 'https' : 'http';
  const hosts = createHostPolicy(allowedHostNames(opts.host, networkInterfaces(), hostname()), port, scheme);
  const refusals = createRefusalLog(log.child('refused'));
  const sockets = createSocketBinding({
    refusals,
    dispatch: opts.core.dispatch,
    events: opts.core.events,
    token,
    ...(opts.paired ? { paired: opts.paired } : {}),
    hosts,
    log: log.child('socket'),
  });
  ready.sockets = sockets;
  ready.onRequest = createPageHandler({
    rendererDir: opts.rendererDir,
    token,
    ...(opts.paired ? { paired: opts.paired } : {}),
    secure: tls !== undefined,
    hosts,
    cookieName: `candlewatch-page-${port}`,
    refusals,
    log: log.child('http'),
  });

  const shownHost =
    opts.host === undefined || opts.host === '0.0.0.0' || opts.host === '::' ? LOOPBACK_V4 : opts.host;
  return {
    url: `${scheme}://${urlHost(shownHost)}:${port}/?token=${token.value}`,
    port,
    addresses: servers.map((server) => (server.address() as AddressInfo).address),
    sockets,
    async close() {
      await sockets.close();
      await Promise.all(servers.map(closeServer));
      refusals.close();
    },
  };
}

async function listenAll(
  makeServer: () => Server,
  host: string | undefined,
  port: number,
  log: Logger,
): Promise<Server[]> {
  if (host !== undefined) {
    const server = makeServer();
    await listen(server, port, host);
    return [server];
  }
  // Two servers on one port: port 0 gives the IPv4 one a free port, the IPv6 one must then get the
  // same. Should that port be taken on ::1, try again with another free port.
  for (let attempt = 1; ; attempt++) {
    const v4 = makeServer();
    await listen(v4, port, LOOPBACK_V4);
    const chosen = (v4.address() as AddressInfo).port;
    const v6 = makeServer();
    try {
      await listen(v6, chosen, LOOPBACK_V6);
      return [v4, v6];
    } catch (err) {
      const code = err instanceof ServeError ? err.code : undefined;
      if (code === 'EADDRNOTAVAIL' || code === 'EAFNOSUPPORT') {
        log.info('IPv6 loopback is not available; listening on 127.0.0.1 only');
        return [v4];
      }
      await closeServer(v4);
      if (port !== 0 || code !== 'EADDRINUSE' || attempt >= PORT_RETRIES) throw err;
    }
  }
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException) => reject(listenError(err, port, host));
    server.once('error', onError);
    server.listen({ port, host, exclusive: true }, () => {
      server.off('error', onError);
      resolve();
    });
  });
}

function listenError(err: NodeJS.ErrnoException, port: number, host: string): ServeError {
  const where = `${urlHost(host)}:${port}`;
  const message =
    err.code === 'EADDRINUSE'
      ? `${where} is already in use: pick another --port (0 picks a free one)`
      : err.code === 'EACCES'
        ? `no permission to listen on ${where}: use a port above 1023`
        : err.code === 'EADDRNOTAVAIL'
          ? `${host} is not an address of this machine`
          : err.code === 'ENOTFOUND'
            ? `cannot resolve host name ${host}`
            : `cannot listen on ${where}: ${err.message}`;
  return new ServeError(message, err.code);
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    if (!server.listening) return resolve();
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

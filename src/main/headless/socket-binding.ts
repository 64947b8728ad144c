import type { IncomingMessage } from 'node:http';
import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocket, WebSocketServer, type RawData } from 'ws';
import { z } from 'zod';
import { fail, type Result } from '../../shared/contract/result';
import {
  callFrameSchema,
  CLOSE_NOT_READING,
  CLOSE_REVOKED,
  MAX_FRAME_BYTES,
  type EventFrame,
  type ResultFrame,
} from '../../shared/contract/wire';
import { ClientSubscription, type ClientContext } from '../core/contract/client-subscription';
import type { Dispatch } from '../core/contract/dispatch';
import type { EventHub } from '../core/events';
import type { Logger } from '../core/base/log';
import type { PairedClients } from '../core/pairing/paired-clients';
import type { AccessToken } from './access-token';
import type { HostPolicy } from './host-policy';
import type { RefusalLog } from './refusal-log';

export const SOCKET_PATH = '/ws';

/**
 * A frame that cannot be tied to a call (not JSON, binary, no usable id) is answered with a result
 * frame of id 0: clients number their calls from 1, so the error is visible and resolves nothing.
 */
export const UNATTRIBUTED_ID = 0;

/** A client that lets this much pile up is not reading: it is dropped and reconnects to a fresh state. */
const MAX_BUFFERED_BYTES = 8 * 1024 * 1024;
/**
 * Calls of one client being answered at once; past it the server stops reading that client's socket
 * until some finish, so TCP pushes back on a client that sends faster than it reads.
 */
const MAX_CALLS_IN_FLIGHT = 64;
const CLOSE_GRACE_MS = 1_000;

export type SocketBindingOptions = {
  dispatch: Dispatch;
  events: EventHub;
  token: AccessToken;
  /** the clients paired with this server (`--pair`); each may connect with its own token */
  paired?: PairedClients;
  hosts: HostPolicy;
  log: Logger;
  /** where refused sockets are counted (shared with the page handler) */
  refusals: RefusalLog;
  /** bytes of replies and events waiting for one client before it is dropped (tests lower it) */
  maxBufferedBytes?: number;
  /** how long a dropped client has to take its close frame before its socket is cut */
  closeGraceMs?: number;
};

type Client = ClientContext & {
  inFlight: number;
  dropped: boolean;
  /** the paired client whose token opened it; undefined for the start's access token */
  pairedId: string | undefined;
};

export type SocketBinding = {
  /** For the HTTP servers' 'upgrade' event. */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void;
  readonly clientCount: number;
  /** open connections of a paired client */
  connectionsOf(pairedId: string): number;
  /** Closes the connections of a paired client whose pairing was revoked (CLOSE_REVOKED); returns how many. */
  disconnectPaired(pairedId: string): number;
  /** Closes every socket (1001) and stops forwarding events. */
  close(): Promise<void>;
};

/**
 * The contract over WebSocket: calls go to the core's dispatcher, core events go out as event frames
 * to each client that wants them (its `events:subscribe` declaration).
 */
export function createSocketBinding(opts: SocketBindingOptions): SocketBinding {
  const { log } = opts;
  const maxBuffered = opts.maxBufferedBytes ?? MAX_BUFFERED_BYTES;
  const graceMs = opts.closeGraceMs ?? CLOSE_GRACE_MS;
  const clients = new Map<WebSocket, Client>();
  // perMessageDeflate stays off: a compressed frame could inflate far past maxPayload.
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_FRAME_BYTES, perMessageDeflate: false });

  const unsubscribe = opts.events.subscribe((event, payload) => {
    if (clients.size === 0) return;
    // Serialized once, and only if some client wants it.
    let text: string | undefined;
    for (const [ws, client] of clients) {
      if (ws.readyState !== WebSocket.OPEN || !client.subscription.wants(event, payload)) continue;
      text ??= JSON.stringify({ t: 'event', event, payload } satisfies EventFrame);
      send(ws, client, text);
    }
  });

  /**
   * Every frame to a client goes through here, replies and events alike: what waits in its socket's
   * buffer is bounded, and past the bound the client is dropped rather than buffered without end.
   */
  const send = (ws: WebSocket, client: Client, text: string) => {
    if (client.dropped || ws.readyState !== WebSocket.OPEN) return;
    if (ws.bufferedAmount + Buffer.byteLength(text) > maxBuffered) return drop(ws, client);
    ws.send(text);
  };

  const drop = (ws: WebSocket, client: Client) => {
    log.warn('dropped a client that stopped reading', {
      buffered: ws.bufferedAmount,
      code: CLOSE_NOT_READING,
    });
    shut(
      ws,
      client,
      CLOSE_NOT_READING,
      `not reading: more than ${Math.round(maxBuffered / 1024)} KiB waiting`,
    );
  };

  /**
   * Closes a client the server gives up on. Its further calls are discarded as they arrive (the socket
   * keeps being read, so its closing handshake completes); the close frame queues behind what it has
   * not read yet, and the socket is cut if it does not take it in time.
   */
  const shut = (ws: WebSocket, client: Client, code: number, reason: string) => {
    client.dropped = true;
    if (ws.isPaused) ws.resume();
    const timer = setTimeout(() => ws.terminate(), graceMs);
    ws.once('close', () => clearTimeout(timer));
    ws.close(code, reason);
  };

  const refuse = (socket: Duplex, status: number, reason: string) => {
    opts.refusals.refused(reason, { status });
    const body = `${reason}\n`;
    socket.on('error', () => {});
    socket.end(
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nConnection: close\r\n` +
        `Content-Type: text/plain; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
    );
  };

  const handleUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    let url: URL;
    try {
      url = new URL(req.url ?? '/', 'http://candlewatch.invalid');
    } catch {
      return refuse(socket, 400, 'bad request');
    }
    const bearer = bearerToken(req.headers.authorization);
    const presented = bearer ?? url.searchParams.get('token');
    // Browsers always send Origin on a WebSocket handshake and cannot set Authorization on one, so a
    // handshake with a bearer token and no Origin is a program (the desktop app attached to this
    // server). It is admitted by its pairing token alone, whatever name it reached the server by (a
    // DNS name, a NAT): the Host and Origin checks below stop hostile web pages and DNS rebinding,
    // which only happen in a browser.
    if (req.headers.origin === undefined && bearer !== undefined) {
      if (url.pathname !== SOCKET_PATH) return refuse(socket, 404, 'no socket at this path');
      const program = opts.paired?.verify(bearer);
      if (!program) return refuse(socket, 401, 'missing, wrong or revoked token');
      return wss.handleUpgrade(req, socket, head, (ws) => bind(ws, program.id));
    }
    const host = req.headers.host;
    if (!opts.hosts.allowsHost(host)) return refuse(socket, 403, 'foreign Host header');
    if (url.pathname !== SOCKET_PATH) return refuse(socket, 404, 'no socket at this path');
    // Checking Origin stops other web pages (which cannot know the token anyway) from even trying.
    if (!opts.hosts.allowsOrigin(req.headers.origin, host)) return refuse(socket, 403, 'foreign Origin');
    if (opts.token.matches(presented))
      return wss.handleUpgrade(req, socket, head, (ws) => bind(ws, undefined));
    // A browser tab opened with a pairing token (https://server/?token=cwp_…).
    const paired = opts.paired?.verify(presented);
    if (paired) return wss.handleUpgrade(req, socket, head, (ws) => bind(ws, paired.id));
    refuse(socket, 401, 'missing, wrong or revoked token');
  };

  const bind = (ws: WebSocket, pairedId: string | undefined) => {
    // A new connection is a new client: it starts with no declaration, even after a reconnect.
    const client: Client = { subscription: new ClientSubscription(), inFlight: 0, dropped: false, pairedId };
    clients.set(ws, client);
    log.info('client connected', { clients: clients.size });
    ws.on('close', (code) => {
      clients.delete(ws);
      client.subscription.close();
      log.info('client disconnected', { code, clients: clients.size });
    });
    // ws reports an oversize or broken frame here, then closes the socket itself (1009 / 1002).
    ws.on('error', (err) => log.warn('socket error', { error: err }));
    ws.on('message', (data, isBinary) => {
      if (client.dropped) return;
      if (++client.inFlight >= MAX_CALLS_IN_FLIGHT) ws.pause();
      void answer(ws, client, data, isBinary).finally(() => {
        if (--client.inFlight < MAX_CALLS_IN_FLIGHT && !client.dropped && ws.isPaused) ws.resume();
      });
    });
  };

  const answer = async (ws: WebSocket, client: Client, data: RawData, isBinary: boolean) => {
    const reply = (id: number, result: Result<unknown>) => send(ws, client, resultText(id, result));
    if (isBinary) return reply(UNATTRIBUTED_ID, fail('invalid-input', 'frames must be JSON text'));
    let json: unknown;
    try {
      json = JSON.parse(rawText(data));
    } catch {
      return reply(UNATTRIBUTED_ID, fail('invalid-input', 'frame is not valid JSON'));
    }
    const frame = callFrameSchema.safeParse(json);
    if (!frame.success) {
      return reply(idOf(json), fail('invalid-input', `not a call frame: ${z.prettifyError(frame.error)}`));
    }
    let result: Result<unknown>;
    try {
      result = await opts.dispatch(frame.data.method, frame.data.input, client);
    } catch (err) {
      // The dispatcher turns handler failures into data; this is only a last line of defence.
      log.error('dispatch threw', { method: frame.data.method, error: err });
      result = fail('internal', `${frame.data.method} failed`);
    }
    reply(frame.data.id, result);
  };

  const resultText = (id: number, result: Result<unknown>): string => {
    try {
      return JSON.stringify({ t: 'result', id, result } satisfies ResultFrame);
    } catch (err) {
      log.error('cannot serialize a result', { error: err });
      return JSON.stringify({
        t: 'result',
        id,
        result: fail('internal', 'the result could not be serialized'),
      } satisfies ResultFrame);
    }
  };

  return {
    handleUpgrade,
    get clientCount() {
      return clients.size;
    },
    connectionsOf: (pairedId) => [...clients.values()].filter((c) => c.pairedId === pairedId).length,
    disconnectPaired(pairedId) {
      let closed = 0;
      for (const [ws, client] of clients) {
        if (client.pairedId !== pairedId) continue;
        closed++;
        // Nothing more reaches it from now on, even before its close handshake completes.
        shut(ws, client, CLOSE_REVOKED, 'the pairing of this client was revoked on the server');
      }
      if (closed > 0) log.info('closed the connections of a revoked client', { closed });
      return closed;
    },
    async close() {
      unsubscribe();
      await Promise.all(
        [...clients.keys()].map(
          (ws) =>
            new Promise<void>((resolve) => {
              ws.once('close', () => resolve());
              const timer = setTimeout(() => ws.terminate(), graceMs);
              ws.once('close', () => clearTimeout(timer));
              ws.close(1001, 'Candlewatch is shutting down');
            }),
        ),
      );
      wss.close();
    },
  };
}

function bearerToken(header: string | undefined): string | undefined {
  const match = /^Bearer (\S+)$/.exec(header ?? '');
  return match?.[1];
}

function rawText(data: RawData): string {
  if (Buffer.isBuffer(data)) return data.toString('utf8');
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.from(data).toString('utf8');
}

function idOf(json: unknown): number {
  if (typeof json !== 'object' || json === null || !('id' in json)) return UNATTRIBUTED_ID;
  const id = (json as { id: unknown }).id;
  return typeof id === 'number' && Number.isSafeInteger(id) && id >= 0 ? id : UNATTRIBUTED_ID;
}

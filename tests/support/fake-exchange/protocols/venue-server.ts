import { Agent, createServer, type RequestListener } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { realNow, type Now } from '../clock';
import type { FakeVenueOptions, VenueFaults } from '../fake-venue';
import { FaultPlan } from '../faults';
import { SECONDS_PER_DAY, type EmptyIntervals } from '../price-series';
import type { RestLogEntry } from '../rest-handler';
import { SocketHub } from '../socket-hub';
import { Venue } from '../venue';

const DAY_MS = SECONDS_PER_DAY * 1000;

/** What every protocol fake is built on: the shared ground truth, its clock, sockets and faults. */
export type VenueParts = {
  /** the spot symbols listed (a swap "BTC/USDT:USDT" trades its spot pair's truth) */
  symbols: string[];
  now: Now;
  venue: Venue;
  faults: FaultPlan;
  hub: SocketHub;
  log: RestLogEntry[];
  updateIntervalMs: number;
};

/**
 * The ground truth starts at the UTC midnight at or before `now - historyMs`; `emptyIntervals` is the
 * exchange's rule for intervals without trades (klines.ts `shown`), cited where each fake sets it.
 */
export function venueParts(
  opts: FakeVenueOptions,
  emptyIntervals: EmptyIntervals,
  defaultSymbols: readonly string[],
): VenueParts {
  const symbols = [...new Set((opts.symbols ?? defaultSymbols).map((s) => s.split(':')[0]!))];
  const now = opts.now ?? realNow;
  const historyMs = opts.historyMs ?? 2 * DAY_MS;
  const startSecond = (Math.floor((now() - historyMs) / DAY_MS) * DAY_MS) / 1000;
  const faults = new FaultPlan();
  return {
    symbols,
    now,
    venue: new Venue(symbols, opts.seed ?? 1, startSecond, { emptyIntervals }),
    faults,
    hub: new SocketHub(faults, now),
    log: [],
    updateIntervalMs: opts.updateIntervalMs ?? 250,
  };
}

/** The faults every fake offers, on top of its parts and its exchange's own frames and answers. */
export function venueFaults(
  parts: VenueParts,
  exchange: { malformedFrame: string | Buffer; rateLimit(count: number): void },
): VenueFaults {
  const { hub, venue } = parts;
  return {
    dropAllConnections: () => hub.dropAll(),
    sendMalformedFrame: () => hub.sendMalformed(exchange.malformedFrame),
    stall: (ms, stallOpts) => hub.stall(ms, stallOpts?.pongs ?? true),
    rateLimit: (count) => exchange.rateLimit(count),
    noTrades: (fromMs, toMs) => venue.noTrades(fromMs, toMs),
  };
}

/** A copy of the REST log, so a caller cannot change what later entries are compared with. */
export function copyRestLog(parts: VenueParts): RestLogEntry[] {
  return parts.log.map((entry) => ({ ...entry, query: { ...entry.query } }));
}

export type ListeningVenue = {
  /** http://127.0.0.1:PORT */
  restUrl: string;
  /** ws://127.0.0.1:PORT */
  wsBase: string;
  /** for ccxt's `httpAgent`, so its keep-alive sockets are closed with the server */
  httpAgent: Agent;
  close(): Promise<void>;
};

/**
 * Listens on a free loopback port: REST through `rest`; a WebSocket opened on a path `socketOf`
 * knows goes to its handler, any other is answered 404. The `ws` library's automatic pongs are off:
 * the hub answers heartbeats, so a stall can withhold them. `stop` ends the fake's push loops.
 */
export async function listenVenue(
  parts: VenueParts,
  rest: RequestListener,
  socketOf: (url: URL) => ((ws: WebSocket) => void) | undefined,
  stop: () => void,
): Promise<ListeningVenue> {
  const server = createServer(rest);
  const wss = new WebSocketServer({ noServer: true, autoPong: false });
  server.on('upgrade', (req, socket, head) => {
    const attach = socketOf(new URL(req.url ?? '/', 'http://127.0.0.1'));
    if (!attach) {
      socket.end('HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    wss.handleUpgrade(req, socket, head, attach);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const httpAgent = new Agent();
  return {
    restUrl: `http://127.0.0.1:${port}`,
    wsBase: `ws://127.0.0.1:${port}`,
    httpAgent,
    async close() {
      stop();
      parts.hub.close();
      wss.close();
      httpAgent.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

import { Agent, createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer } from 'ws';
import type { Candle } from '../../../../src/shared/domain/market';
import { realNow, type Now } from '../clock';
import type { FakeVenue, FakeVenueOptions, VenueFaults } from '../fake-venue';
import { FaultPlan, type RestFaultAnswer } from '../faults';
import { SECONDS_PER_DAY } from '../price-series';
import type { RestLogEntry } from '../rest-handler';
import { SocketHub, type Connection } from '../socket-hub';
import { Venue, type Listing } from '../venue';

/** One REST request as a protocol's route sees it. */
export type ProtocolRequest = {
  method: string;
  path: string;
  query: Record<string, string>;
  body: string;
  now: number;
};

export type ProtocolAnswer = { status: number; body: unknown };
export type ProtocolRoute = (request: ProtocolRequest) => ProtocolAnswer;

/** What a protocol module shares with the server: the market, the sockets and the fault plan. */
export type ProtocolContext = {
  venue: Venue;
  hub: SocketHub;
  faults: FaultPlan;
  updateIntervalMs: number;
  /** the exchange's clock (tests/support/fake-exchange/clock.ts) */
  now: Now;
  /** where the server listens, filled in once it does (a handshake may hand out the socket url) */
  address: { rest: string; ws: string };
};

/** One exchange's protocol on top of the shared ground truth (tests/support/fake-exchange/venue.ts). */
export type Protocol = {
  /** the ccxt id the fake speaks to */
  id: string;
  /** `"GET /path"` → route */
  routes: Map<string, ProtocolRoute>;
  /** the handler of a WebSocket opened on `path`, or undefined (answered 404) */
  socket(path: string, query: URLSearchParams): ((connection: Connection) => void) | undefined;
  /** ccxt constructor options with every REST and WS url pointed at this server (JSON only) */
  ccxtConfig(restUrl: string, wsBase: string): Record<string, unknown>;
  /** the exchange's own rate-limit reply, with its own code */
  rateLimitAnswer(): RestFaultAnswer;
  /** a frame the exchange's client cannot read */
  malformedFrame(): string | Buffer;
  /** closed candles of a ccxt symbol as ccxt parses them from this protocol (units included), at `now` */
  truth(listing: Listing, symbol: string, timeframe: string, from: number, to: number, now: number): Candle[];
  close(): void;
};

/** A running fake of one exchange protocol: the shared FakeVenue contract, plus a few extras. */
export type ProtocolFake = FakeVenue & {
  restUrl: string;
  wsBase: string;
  faults: VenueFaults & {
    /** terminates the oldest socket */
    dropOneConnection(): void;
    /** the next `count` REST calls are answered `ms` late */
    restDelay(ms: number, count: number): void;
  };
  wsStats(): { connections: number; framesSent: number };
};

const DAY_MS = SECONDS_PER_DAY * 1000;

/** The ccxt symbol's ground-truth listing: a swap ("BTC/USDT:USDT") trades the spot series. */
export function listingOf(venue: Venue, symbol: string): Listing {
  const listing = venue.bySymbol(symbol.split(':')[0]!);
  if (!listing) throw new Error(`Fake exchange: ${symbol} is not listed`);
  return listing;
}

export async function startProtocolFake(
  makeProtocol: (context: ProtocolContext) => Protocol,
  opts: FakeVenueOptions = {},
): Promise<ProtocolFake> {
  // A swap ("BTC/USDT:USDT") trades the ground truth of its spot pair.
  const symbols = [...new Set((opts.symbols ?? ['BTC/USDT', 'ETH/USDT']).map((s) => s.split(':')[0]!))];
  const historyMs = opts.historyMs ?? 2 * DAY_MS;
  const now = opts.now ?? realNow;
  const startSecond = (Math.floor((now() - historyMs) / DAY_MS) * DAY_MS) / 1000;
  const venue = new Venue(symbols, opts.seed ?? 1, startSecond);
  const faults = new FaultPlan();
  const hub = new SocketHub(faults, now);
  const address = { rest: '', ws: '' };
  const protocol = makeProtocol({
    venue,
    hub,
    faults,
    now,
    address,
    updateIntervalMs: opts.updateIntervalMs ?? 250,
  });
  const log: RestLogEntry[] = [];

  const server = createServer((req, res) => {
    void answerRest(protocol, faults, log, now, req, res).catch((error: unknown) => {
      res.writeHead(500, { 'Content-Type': 'text/plain' });
      res.end(`fake exchange failure: ${error instanceof Error ? error.stack : String(error)}`);
    });
  });
  // WebSocket ping frames are answered by the hub, so a stall can withhold them.
  const wss = new WebSocketServer({ noServer: true, autoPong: false });
  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const attach = protocol.socket(url.pathname, url.searchParams);
    if (!attach) {
      socket.end('HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => attach(hub.add(ws, 'market')));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const restUrl = `http://127.0.0.1:${port}`;
  const wsBase = `ws://127.0.0.1:${port}`;
  address.rest = restUrl;
  address.ws = wsBase;
  const httpAgent = new Agent();
  const ccxtJsonConfig = (): Record<string, unknown> => protocol.ccxtConfig(restUrl, wsBase);

  return {
    exchange: protocol.id,
    restUrl,
    wsBase,
    ccxtJsonConfig,
    ccxtConfig: () => ({ ...ccxtJsonConfig(), httpAgent }),
    truth: (symbol, timeframe, from, to) =>
      protocol.truth(listingOf(venue, symbol), symbol, timeframe, from, to, now()),
    faults: {
      dropAllConnections: () => hub.dropAll(),
      dropOneConnection: () => void hub.dropOldest(),
      sendMalformedFrame: () => hub.sendMalformed(protocol.malformedFrame()),
      stall: (ms, stallOpts) => hub.stall(ms, stallOpts?.pongs ?? true),
      rateLimit: (count) => faults.queueAnswer(protocol.rateLimitAnswer(), count),
      restDelay: (ms, count) => faults.queueDelay(ms, count),
    },
    restLog: () => log.map((entry) => ({ ...entry, query: { ...entry.query } })),
    wsStats: () => ({ connections: hub.all().length, framesSent: hub.framesSent }),
    async close() {
      protocol.close();
      hub.close();
      wss.close();
      httpAgent.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

async function answerRest(
  protocol: Protocol,
  faults: FaultPlan,
  log: RestLogEntry[],
  now: () => number,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const at = now();
  const url = new URL(req.url ?? '/', 'http://127.0.0.1');
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const method = req.method ?? 'GET';
  const query = Object.fromEntries(url.searchParams);
  const entry: RestLogEntry = { at, method, path: url.pathname, query, status: 0 };
  const delay = faults.takeDelay();
  if (delay > 0) await sleep(delay);
  const headers: Record<string, string> = { 'Content-Type': 'application/json' };
  const fault = faults.takeStatus();
  let status: number;
  let body: string;
  if (fault) {
    entry.fault = true;
    status = fault.status;
    body = fault.body;
    Object.assign(headers, fault.headers);
    if (fault.retryAfterSec !== undefined) {
      headers['Retry-After'] = String(fault.retryAfterSec);
      entry.retryAfterSec = fault.retryAfterSec;
    }
  } else {
    const route = protocol.routes.get(`${method} ${url.pathname}`);
    const answer: ProtocolAnswer = route
      ? route({
          method,
          path: url.pathname,
          query,
          body: Buffer.concat(chunks).toString('utf8'),
          now: now(),
        })
      : { status: 404, body: { code: 404, msg: `Fake exchange: no route for ${method} ${url.pathname}` } };
    status = answer.status;
    body = JSON.stringify(answer.body);
  }
  entry.status = status;
  log.push(entry);
  res.writeHead(status, headers);
  res.end(body);
}

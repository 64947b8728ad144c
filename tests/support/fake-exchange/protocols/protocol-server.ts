import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Candle } from '../../../../src/shared/domain/market';
import type { Now } from '../clock';
import type { FakeVenue, FakeVenueOptions, VenueFaults } from '../fake-venue';
import type { DerivativesSide, FakeDerivatives } from '../derivatives';
import type { FaultPlan, RestFaultAnswer } from '../faults';
import type { EmptyIntervals } from '../price-series';
import type { RestLogEntry } from '../rest-handler';
import type { Connection, SocketHub } from '../socket-hub';
import type { Listing, Venue } from '../venue';
import { copyRestLog, listenVenue, venueFaults, venueParts } from './venue-server';

/** One REST request as a protocol's route sees it. */
export type ProtocolRequest = {
  method: string;
  path: string;
  query: Record<string, string>;
  /** the query string exactly as sent, for signature checks */
  rawQuery: string;
  headers: IncomingMessage['headers'];
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
  /** the fake's seed (FakeVenueOptions.seed), for what must be deterministic per run besides prices */
  seed: number;
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
  /** the derivatives account behind the private side, where the protocol models one (derivatives.ts) */
  derivatives?: ProtocolDerivatives;
  close(): void;
};

/** A protocol's private derivatives side, as its fake offers it to a test. */
export type ProtocolDerivatives = {
  account: FakeDerivatives;
  /** ccxtJsonConfig() for a derivatives account (swap markets by default) */
  ccxtSwapJsonConfig(restUrl: string, wsBase: string): Record<string, unknown>;
  /** open private sockets that receive position changes */
  positionSubscribers(): number;
};

/**
 * Builds one protocol on a context. `emptyIntervals` is the exchange's rule for intervals without
 * trades (flat bars or nothing), set on the function next to its documentation.
 */
export type ProtocolFactory = {
  (context: ProtocolContext): Protocol;
  emptyIntervals: EmptyIntervals;
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
  /** the private derivatives side, where the protocol models one */
  derivatives?: DerivativesSide;
};

/** The ccxt symbol's ground-truth listing: a swap ("BTC/USDT:USDT") trades the spot series. */
export function listingOf(venue: Venue, symbol: string): Listing {
  const listing = venue.bySymbol(symbol.split(':')[0]!);
  if (!listing) throw new Error(`Fake exchange: ${symbol} is not listed`);
  return listing;
}

export async function startProtocolFake(
  makeProtocol: ProtocolFactory,
  opts: FakeVenueOptions = {},
): Promise<ProtocolFake> {
  const parts = venueParts(opts, makeProtocol.emptyIntervals, ['BTC/USDT', 'ETH/USDT']);
  const { venue, hub, faults, now } = parts;
  const address = { rest: '', ws: '' };
  const protocol = makeProtocol({
    venue,
    hub,
    faults,
    now,
    address,
    seed: opts.seed ?? 1,
    updateIntervalMs: parts.updateIntervalMs,
  });
  const server = await listenVenue(
    parts,
    (req, res) => {
      void answerRest(protocol, faults, parts.log, now, req, res).catch((error: unknown) => {
        res.writeHead(500, { 'Content-Type': 'text/plain' });
        res.end(`fake exchange failure: ${error instanceof Error ? error.stack : String(error)}`);
      });
    },
    (url) => {
      const attach = protocol.socket(url.pathname, url.searchParams);
      return attach ? (ws) => attach(hub.add(ws, 'market')) : undefined;
    },
    () => protocol.close(),
  );
  const { restUrl, wsBase } = server;
  address.rest = restUrl;
  address.ws = wsBase;
  const ccxtJsonConfig = (): Record<string, unknown> => protocol.ccxtConfig(restUrl, wsBase);

  return {
    exchange: protocol.id,
    restUrl,
    wsBase,
    ccxtJsonConfig,
    ccxtConfig: () => ({ ...ccxtJsonConfig(), httpAgent: server.httpAgent }),
    truth: (symbol, timeframe, from, to) =>
      protocol.truth(listingOf(venue, symbol), symbol, timeframe, from, to, now()),
    faults: {
      ...venueFaults(parts, {
        malformedFrame: protocol.malformedFrame(),
        rateLimit: (count) => faults.queueAnswer(protocol.rateLimitAnswer(), count),
      }),
      dropOneConnection: () => void hub.dropOldest(),
      restDelay: (ms, count) => faults.queueDelay(ms, count),
    },
    restLog: () => copyRestLog(parts),
    derivatives: protocol.derivatives && {
      account: protocol.derivatives.account,
      credentials: { ...protocol.derivatives.account.credentials },
      ccxtSwapJsonConfig: () => protocol.derivatives!.ccxtSwapJsonConfig(restUrl, wsBase),
      positionSubscribers: () => protocol.derivatives!.positionSubscribers(),
    },
    wsStats: () => ({ connections: hub.all().length, framesSent: hub.framesSent }),
    close: () => server.close(),
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
          // From req.url: the WHATWG parser re-encodes some characters, and a signature covers the bytes sent.
          rawQuery: (req.url ?? '').split('?').slice(1).join('?'),
          headers: req.headers,
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

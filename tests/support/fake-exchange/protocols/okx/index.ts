import { Agent, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer } from 'ws';
import { realNow } from '../../clock';
import type { FakeVenue, FakeVenueOptions } from '../../fake-venue';
import { FaultPlan } from '../../faults';
import { SECONDS_PER_DAY } from '../../price-series';
import { createRestHandler, type RestLogEntry } from '../../rest-handler';
import { SocketHub } from '../../socket-hub';
import { Venue } from '../../venue';
import { closedBars } from '../bars';
import { OKX_RATE_LIMIT_BODY, okxDialect, okxRoutes } from './okx-rest';
import { OKX_MALFORMED_FRAME, OkxStreams } from './okx-streams';

export { okxChecksum } from './okx-book';
import { OKX_BARS } from './okx-market';

export { OKX_BARS };

export type FakeOkx = FakeVenue & {
  /** http://127.0.0.1:PORT (ccxt's urls.api.rest) */
  restUrl: string;
  /** ws://127.0.0.1:PORT/ws/v5 (ccxt's urls.api.ws; it appends /public, /business, /private) */
  wsUrl: string;
  /** `okx bar` (e.g. '1D', '1Dutc') → closed candles as OKX serves that bar */
  barTruth(
    symbol: string,
    bar: string,
    fromOpenTime: number,
    toOpenTime: number,
  ): ReturnType<FakeVenue['truth']>;
  wsStats(): { connections: number; subscriptions: string[]; framesSent: number };
  /** an `{event: "error", code: "60018"}` frame to every socket, as OKX sends for a bad subscription */
  sendErrorFrame(): void;
  /**
   * No trades on `symbol` for `ms`: OKX pushes candles and tickers only when they change, so its
   * channels go silent while the socket and the other symbols on it carry on.
   */
  quiet(symbol: string, ms: number): void;
};

const DAY_MS = SECONDS_PER_DAY * 1000;

/**
 * A fake OKX v5 (spot) on 127.0.0.1 for the real `ccxt.pro.okx` (4.5.84), sharing the Binance
 * fake's ground truth (same seed, same candles). REST: instruments, time, candles +
 * history-candles, ticker(s). WebSocket: /ws/v5/public (tickers, books) and /ws/v5/business
 * (candles). Faults as FakeVenue. See okx-rest.ts and okx-streams.ts for the documented behaviour
 * each part models.
 */
export async function startFakeOkx(opts: FakeVenueOptions = {}): Promise<FakeOkx> {
  const symbols = opts.symbols ?? ['BTC/USDT', 'ETH/USDT', 'SOL/USDT'];
  const now = opts.now ?? realNow;
  const historyMs = opts.historyMs ?? 2 * DAY_MS;
  const startSecond = (Math.floor((now() - historyMs) / DAY_MS) * DAY_MS) / 1000;
  const venue = new Venue(symbols, opts.seed ?? 1, startSecond);
  const faults = new FaultPlan();
  const log: RestLogEntry[] = [];
  const hub = new SocketHub(faults, now);
  const streams = new OkxStreams(venue, hub, faults, now, opts.updateIntervalMs ?? 250);
  const server = createServer(createRestHandler(okxRoutes(venue), faults, log, now, okxDialect));
  // OKX's heartbeat is the text "ping"; protocol-level pings are not part of its API.
  const wss = new WebSocketServer({ noServer: true, autoPong: false });
  server.on('upgrade', (req, socket, head) => {
    const path = new URL(req.url ?? '/', 'http://127.0.0.1').pathname;
    const match = /^\/ws\/v5\/(public|business|private)$/.exec(path);
    if (!match) {
      socket.end('HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) =>
      streams.attach(ws, match[1] as 'public' | 'business' | 'private'),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const restUrl = `http://127.0.0.1:${port}`;
  const wsUrl = `ws://127.0.0.1:${port}/ws/v5`;
  const httpAgent = new Agent();
  const listingOf = (symbol: string) => {
    const listing = venue.bySymbol(symbol);
    if (!listing) throw new Error(`Fake OKX: ${symbol} is not listed (${symbols.join(', ')})`);
    return listing;
  };
  // `test` too: sandbox mode swaps it in, and must not reach OKX's demo servers.
  const ccxtJsonConfig = (): Record<string, unknown> => ({
    urls: { api: { rest: restUrl, ws: wsUrl }, test: { rest: restUrl, ws: wsUrl } },
    options: { fetchMarkets: { types: ['spot'] } },
  });
  const barTruth: FakeOkx['barTruth'] = (symbol, bar, from, to) => {
    const spec = OKX_BARS[bar];
    if (!spec) throw new Error(`Fake OKX: no bar ${bar}`);
    return closedBars(listingOf(symbol).series, spec, from, to, now());
  };
  return {
    exchange: 'okx',
    restUrl,
    wsUrl,
    ccxtJsonConfig,
    ccxtConfig: () => ({ ...ccxtJsonConfig(), httpAgent }),
    // UTC bars: what the app must store for every timeframe (invariant 8).
    truth: (symbol, timeframe, from, to) =>
      closedBars(listingOf(symbol).series, { timeframe, shiftMs: 0 }, from, to, now()),
    barTruth,
    faults: {
      dropAllConnections: () => hub.dropAll(),
      sendMalformedFrame: () => hub.sendMalformed(OKX_MALFORMED_FRAME),
      stall: (ms, stallOpts) => hub.stall(ms, stallOpts?.pongs ?? true),
      rateLimit: (count) =>
        faults.queueStatus(429, count, { body: OKX_RATE_LIMIT_BODY, retryAfterSec: null }),
    },
    sendErrorFrame: () =>
      hub.sendMalformed(
        JSON.stringify({
          event: 'error',
          code: '60018',
          msg: "Wrong URL or channel doesn't exist.",
          connId: '0',
        }),
      ),
    quiet: (symbol, ms) => streams.quiet(listingOf(symbol), ms),
    restLog: () => log.map((entry) => ({ ...entry, query: { ...entry.query } })),
    wsStats: () => ({
      connections: hub.all().length,
      subscriptions: streams.subscriptions(),
      framesSent: hub.framesSent,
    }),
    async close() {
      streams.close();
      hub.close();
      wss.close();
      httpAgent.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

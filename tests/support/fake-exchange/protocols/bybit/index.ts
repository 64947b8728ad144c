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
import { bybitDialect, bybitRateLimitAnswer, bybitRoutes } from './bybit-rest';
import { BYBIT_MALFORMED_FRAME, BybitStreams } from './bybit-streams';

export type FakeBybit = FakeVenue & {
  restUrl: string;
  /** ws://127.0.0.1:PORT — ccxt's urls.api.ws.public.spot is `${wsBase}/v5/public/spot` */
  wsBase: string;
  wsStats(): { connections: number; subscriptions: string[]; framesSent: number };
};

const DAY_MS = SECONDS_PER_DAY * 1000;

/**
 * A fake Bybit v5 (spot and linear) on 127.0.0.1 for the real `ccxt.pro.bybit` (4.5.84), sharing
 * the Binance fake's ground truth; a linear market (BTC/USDT:USDT) trades on its spot market's truth.
 * REST: time, instruments-info, kline, tickers, orderbook. WebSocket: /v5/public/spot and
 * /v5/public/linear. See bybit-rest.ts and bybit-streams.ts for the documented behaviour each
 * models.
 */
export async function startFakeBybit(opts: FakeVenueOptions = {}): Promise<FakeBybit> {
  const symbols = opts.symbols ?? ['BTC/USDT', 'ETH/USDT', 'SOL/USDT'];
  const now = opts.now ?? realNow;
  const historyMs = opts.historyMs ?? 2 * DAY_MS;
  const startSecond = (Math.floor((now() - historyMs) / DAY_MS) * DAY_MS) / 1000;
  const venue = new Venue(symbols, opts.seed ?? 1, startSecond);
  const faults = new FaultPlan();
  const log: RestLogEntry[] = [];
  const hub = new SocketHub(faults, now);
  const streams = new BybitStreams(venue, hub, faults, now, opts.updateIntervalMs ?? 250);
  const server = createServer(createRestHandler(bybitRoutes(venue), faults, log, now, bybitDialect(now)));
  // Bybit's heartbeat is a JSON {"op":"ping"}; protocol-level pings are not part of its API.
  const wss = new WebSocketServer({ noServer: true, autoPong: false });
  server.on('upgrade', (req, socket, head) => {
    const path = new URL(req.url ?? '/', 'http://127.0.0.1').pathname;
    const match = /^\/v5\/public\/(spot|linear)$/.exec(path);
    if (!match) {
      socket.end('HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => streams.attach(ws, match[1] as 'spot' | 'linear'));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const restUrl = `http://127.0.0.1:${port}`;
  const wsBase = `ws://127.0.0.1:${port}`;
  const httpAgent = new Agent();
  const urls = bybitUrls(restUrl, wsBase);
  // `test` and `demotrading` too: sandbox or demo mode swaps them in.
  const ccxtJsonConfig = (): Record<string, unknown> => ({
    urls: { api: urls, test: urls, demotrading: urls },
    options: { fetchMarkets: { types: ['spot', 'linear'] } },
  });
  return {
    exchange: 'bybit',
    restUrl,
    wsBase,
    ccxtJsonConfig,
    ccxtConfig: () => ({ ...ccxtJsonConfig(), httpAgent }),
    truth(symbol, timeframe, from, to) {
      // BTC/USDT:USDT (the linear perpetual) trades on BTC/USDT's truth.
      const spot = symbol.split(':')[0]!;
      const listing = venue.bySymbol(spot);
      if (!listing) throw new Error(`Fake Bybit: ${symbol} is not listed (${symbols.join(', ')})`);
      return closedBars(listing.series, { timeframe, shiftMs: 0 }, from, to, now());
    },
    faults: {
      dropAllConnections: () => hub.dropAll(),
      sendMalformedFrame: () => hub.sendMalformed(BYBIT_MALFORMED_FRAME),
      stall: (ms, stallOpts) => hub.stall(ms, stallOpts?.pongs ?? true),
      rateLimit: (count) =>
        faults.queueStatus(200, count, { ...bybitRateLimitAnswer(now()), retryAfterSec: null }),
    },
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

/** Every url ccxt's bybit has under urls.api, pointed at this server (private sockets: refused paths). */
function bybitUrls(rest: string, wsBase: string): Record<string, unknown> {
  const unserved = `${wsBase}/unserved`;
  return {
    spot: rest,
    futures: rest,
    v2: rest,
    public: rest,
    private: rest,
    ws: {
      public: {
        spot: `${wsBase}/v5/public/spot`,
        linear: `${wsBase}/v5/public/linear`,
        inverse: `${unserved}/inverse`,
        option: `${unserved}/option`,
      },
      private: {
        spot: { unified: `${unserved}/private`, nonUnified: `${unserved}/private` },
        contract: `${unserved}/private`,
        usdc: `${unserved}/usdc`,
        trade: `${unserved}/trade`,
      },
    },
  };
}

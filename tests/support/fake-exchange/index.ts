import { Agent, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer } from 'ws';
import type { Candle } from '../../../src/shared/domain/market';
import { SimulatedAccount, type Amount, type PlaceOrder, type SimOrder, type SimTrade } from './account';
import { realNow } from './clock';
import type { FakeVenue, FakeVenueOptions } from './fake-venue';
import { FaultPlan, type RestFaultStatus } from './faults';
import { closedCandles, isBinanceInterval } from './klines';
import { MarketStreams, type KlineSentListener } from './market-streams';
import { SECONDS_PER_DAY } from './price-series';
import { ListenKeys, privateRoutes } from './private-rest';
import { publicRoutes } from './public-rest';
import { createRestHandler, type RestLogEntry } from './rest-handler';
import { KeyRing, type Credentials, type KeyPermissions } from './signing';
import { SocketHub } from './socket-hub';
import { UserStreams } from './user-streams';
import { Venue } from './venue';

export type { Amount, PlaceOrder, SimOrder, SimTrade } from './account';
export type { RestLogEntry } from './rest-handler';
export type { FakeVenue, FakeVenueOptions, VenueFaults } from './fake-venue';
export type { Now } from './clock';
export type { Credentials, KeyPermissions } from './signing';

/** The simulated account behind the private endpoints; every change is pushed to user-data streams. */
export type FakeAccount = {
  /** sets free/locked outright (outboundAccountPosition event) */
  setBalance(asset: string, free: Amount, locked?: Amount): void;
  /** balanceUpdate + outboundAccountPosition events */
  deposit(asset: string, amount: Amount): void;
  /** an order the user placed elsewhere: executionReport NEW; MARKET fills at once at the last price */
  placeOrder(order: PlaceOrder): SimOrder;
  /** fills `amount` (default: the rest) at `price` (default: the limit): executionReport TRADE */
  fill(orderId: number, amount?: Amount, price?: Amount): SimTrade;
  /** executionReport CANCELED, funds unlocked */
  cancel(orderId: number): void;
  /** the key stops working: -2015 from then on */
  revokeKey(): void;
  /** what GET /sapi/v1/account/apiRestrictions reports (default read-only) */
  setKeyPermissions(permissions: Partial<KeyPermissions>): void;
  /** open user-data subscriptions (WebSocket API subscriptions + listenKey sockets) */
  userStreams(): number;
};

export type FakeExchangeOptions = FakeVenueOptions & {
  /** 0 = a free port */
  port?: number;
  /**
   * A thin market: some intervals have no trades, and for those the socket sends nothing and REST
   * returns no row (see klines.ts `shown`), like the exchanges that skip empty intervals.
   */
  thinMarket?: boolean;
};

export type FakeExchange = FakeVenue & {
  /** http://127.0.0.1:PORT */
  restUrl: string;
  /** ws://127.0.0.1:PORT/stream/ws — ccxt's urls.api.ws.spot; it appends /<socket index> */
  wsUrl: string;
  /**
   * Options for `new ccxt.pro.binance(...)`: every REST and WS url pointed here, spot markets only,
   * and an `httpAgent` (ccxt refuses a `ws://` url without one). Not JSON: see ccxtJsonConfig().
   */
  ccxtConfig(): Record<string, unknown>;
  /**
   * The same without `httpAgent`, for a JSON config file: whoever builds the exchange from it must
   * supply the agent for `ws://` (e.g. `await exchange.loadHttpProxyAgent()`).
   */
  ccxtJsonConfig(): Record<string, unknown>;
  /**
   * Ground truth: closed candles of a symbol/timeframe with open times in [fromOpenTime, toOpenTime],
   * as numbers parsed from what REST /api/v3/klines answers.
   */
  truth(symbol: string, timeframe: string, fromOpenTime: number, toOpenTime: number): Candle[];
  faults: {
    /** terminates every WebSocket (no close frame, like a network drop) */
    dropAllConnections(): void;
    /** terminates the oldest open WebSocket; returns the streams it carried */
    dropOneConnection(): string[];
    /** a non-JSON text frame (a truncated kline event) to every socket */
    sendMalformedFrame(): void;
    /** sockets stay open (answering pings unless `pongs: false`), no data for `ms`; command answers wait */
    stall(ms: number, opts?: { pongs?: boolean }): void;
    /** ends a stall before its time: held answers go out, data flows again */
    endStall(): void;
    /** the next `count` REST calls get 429 -1003 with Retry-After: 1 */
    rateLimit(count: number): void;
    /** the next `count` REST calls answer `status` (429/418 with Retry-After, 500 with -1001 or `body`) */
    restStatus(
      status: RestFaultStatus,
      count: number,
      opts?: { retryAfterSec?: number; body?: string },
    ): void;
    /** the next `count` REST calls are answered `ms` late */
    restDelay(ms: number, count: number): void;
    /** the server clock runs `ms` ahead (negative: behind) for signed-request checks and /api/v3/time */
    clockSkew(ms: number): void;
    /**
     * A websocket-only outage (a proxy or firewall that blocks websockets, the socket endpoint
     * down) while REST keeps answering: true drops every socket and answers each new handshake
     * 503, which a client must treat as a failed connection (RFC 6455 §4.1: any status but 101);
     * false accepts them again.
     */
    refuseWebsockets(refuse: boolean): void;
  };
  /** the HMAC key the private side accepts: spread into the ccxt config ({ ...ccxtConfig(), ...credentials }) */
  credentials: Credentials;
  account: FakeAccount;
  /** every answered REST request, in answer order, with its arrival time */
  restLog(): RestLogEntry[];
  /**
   * `subscribeRequests`: the streams each SUBSCRIBE command named (one may carry many);
   * `streamsPerConnection`: the streams each open market socket carries; `streamLimitHits`: sockets
   * closed for asking for more than Binance's 1,024 (market-streams.ts)
   * `framesDropped`: data frames a stall kept back
   */
  wsStats(): {
    connections: number;
    subscriptions: string[];
    subscribeRequests: string[][];
    framesSent: number;
    streamsPerConnection: number[];
    streamLimitHits: number;
    framesDropped: number;
  };
  /** called for every kline frame sent: stream name, event time E, and sentAt (epoch ms, sub-ms precision) */
  onKlineSent(listener: KlineSentListener): () => void;
  close(): Promise<void>;
};

const DAY_MS = SECONDS_PER_DAY * 1000;

export async function startFakeExchange(opts: FakeExchangeOptions = {}): Promise<FakeExchange> {
  const symbols = opts.symbols ?? ['BTC/USDT', 'ETH/USDT', 'SOL/USDT'];
  const historyMs = opts.historyMs ?? 2 * DAY_MS;
  const now = opts.now ?? realNow;
  const startSecond = (Math.floor((now() - historyMs) / DAY_MS) * DAY_MS) / 1000;
  // Binance pushes a flat kline for an interval without trades (Kline/Candlestick streams: updated
  // every second or two whatever trades); a thin market models the exchanges that skip them.
  const thin = opts.thinMarket ?? false;
  const venue = new Venue(symbols, opts.seed ?? 1, startSecond, {
    thin,
    emptyIntervals: thin ? 'skipped' : 'pushed',
  });
  const faults = new FaultPlan();
  const log: RestLogEntry[] = [];
  const hub = new SocketHub(faults, now);
  const streams = new MarketStreams(venue, hub, opts.updateIntervalMs ?? 250, now);
  const keys = new KeyRing(opts.seed ?? 1);
  const account = new SimulatedAccount(venue);
  const listenKeys = new ListenKeys();
  const userStreams = new UserStreams(hub, keys, account);
  const routes = new Map([
    ...publicRoutes(venue, () => keys.serverTime()),
    ...privateRoutes(venue, keys, account, listenKeys),
  ]);

  const server = createServer(createRestHandler(routes, faults, log, now));
  // Pings are answered by the hub, so a stall can leave them unanswered.
  const wss = new WebSocketServer({ noServer: true, autoPong: false });
  let refusingWebsockets = false;
  server.on('upgrade', (req, socket, head) => {
    if (refusingWebsockets) {
      socket.end('HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\nConnection: close\r\n\r\n');
      return;
    }
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const path = url.pathname;
    const isMarketPath = path === '/stream' || /^\/(stream\/)?ws(\/|$)/.test(path);
    if (path === '/ws-api/v3') {
      wss.handleUpgrade(req, socket, head, (ws) => userStreams.attachWsApi(ws));
    } else if (isMarketPath && listenKeys.has(path.split('/').pop() ?? '')) {
      wss.handleUpgrade(req, socket, head, (ws) => userStreams.attachListenKey(ws));
    } else if (isMarketPath) {
      wss.handleUpgrade(req, socket, head, (ws) => streams.attach(ws, path, url.searchParams));
    } else {
      socket.end('HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n');
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const restUrl = `http://127.0.0.1:${port}`;
  const wsBase = `ws://127.0.0.1:${port}`;
  // ccxt infers a spot socket from '/stream' in its url (isSpotUrl, made for stream.binance.com):
  // without it, BTCUSDT events would be looked up among swap markets.
  const wsUrl = `${wsBase}/stream/ws`;
  const httpAgent = new Agent();

  // `test` and `demo` too: sandbox or demo mode swaps them in, and must not reach the real testnet.
  const ccxtJsonConfig = (): Record<string, unknown> => ({
    urls: {
      api: apiUrls(restUrl, wsBase, wsUrl),
      test: apiUrls(restUrl, wsBase, wsUrl),
      demo: apiUrls(restUrl, wsBase, wsUrl),
    },
    options: { fetchMarkets: { types: ['spot'] } },
  });

  return {
    exchange: 'binance',
    restUrl,
    wsUrl,
    ccxtJsonConfig,
    ccxtConfig: () => ({ ...ccxtJsonConfig(), httpAgent }),
    truth(symbol, timeframe, fromOpenTime, toOpenTime) {
      const listing = venue.bySymbol(symbol);
      if (!listing) throw new Error(`Fake exchange: ${symbol} is not listed (${symbols.join(', ')})`);
      if (!isBinanceInterval(timeframe)) throw new Error(`Fake exchange: Binance has no ${timeframe} klines`);
      return closedCandles(listing.series, timeframe, fromOpenTime, toOpenTime, now());
    },
    faults: {
      dropAllConnections: () => hub.dropAll(),
      dropOneConnection: () => {
        const dropped = hub.dropOldest();
        return dropped ? streams.streamsOf(dropped.id) : [];
      },
      sendMalformedFrame: () => hub.sendMalformed(),
      stall: (ms, stallOpts) => hub.stall(ms, stallOpts?.pongs ?? true),
      endStall: () => hub.endStall(),
      rateLimit: (count) => faults.queueStatus(429, count),
      noTrades: (fromMs, toMs) => venue.noTrades(fromMs, toMs),
      restStatus: (status, count, statusOpts) => faults.queueStatus(status, count, statusOpts),
      restDelay: (ms, count) => faults.queueDelay(ms, count),
      clockSkew: (ms) => {
        keys.clockSkewMs = ms;
      },
      refuseWebsockets: (refuse) => {
        refusingWebsockets = refuse;
        if (refuse) hub.dropAll();
      },
    },
    credentials: { ...keys.credentials },
    account: {
      setBalance: (asset, free, locked) => account.setBalance(asset, free, locked),
      deposit: (asset, amount) => account.deposit(asset, amount),
      placeOrder: (order) => account.placeOrder(order),
      fill: (orderId, amount, price) => account.fill(orderId, amount, price),
      cancel: (orderId) => account.cancel(orderId),
      revokeKey: () => {
        keys.revoked = true;
      },
      setKeyPermissions: (permissions) => {
        keys.permissions = { ...keys.permissions, ...permissions };
      },
      userStreams: () => userStreams.count(),
    },
    restLog: () => log.map((entry) => ({ ...entry, query: { ...entry.query } })),
    wsStats: () => ({
      connections: hub.all().length,
      subscriptions: streams.subscriptions(),
      subscribeRequests: streams.subscribeRequests.map((names) => [...names]),
      framesSent: hub.framesSent,
      streamsPerConnection: streams.streamsPerConnection(),
      streamLimitHits: streams.streamLimitHits,
      framesDropped: hub.framesDropped,
    }),
    onKlineSent: (listener) => streams.onKlineSent(listener),
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

/** Every url ccxt's binance has under urls.api, pointed at this server (nothing may reach the internet). */
function apiUrls(rest: string, wsBase: string, wsSpot: string): Record<string, unknown> {
  const unserved = (name: string): string => `${wsBase}/unserved/${name}`;
  return {
    public: `${rest}/api/v3`,
    private: `${rest}/api/v3`,
    v1: `${rest}/api/v1`,
    sapi: `${rest}/sapi/v1`,
    sapiV2: `${rest}/sapi/v2`,
    sapiV3: `${rest}/sapi/v3`,
    sapiV4: `${rest}/sapi/v4`,
    dapiPublic: `${rest}/dapi/v1`,
    dapiPrivate: `${rest}/dapi/v1`,
    dapiPrivateV2: `${rest}/dapi/v2`,
    dapiData: `${rest}/futures/data`,
    eapiPublic: `${rest}/eapi/v1`,
    eapiPrivate: `${rest}/eapi/v1`,
    fapiPublic: `${rest}/fapi/v1`,
    fapiPublicV2: `${rest}/fapi/v2`,
    fapiPublicV3: `${rest}/fapi/v3`,
    fapiPrivate: `${rest}/fapi/v1`,
    fapiPrivateV2: `${rest}/fapi/v2`,
    fapiPrivateV3: `${rest}/fapi/v3`,
    fapiData: `${rest}/futures/data`,
    papi: `${rest}/papi/v1`,
    papiV2: `${rest}/papi/v2`,
    ws: {
      spot: wsSpot,
      margin: wsSpot,
      future: unserved('future'),
      delivery: unserved('delivery'),
      stock: unserved('stock'),
      option: unserved('option'),
      optionMarket: unserved('optionMarket'),
      optionPrivate: unserved('optionPrivate'),
      papi: unserved('papi'),
      'ws-api': {
        spot: `${wsBase}/ws-api/v3`,
        future: unserved('ws-fapi'),
        delivery: unserved('ws-dapi'),
      },
    },
  };
}

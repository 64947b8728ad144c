import type { CandleSentListener } from '../subscription-streams';
import type { FakeVenue, FakeVenueOptions } from '../../fake-venue';
import { createRestHandler } from '../../rest-handler';
import { closedBars } from '../bars';
import { copyRestLog, listenVenue, venueFaults, venueParts } from '../venue-server';
import { bybitDialect, bybitRateLimitAnswer, bybitRoutes } from './bybit-rest';
import { BYBIT_MALFORMED_FRAME, BybitStreams } from './bybit-streams';
import { FakeDerivatives, type DerivativesSide } from '../../derivatives';
import { BybitPrivateStreams, bybitPrivateRoutes, withAccountFunding } from './bybit-private';

export type FakeBybit = FakeVenue &
  DerivativesSide & {
    restUrl: string;
    /** ws://127.0.0.1:PORT — ccxt's urls.api.ws.public.spot is `${wsBase}/v5/public/spot` */
    wsBase: string;
    wsStats(): { connections: number; subscriptions: string[]; framesSent: number };
    /** after each candle frame went out, for latency benches (subscription-streams.ts) */
    onCandleSent(listener: CandleSentListener): () => void;
  };

/**
 * A fake Bybit v5 (spot and linear) on 127.0.0.1 for the real `ccxt.pro.bybit` (4.5.84), sharing
 * the Binance fake's ground truth; a linear market (BTC/USDT:USDT) trades on its spot market's truth.
 * REST: time, instruments-info, kline, tickers, orderbook. WebSocket: /v5/public/spot and
 * /v5/public/linear. See bybit-rest.ts and bybit-streams.ts for the documented behaviour each
 * models.
 */
export async function startFakeBybit(opts: FakeVenueOptions = {}): Promise<FakeBybit> {
  // Kline pushes go on while nothing trades ("WS / Kline": push frequency 1-60s), as flat bars; REST
  // lists the same bars.
  const parts = venueParts(opts, 'pushed', ['BTC/USDT', 'ETH/USDT', 'SOL/USDT']);
  const { symbols, venue, faults, hub, now } = parts;
  const streams = new BybitStreams(venue, hub, faults, now, parts.updateIntervalMs);
  // Sizes of linear contracts are in base units ("Get Instruments Info": qtyStep in base coin).
  const account = new FakeDerivatives(venue, now, () => 1, 'bybit', opts.seed ?? 1);
  const privateStreams = new BybitPrivateStreams(venue, account, hub, faults, now);
  const routes = new Map([...bybitRoutes(venue), ...bybitPrivateRoutes(venue, account)]);
  routes.set('GET /v5/market/tickers', withAccountFunding(routes.get('GET /v5/market/tickers')!, account));
  // Bybit's heartbeat is a JSON {"op":"ping"}; protocol-level pings are not part of its API.
  const server = await listenVenue(
    parts,
    createRestHandler(routes, faults, parts.log, now, bybitDialect(now)),
    (url) => {
      if (url.pathname === '/v5/private') return (ws) => privateStreams.attach(ws);
      const match = /^\/v5\/public\/(spot|linear)$/.exec(url.pathname);
      return match ? (ws) => streams.attach(ws, match[1] as 'spot' | 'linear') : undefined;
    },
    () => {
      streams.close();
      privateStreams.close();
    },
  );
  const { restUrl, wsBase } = server;
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
    ccxtConfig: () => ({ ...ccxtJsonConfig(), httpAgent: server.httpAgent }),
    ccxtSwapJsonConfig: () => {
      const config = ccxtJsonConfig();
      return { ...config, options: { ...(config['options'] as object), defaultType: 'swap' } };
    },
    account,
    credentials: { ...account.credentials },
    positionSubscribers: () => privateStreams.positionSubscribers(),
    truth(symbol, timeframe, from, to) {
      // BTC/USDT:USDT (the linear perpetual) trades on BTC/USDT's truth.
      const spot = symbol.split(':')[0]!;
      const listing = venue.bySymbol(spot);
      if (!listing) throw new Error(`Fake Bybit: ${symbol} is not listed (${symbols.join(', ')})`);
      return closedBars(listing.series, { timeframe, shiftMs: 0 }, from, to, now());
    },
    faults: venueFaults(parts, {
      malformedFrame: BYBIT_MALFORMED_FRAME,
      rateLimit: (count) =>
        faults.queueStatus(200, count, { ...bybitRateLimitAnswer(now()), retryAfterSec: null }),
    }),
    restLog: () => copyRestLog(parts),
    onCandleSent: (listener) => streams.onCandleSent(listener),
    wsStats: () => ({
      connections: hub.all().length,
      subscriptions: streams.subscriptions(),
      framesSent: hub.framesSent,
    }),
    close: () => server.close(),
  };
}

/**
 * Every url ccxt's bybit has under urls.api, pointed at this server. The unified account's private
 * socket is `contract` (ccxt's getUrlByMarketType), and its path must hold "v5/private" (getPrivateType
 * tells the unified topics by it); the others are refused paths.
 */
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
        contract: `${wsBase}/v5/private`,
        usdc: `${unserved}/usdc`,
        trade: `${unserved}/trade`,
      },
    },
  };
}

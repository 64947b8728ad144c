import type { CandleSentListener } from '../subscription-streams';
import type { FakeVenue, FakeVenueOptions } from '../../fake-venue';
import { createRestHandler } from '../../rest-handler';
import { closedBars } from '../bars';
import { copyRestLog, listenVenue, venueFaults, venueParts } from '../venue-server';
import { OKX_RATE_LIMIT_BODY, okxDialect, okxRoutes } from './okx-rest';
import { OKX_MALFORMED_FRAME, OkxStreams } from './okx-streams';
import { FakeDerivatives, type DerivativesSide } from '../../derivatives';
import { OKX_CONTRACT_VALUE } from './okx-market';
import { OkxPrivateStreams, okxFundingRow, okxPrivateRoutes } from './okx-private';

export { okxChecksum } from './okx-book';
import { OKX_BARS } from './okx-market';

export { OKX_BARS };

export type FakeOkx = FakeVenue &
  DerivativesSide & {
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
    /** after each candle frame went out, for latency benches (subscription-streams.ts) */
    onCandleSent(listener: CandleSentListener): () => void;
    /** an `{event: "error", code: "60018"}` frame to every socket, as OKX sends for a bad subscription */
    sendErrorFrame(): void;
    /**
     * No trades on `symbol` for `ms`: OKX pushes candles and tickers only when they change, so its
     * channels go silent while the socket and the other symbols on it carry on.
     */
    quiet(symbol: string, ms: number): void;
    /**
     * The public `funding-rate` channel's next push, now: OKX pushes every 30–90 s (the fake every
     * 30 s), and a test need not wait for it.
     */
    pushFunding(): void;
  };

/**
 * A fake OKX v5 (spot) on 127.0.0.1 for the real `ccxt.pro.okx` (4.5.84), sharing the Binance
 * fake's ground truth (same seed, same candles). REST: instruments, time, candles +
 * history-candles, ticker(s). WebSocket: /ws/v5/public (tickers, books, the perpetuals'
 * funding-rate) and /ws/v5/business (candles). Faults as FakeVenue. See okx-rest.ts and okx-streams.ts for the documented behaviour
 * each part models.
 */
export async function startFakeOkx(opts: FakeVenueOptions = {}): Promise<FakeOkx> {
  // A market without trades pushes nothing on OKX's candle channels ("WS / Candlesticks channel":
  // pushed when the candle changes), and REST lists the same bars as the socket.
  const parts = venueParts(opts, 'skipped', ['BTC/USDT', 'ETH/USDT', 'SOL/USDT']);
  const { symbols, venue, faults, hub, now } = parts;
  const streams = new OkxStreams(venue, hub, faults, now, parts.updateIntervalMs);
  const account = new FakeDerivatives(venue, now, () => OKX_CONTRACT_VALUE, 'okx', opts.seed ?? 1);
  const privateStreams = new OkxPrivateStreams(venue, account, hub, faults, now);
  streams.serveFunding((listing, at) => okxFundingRow(listing, account, at));
  const routes = new Map([...okxRoutes(venue), ...okxPrivateRoutes(venue, account)]);
  // OKX's heartbeat is the text "ping"; protocol-level pings are not part of its API.
  const server = await listenVenue(
    parts,
    createRestHandler(routes, faults, parts.log, now, okxDialect),
    (url) => {
      if (url.pathname === '/ws/v5/private') return (ws) => privateStreams.attach(ws);
      const match = /^\/ws\/v5\/(public|business)$/.exec(url.pathname);
      return match ? (ws) => streams.attach(ws, match[1] as 'public' | 'business') : undefined;
    },
    () => {
      streams.close();
      privateStreams.close();
    },
  );
  const { restUrl } = server;
  const wsUrl = `${server.wsBase}/ws/v5`;
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
    ccxtConfig: () => ({ ...ccxtJsonConfig(), httpAgent: server.httpAgent }),
    // UTC bars: what the app must store for every timeframe (invariant 8).
    truth: (symbol, timeframe, from, to) =>
      closedBars(listingOf(symbol).series, { timeframe, shiftMs: 0 }, from, to, now()),
    ccxtSwapJsonConfig: () => ({
      ...ccxtJsonConfig(),
      options: { fetchMarkets: { types: ['spot', 'swap'] }, defaultType: 'swap' },
    }),
    barTruth,
    account,
    credentials: { ...account.credentials },
    positionSubscribers: () => privateStreams.positionSubscribers(),
    faults: venueFaults(parts, {
      malformedFrame: OKX_MALFORMED_FRAME,
      rateLimit: (count) =>
        faults.queueStatus(429, count, { body: OKX_RATE_LIMIT_BODY, retryAfterSec: null }),
    }),
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
    pushFunding: () => streams.pushFunding(),
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

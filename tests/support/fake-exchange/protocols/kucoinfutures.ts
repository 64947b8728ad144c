import { randomBytes } from 'node:crypto';
import { formatScaled } from '../decimal';
import { ceilOpenTime, closedCandles, listKlines, type Kline } from '../klines';
import type { Connection } from '../socket-hub';
import type { Listing } from '../venue';
import { KlineFeed } from './kline-feed';
import type { Protocol, ProtocolContext, ProtocolRequest, ProtocolRoute } from './protocol-server';

/*
 * KuCoin Futures (USDT-margined perpetuals), as ccxt 4.5.84 reads it (js/src/kucoin.js and
 * js/src/pro/kucoin.js, which ccxt.pro.kucoinfutures extends). Behaviours and their sources:
 * - No fixed socket url: POST /api/v1/bullet-public answers a token and instanceServers
 *   [{endpoint, pingInterval, pingTimeout}]; the client connects to `endpoint?token=…&connectId=…`
 *   and gets {id: connectId, type: "welcome"} (KuCoin docs, "Apply connect token" and "Create
 *   connection": https://www.kucoin.com/docs-new/websocket-api/base-info/get-public-token-futures).
 * - Heartbeat is JSON, client to server: {id, type: "ping"} → {id, type: "pong"}; the server drops a
 *   client silent for pingTimeout (same pages, "Ping"; ccxt's pro/kucoin.js ping()).
 * - Subscribe {id, type: "subscribe", topic, response: true} → {id, type: "ack"}; an unknown topic
 *   gets {id, type: "error", code: 404, data: "…"}.
 * - Candles: topic /contractMarket/limitCandle:XBTUSDTM_1min, subject "candle.stick", data.candles =
 *   [start time (seconds), open, CLOSE, HIGH, LOW, volume (documented as wrong: "this value is
 *   incorrect, do not use it"), volume in lots] — not the REST order (KuCoin docs "Klines" futures
 *   channel, https://www.kucoin.com/docs-new/3470086w0; ccxt pull request #28033 fixed ccxt's parse,
 *   and ccxt reads the volume from index 6). No closed flag; the current bar on every update.
 * - REST GET /api/v1/kline/query?symbol&granularity (minutes)&from&to (ms): rows [time (ms), open,
 *   high, low, close, volume (lots), turnover], at most 500 (https://www.kucoin.com/docs-new/rest/futures-trading/market-data/get-klines).
 * - GET /api/v1/contracts/active lists contracts; BTC is "XBT" (XBTUSDTM); sizes are lots of
 *   `multiplier` base units (here the base step, so lots are whole numbers).
 * - Rate limiting: HTTP 429 {code: "429000"} with gw-ratelimit-reset (ms until the quota resets) and
 *   no Retry-After (KuCoin docs, "Rate limit": https://www.kucoin.com/docs-new/rate-limit).
 */

const WS_INTERVALS: Record<string, string> = {
  '1min': '1m',
  '5min': '5m',
  '15min': '15m',
  '30min': '30m',
  '1hour': '1h',
  '2hour': '2h',
  '4hour': '4h',
  '8hour': '8h',
  '12hour': '12h',
  '1day': '1d',
  '1week': '1w',
};
const GRANULARITY: Record<string, string> = {
  '1': '1m',
  '5': '5m',
  '15': '15m',
  '30': '30m',
  '60': '1h',
  '120': '2h',
  '240': '4h',
  '480': '8h',
  '720': '12h',
  '1440': '1d',
  '10080': '1w',
};
const MAX_KLINES = 500;
const PING_INTERVAL_MS = 18_000;
const RATE_LIMIT_RESET_MS = 1_000;

const kucoinId = (listing: Listing): string =>
  `${listing.spec.base === 'BTC' ? 'XBT' : listing.spec.base}${listing.spec.quote}M`;

export function kucoinFuturesProtocol(context: ProtocolContext): Protocol {
  const { venue, hub } = context;
  const feed = new KlineFeed(hub, context.updateIntervalMs, context.now);
  const token = randomBytes(24).toString('base64url');
  const byId = (id: string | undefined): Listing | undefined =>
    venue.listings.find((listing) => kucoinId(listing) === id);
  const text = (message: unknown): string => JSON.stringify(message);

  function candleFrame(listing: Listing, topic: string, kline: Kline, now: number): string {
    const { priceDecimals: pd } = listing.spec;
    const { bar } = kline;
    return text({
      topic,
      type: 'message',
      subject: 'candle.stick',
      data: {
        symbol: kucoinId(listing),
        candles: [
          String(kline.openTime / 1000),
          formatScaled(bar.open, pd, pd),
          formatScaled(bar.close, pd, pd),
          formatScaled(bar.high, pd, pd),
          formatScaled(bar.low, pd, pd),
          // the documented-wrong field: something else than the volume
          `${bar.trades}.0`,
          String(bar.volume),
        ],
        time: now,
      },
    });
  }

  function tickerFrame(listing: Listing, topic: string, now: number): string {
    const t = venue.restTicker(listing, now);
    const top = listing.book.top(now);
    return text({
      topic,
      type: 'message',
      subject: 'ticker',
      data: {
        symbol: kucoinId(listing),
        sequence: now,
        side: 'buy',
        price: t['lastPrice'],
        size: 1,
        tradeId: String(now),
        bestBidSize: top.bid[1],
        bestBidPrice: formatScaled(top.bid[0], listing.spec.priceDecimals, listing.spec.priceDecimals),
        bestAskPrice: formatScaled(top.ask[0], listing.spec.priceDecimals, listing.spec.priceDecimals),
        bestAskSize: top.ask[1],
        ts: now * 1_000_000,
      },
    });
  }

  function onCommand(connection: Connection, raw: string): void {
    let request: { id?: unknown; type?: unknown; topic?: unknown };
    try {
      request = JSON.parse(raw) as typeof request;
    } catch {
      hub.sendAnswer(connection, text({ id: '', type: 'error', code: 400, data: 'bad request' }));
      return;
    }
    const id = String(request.id ?? '');
    if (request.type === 'ping') {
      if (context.faults.answersHeartbeat(context.now()))
        connection.ws.send(text({ id, type: 'pong', timestamp: context.now() * 1000 }));
      return;
    }
    const topic = typeof request.topic === 'string' ? request.topic : '';
    const candle = /^\/contractMarket\/limitCandle:([A-Z0-9]+)_([0-9a-z]+)$/.exec(topic);
    const ticker = /^\/contractMarket\/ticker:([A-Z0-9]+)$/.exec(topic);
    const listing = byId(candle?.[1] ?? ticker?.[1]);
    const timeframe = candle ? WS_INTERVALS[candle[2]!] : 'ticker';
    if (!listing || !timeframe || (request.type !== 'subscribe' && request.type !== 'unsubscribe')) {
      hub.sendAnswer(connection, text({ id, type: 'error', code: 404, data: `topic ${topic} is not found` }));
      return;
    }
    hub.sendAnswer(connection, text({ id, type: 'ack' }));
    if (request.type === 'unsubscribe') feed.remove(connection, topic);
    else if (candle)
      feed.add({
        connection,
        name: topic,
        listing,
        timeframe,
        frame: (kline, now) => candleFrame(listing, topic, kline, now),
      });
    else feed.addPeriodic({ connection, name: topic, frame: (now) => tickerFrame(listing, topic, now) });
  }

  const ok = (data: unknown) => ({ status: 200, body: { code: '200000', data } });

  function klines(request: ProtocolRequest) {
    const listing = byId(request.query['symbol']);
    if (!listing) return { status: 200, body: { code: '400100', msg: 'symbol not exists' } };
    const timeframe = GRANULARITY[request.query['granularity'] ?? ''];
    if (!timeframe) return { status: 200, body: { code: '400100', msg: 'granularity invalid' } };
    const from = Number(request.query['from'] ?? 0);
    const to = Number(request.query['to'] ?? request.now);
    const rows = listKlines(
      listing.series,
      timeframe,
      { startTime: ceilOpenTime(from, timeframe), endTime: to, limit: MAX_KLINES },
      request.now,
    );
    return ok(rows.map((kline) => klineRow(listing, kline)));
  }

  const routes = new Map<string, ProtocolRoute>([
    [
      'POST /api/v1/bullet-public',
      () =>
        ok({
          token,
          instanceServers: [
            {
              endpoint: `${context.address.ws}/kucoin-futures/endpoint`,
              encrypt: true,
              protocol: 'websocket',
              pingInterval: PING_INTERVAL_MS,
              pingTimeout: 10_000,
            },
          ],
        }),
    ],
    ['GET /api/v1/contracts/active', () => ok(venue.listings.map(contract))],
    ['GET /api/v1/kline/query', klines],
    ['GET /api/v1/timestamp', (request) => ok(request.now)],
    // ccxt's loadMarkets reads KuCoin's (spot) currency list first, futures or not.
    [
      'GET /api/v3/currencies',
      () =>
        ok(
          [...new Set(venue.listings.flatMap((l) => [l.spec.base, l.spec.quote]))].map((currency) => ({
            currency,
            name: currency,
            fullName: currency,
            precision: 8,
            chains: [],
          })),
        ),
    ],
  ]);

  return {
    id: 'kucoinfutures',
    routes,
    socket(path, query) {
      if (path !== '/kucoin-futures/endpoint') return undefined;
      // A socket without the bullet token is refused, as KuCoin does.
      if (query.get('token') !== token) return undefined;
      const connectId = query.get('connectId') ?? '';
      return (connection) => {
        connection.ws.on('message', (data) => onCommand(connection, (data as Buffer).toString('utf8')));
        connection.ws.send(text({ id: connectId, type: 'welcome' }));
      };
    },
    ccxtConfig(restUrl, base) {
      const api = Object.fromEntries(
        [
          'public',
          'private',
          'futuresPrivate',
          'futuresPublic',
          'webExchange',
          'broker',
          'earn',
          'uta',
          'utaV2',
          'utaPrivate',
        ].map((name) => [name, restUrl]),
      );
      const unserved = `${base}/unserved/kucoin-uta`;
      return { urls: { api: { ...api, ws: { spot: unserved, futures: unserved, private: unserved } } } };
    },
    rateLimitAnswer: () => ({
      status: 429,
      headers: { 'gw-ratelimit-reset': String(RATE_LIMIT_RESET_MS) },
      body: JSON.stringify({ code: '429000', msg: 'Too Many Requests' }),
    }),
    malformedFrame: () =>
      '{"topic":"/contractMarket/limitCandle:XBTUSDTM_1min","type":"message","data":{"candles":[',
    // ccxt parses REST rows and socket candles to the same numbers: volume in lots.
    truth: (listing, _symbol, timeframe, from, to, now) =>
      closedCandles(listing.series, timeframe, from, to, now).map(([t, o, h, l, c, v]) => [
        t,
        o,
        h,
        l,
        c,
        Math.round(v * 10 ** listing.spec.qtyDecimals),
      ]),
    close() {
      feed.close();
    },
  };
}

/**
 * KuCoin Futures returns only candles with volume: "GetKlinesAsync returns only candles that their
 * trade volume is above 0" (JKorf/Kucoin.Net#152, futures klines; also Kucoin/kucoin-api-docs#360),
 * and its candle topic pushes on trades only, so a market without trades is silent.
 */
kucoinFuturesProtocol.emptyIntervals = 'skipped' as const;

function contract(listing: Listing): Record<string, unknown> {
  const { spec } = listing;
  return {
    symbol: kucoinId(listing),
    rootSymbol: spec.quote,
    type: 'FFWCSX',
    firstOpenDate: 1_585_555_200_000,
    expireDate: null,
    settleDate: null,
    baseCurrency: spec.base === 'BTC' ? 'XBT' : spec.base,
    quoteCurrency: spec.quote,
    settleCurrency: spec.quote,
    maxOrderQty: 1_000_000,
    maxPrice: 1_000_000,
    lotSize: 1,
    tickSize: 10 ** -spec.priceDecimals,
    indexPriceTickSize: 10 ** -spec.priceDecimals,
    multiplier: 10 ** -spec.qtyDecimals,
    initialMargin: 0.008,
    maintainMargin: 0.004,
    maxRiskLimit: 100_000,
    minRiskLimit: 100_000,
    riskStep: 50_000,
    makerFeeRate: 0.0002,
    takerFeeRate: 0.0006,
    isDeleverage: true,
    isQuanto: false,
    isInverse: false,
    markMethod: 'FairPrice',
    fairMethod: 'FundingRate',
    status: 'Open',
    fundingFeeRate: 0.0001,
    nextFundingRateTime: 3_600_000,
    maxLeverage: 125,
  };
}

/** One REST row: [time (ms), open, high, low, close, volume (lots), turnover], numbers. */
function klineRow(listing: Listing, kline: Kline): number[] {
  const { bar } = kline;
  const { series } = listing;
  return [
    kline.openTime,
    series.tickToNumber(bar.open),
    series.tickToNumber(bar.high),
    series.tickToNumber(bar.low),
    series.tickToNumber(bar.close),
    bar.volume,
    Number(bar.quoteVolume.toFixed(4)),
  ];
}

import { formatScaled } from '../decimal';
import type { Kline } from '../klines';
import type { Connection } from '../socket-hub';
import type { Listing } from '../venue';
import { HONG_KONG_SHIFT_MS, barOpen, barsNewestFirst, closedBars, type BarSpec } from './bars';
import { KlineFeed } from './kline-feed';
import type { Protocol, ProtocolContext, ProtocolRequest, ProtocolRoute } from './protocol-server';

/*
 * Bitget v2 spot and USDT-M perpetuals ("mix"), as ccxt 4.5.84 (js/src/bitget.js,
 * js/src/pro/bitget.js) reads them. Behaviours and their sources:
 * - Public socket /v2/ws/public; subscribe {op: "subscribe", args: [{instType: "SPOT" |
 *   "USDT-FUTURES", channel: "candle1m", instId: "BTCUSDT"}]} → {event: "subscribe", arg}; then an
 *   {action: "snapshot", arg, data: [[ts, o, h, l, c, baseVol, quoteVol, usdtVol], …]} of recent bars
 *   and {action: "update", …} with the current bar, no closed flag (Bitget API docs, "Candlestick
 *   Channel": https://www.bitget.com/api-doc/spot/websocket/public/Candlesticks-Channel and
 *   .../contract/websocket/public/Candlesticks-Channel).
 * - Channels candle1m 5m 15m 30m 1H 4H 6H 12H 1D 1W are Hong Kong bars (UTC+8: 1D opens 16:00 UTC);
 *   candle6Hutc 12Hutc 1Dutc 1Wutc are UTC bars (same pages). REST granularity has the same split
 *   (1day / 1D vs 1Dutc); ccxt 4.5.84 asks REST for 1Dutc but subscribes candle1D.
 * - Heartbeat: the client sends the text "ping", the server answers "pong" (Bitget API docs,
 *   "Websocket API": connections without a ping for 2 minutes are closed).
 * - Errors: {event: "error", code: 30001, msg: "…doesn't exist"}.
 * - REST: GET /api/v2/spot/public/symbols, /api/v2/mix/market/contracts?productType,
 *   /api/v2/margin/currencies, /api/v2/spot/market/candles (+ history-candles) and
 *   /api/v2/mix/market/candles (+ history-candles): symbol, granularity, startTime, endTime, limit
 *   (recent ≤ 1000, history ≤ 200); rows [ts, o, h, l, c, baseVol, quoteVol(, usdtVol)] oldest first.
 * - Rate limiting: HTTP 429 {"code": "429", "msg": "Too Many Requests"} without Retry-After
 *   (Bitget API docs, "Rate limit").
 */

type InstType = 'SPOT' | 'USDT-FUTURES';

/** channel/granularity name → the bar it means */
const HK = HONG_KONG_SHIFT_MS;
const WS_BARS: Record<string, BarSpec> = {
  '1m': { timeframe: '1m', shiftMs: 0 },
  '5m': { timeframe: '5m', shiftMs: 0 },
  '15m': { timeframe: '15m', shiftMs: 0 },
  '30m': { timeframe: '30m', shiftMs: 0 },
  '1H': { timeframe: '1h', shiftMs: 0 },
  '4H': { timeframe: '4h', shiftMs: 0 },
  '6H': { timeframe: '6h', shiftMs: HK },
  '12H': { timeframe: '12h', shiftMs: HK },
  '1D': { timeframe: '1d', shiftMs: HK },
  '1W': { timeframe: '1w', shiftMs: HK },
  '6Hutc': { timeframe: '6h', shiftMs: 0 },
  '12Hutc': { timeframe: '12h', shiftMs: 0 },
  '1Dutc': { timeframe: '1d', shiftMs: 0 },
  '1Wutc': { timeframe: '1w', shiftMs: 0 },
};
const REST_BARS: Record<string, BarSpec> = {
  ...WS_BARS,
  '1min': WS_BARS['1m']!,
  '5min': WS_BARS['5m']!,
  '15min': WS_BARS['15m']!,
  '30min': WS_BARS['30m']!,
  '1h': WS_BARS['1H']!,
  '4h': WS_BARS['4H']!,
  '6h': WS_BARS['6H']!,
  '12h': WS_BARS['12H']!,
  '1day': WS_BARS['1D']!,
  '1week': WS_BARS['1W']!,
};
const SNAPSHOT_BARS = 10;

const bitgetId = (listing: Listing): string => `${listing.spec.base}${listing.spec.quote}`;

export function bitgetProtocol(context: ProtocolContext): Protocol {
  const { venue, hub } = context;
  const feed = new KlineFeed(hub, context.updateIntervalMs, context.now);
  const byId = (id: string | undefined): Listing | undefined =>
    venue.listings.find((listing) => bitgetId(listing) === id);
  const text = (message: unknown): string => JSON.stringify(message);

  function row(listing: Listing, kline: Kline): string[] {
    const { priceDecimals: pd, qtyDecimals: qd } = listing.spec;
    const { bar } = kline;
    const quote = bar.quoteVolume.toFixed(4);
    return [
      String(kline.openTime),
      formatScaled(bar.open, pd, pd),
      formatScaled(bar.high, pd, pd),
      formatScaled(bar.low, pd, pd),
      formatScaled(bar.close, pd, pd),
      formatScaled(bar.volume, qd, qd),
      quote,
      quote,
    ];
  }

  function tickerData(listing: Listing, now: number): Record<string, unknown> {
    const t = venue.restTicker(listing, now);
    return {
      instId: bitgetId(listing),
      lastPr: t['lastPrice'],
      open24h: t['openPrice'],
      high24h: t['highPrice'],
      low24h: t['lowPrice'],
      change24h: (Number(t['priceChangePercent']) / 100).toFixed(5),
      bidPr: t['bidPrice'],
      askPr: t['askPrice'],
      bidSz: t['bidQty'],
      askSz: t['askQty'],
      baseVolume: t['volume'],
      quoteVolume: t['quoteVolume'],
      ts: String(now),
    };
  }

  function onCommand(connection: Connection, raw: string): void {
    if (raw === 'ping') {
      if (context.faults.answersHeartbeat(context.now())) connection.ws.send('pong');
      return;
    }
    let request: { op?: unknown; args?: unknown };
    try {
      request = JSON.parse(raw) as typeof request;
    } catch {
      hub.sendAnswer(connection, text({ event: 'error', code: 30016, msg: 'Param error' }));
      return;
    }
    const op = request.op;
    for (const arg of Array.isArray(request.args) ? (request.args as Record<string, unknown>[]) : []) {
      const instType = arg['instType'] as InstType;
      const channel = String(arg['channel'] ?? '');
      const listing = byId(String(arg['instId'] ?? ''));
      const bar = channel.startsWith('candle') ? WS_BARS[channel.slice('candle'.length)] : undefined;
      const known =
        (instType === 'SPOT' || instType === 'USDT-FUTURES') && listing && (bar || channel === 'ticker');
      if (!known || (op !== 'subscribe' && op !== 'unsubscribe')) {
        hub.sendAnswer(
          connection,
          text({
            event: 'error',
            arg,
            code: 30001,
            msg: `instType:${String(instType)},channel:${channel},instId:${String(arg['instId'])} doesn't exist`,
          }),
        );
        continue;
      }
      const name = `${instType}|${channel}|${bitgetId(listing)}`;
      hub.sendAnswer(connection, text({ event: op, arg }));
      if (op === 'unsubscribe') {
        feed.remove(connection, name);
      } else if (bar) {
        const now = context.now();
        const snapshot = barsNewestFirst(listing.series, bar, { limit: SNAPSHOT_BARS }, now).reverse();
        hub.sendData(
          connection,
          text({ action: 'snapshot', arg, data: snapshot.map((k) => row(listing, k)), ts: now }),
        );
        feed.add({
          connection,
          name,
          listing,
          timeframe: bar.timeframe,
          shiftMs: bar.shiftMs,
          frame: (kline, at) => text({ action: 'update', arg, data: [row(listing, kline)], ts: at }),
        });
      } else {
        feed.addPeriodic({
          connection,
          name,
          frame: (at) => text({ action: 'snapshot', arg, data: [tickerData(listing, at)], ts: at }),
        });
      }
    }
  }

  const ok = (data: unknown, now: number) => ({
    status: 200,
    body: { code: '00000', msg: 'success', requestTime: now, data },
  });
  const fail = (code: string, msg: string, now: number) => ({
    status: 400,
    body: { code, msg, requestTime: now, data: null },
  });

  function candles(request: ProtocolRequest, maxLimit: number, history: boolean) {
    const listing = byId(request.query['symbol']);
    if (!listing) return fail('40034', 'Parameter symbol does not exist', request.now);
    const bar = REST_BARS[request.query['granularity'] ?? ''];
    if (!bar) return fail('400172', 'Parameter verification failed', request.now);
    const limit = Math.min(Number(request.query['limit'] ?? 100), maxLimit);
    const start = request.query['startTime'] === undefined ? undefined : Number(request.query['startTime']);
    const end = request.query['endTime'] === undefined ? request.now : Number(request.query['endTime']);
    // Bars with start ≤ ts ≤ end, the newest `limit` of them (history: strictly before endTime).
    const rows = barsNewestFirst(
      listing.series,
      bar,
      {
        below: history ? end : end + 1,
        limit,
        ...(start === undefined ? {} : { oldest: barOpen(start - 1, bar) + 1 }),
      },
      request.now,
    ).filter((k) => start === undefined || k.openTime >= start);
    return ok(
      rows.reverse().map((k) => row(listing, k)),
      request.now,
    );
  }

  const spotSymbol = (listing: Listing) => ({
    symbol: bitgetId(listing),
    baseCoin: listing.spec.base,
    quoteCoin: listing.spec.quote,
    minTradeAmount: '0',
    maxTradeAmount: '10000000000',
    takerFeeRate: '0.002',
    makerFeeRate: '0.002',
    pricePrecision: String(listing.spec.priceDecimals),
    quantityPrecision: String(listing.spec.qtyDecimals),
    quotePrecision: '8',
    status: 'online',
    minTradeUSDT: '1',
  });
  const contract = (listing: Listing) => ({
    symbol: bitgetId(listing),
    baseCoin: listing.spec.base,
    quoteCoin: listing.spec.quote,
    buyLimitPriceRatio: '0.9',
    sellLimitPriceRatio: '0.9',
    feeRateUpRatio: '0.1',
    makerFeeRate: '0.0002',
    takerFeeRate: '0.0006',
    openCostUpRatio: '0.1',
    supportMarginCoins: [listing.spec.quote],
    minTradeNum: '0.001',
    priceEndStep: '1',
    volumePlace: String(listing.spec.qtyDecimals),
    pricePlace: String(listing.spec.priceDecimals),
    sizeMultiplier: '1',
    symbolType: 'perpetual',
    minTradeUSDT: '5',
    maxSymbolOrderNum: '999999',
    maxProductOrderNum: '999999',
    maxPositionNum: '150',
    symbolStatus: 'normal',
    offTime: '-1',
    limitOpenTime: '-1',
    deliveryTime: '',
    deliveryStartTime: '',
    launchTime: '',
    fundFeeEndTime: '',
    minLever: '1',
    maxLever: '125',
    posLimit: '0.05',
    maintainTime: '',
  });

  const routes = new Map<string, ProtocolRoute>([
    ['GET /api/v2/spot/public/symbols', (r) => ok(venue.listings.map(spotSymbol), r.now)],
    [
      'GET /api/v2/mix/market/contracts',
      (r) => ok(r.query['productType'] === 'USDT-FUTURES' ? venue.listings.map(contract) : [], r.now),
    ],
    ['GET /api/v2/margin/currencies', (r) => ok([], r.now)],
    // ccxt's loadMarkets reads the coin list first (fetchCurrencies, public on Bitget).
    [
      'GET /api/v2/spot/public/coins',
      (r) =>
        ok(
          [...new Set(venue.listings.flatMap((l) => [l.spec.base, l.spec.quote]))].map((coin, i) => ({
            coinId: String(i + 1),
            coin,
            transfer: 'true',
            chains: [],
          })),
          r.now,
        ),
    ],
    ['GET /api/v2/spot/market/candles', (r) => candles(r, 1000, false)],
    ['GET /api/v2/spot/market/history-candles', (r) => candles(r, 200, true)],
    ['GET /api/v2/mix/market/candles', (r) => candles(r, 1000, false)],
    ['GET /api/v2/mix/market/history-candles', (r) => candles(r, 200, true)],
    ['GET /api/v2/public/time', (r) => ok({ serverTime: String(r.now) }, r.now)],
  ]);

  return {
    id: 'bitget',
    routes,
    socket(path) {
      if (path !== '/v2/ws/public') return undefined;
      return (connection) =>
        connection.ws.on('message', (data) => onCommand(connection, (data as Buffer).toString('utf8')));
    },
    ccxtConfig(restUrl, wsBase) {
      const ws = {
        public: `${wsBase}/v2/ws/public`,
        private: `${wsBase}/unserved/v2/private`,
        utaPublic: `${wsBase}/unserved/v3/public`,
        utaPrivate: `${wsBase}/unserved/v3/private`,
      };
      const rest = Object.fromEntries(
        [
          'spot',
          'mix',
          'user',
          'p2p',
          'broker',
          'margin',
          'common',
          'tax',
          'convert',
          'copy',
          'earn',
          'uta',
        ].map((n) => [n, restUrl]),
      );
      return { urls: { api: { ...rest, ws, demo: ws } } };
    },
    rateLimitAnswer: () => ({
      status: 429,
      body: JSON.stringify({ code: '429', msg: 'Too Many Requests', requestTime: context.now(), data: null }),
    }),
    malformedFrame: () =>
      '{"action":"update","arg":{"instType":"SPOT","channel":"candle1m","instId":"BTCUSDT"},"data":[["',
    // ccxt asks REST for UTC bars (1Dutc): the truth is UTC bars.
    truth: (listing, _symbol, timeframe, from, to, now) =>
      closedBars(listing.series, { timeframe, shiftMs: 0 }, from, to, now),
    close() {
      feed.close();
    },
  };
}

/**
 * Bitget pushes the candle channel every 500 ms whether or not it changed (v2 "Candlestick
 * Channel"): an interval without trades is a flat bar, on the socket and over REST.
 */
bitgetProtocol.emptyIntervals = 'pushed' as const;

import { randomUUID } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { formatScaled } from '../decimal';
import { closedCandles, listKlines, type Kline } from '../klines';
import type { Connection } from '../socket-hub';
import type { Listing } from '../venue';
import { FakeDerivatives } from '../derivatives';
import { bingxId, bingxPrivate } from './bingx-private';
import { KlineFeed } from './kline-feed';
import type { Protocol, ProtocolContext, ProtocolRequest, ProtocolRoute } from './protocol-server';

/*
 * BingX spot and USDT-M perpetual ("swap"), as ccxt 4.5.84 (js/src/bingx.js, js/src/pro/bingx.js)
 * reads them. Behaviours and their sources:
 * - Every WebSocket frame is gzip-compressed binary, both markets ("All response data from WebSocket
 *   server are compressed into GZIP format", BingX API docs, Spot and Swap "Websocket Market Data"
 *   introductions: https://bingx-api.github.io/docs-v3/#/en/Spot/Websocket%20Market%20Data/K-line%20Streams
 *   and .../Swap/Websocket%20Market%20Data/Subscribe%20K-Line%20Data). ccxt sets `ws.gunzip`.
 * - Heartbeat: the server pings every 5 s; spot sends {"ping": "<uuid>", "time": "…+0800"} and wants
 *   {"pong", "time"} back, swap sends the text "Ping" and wants "Pong" (same pages, "Heartbeat";
 *   ccxt's pro/bingx.js pong()).
 * - Subscribe: spot {id, dataType: "BTC-USDT@kline_1min"} (spot interval names 1min 5min 15min
 *   30min 60min 1day); swap {id, reqType: "sub", dataType: "BTC-USDT@kline_1m"}. Answer
 *   {code: 0, id, msg: "SUCCESS", timestamp}.
 * - Kline pushes carry no "closed" flag: the current bar on every update. Spot: data.K with t (open
 *   time) and T (close time); swap: data: [{o, h, l, c, v, T}] where T is the bar's OPEN time despite
 *   its name (ccxt pull request #20516's sample: T = 1703300820000, a whole minute; ccxt's
 *   parseWsOHLCV reads T as the timestamp for linear swaps).
 * - REST: GET /openApi/spot/v1/common/symbols, /openApi/swap/v2/quote/contracts,
 *   /openApi/cswap/v1/market/contracts (inverse, none listed here), /openApi/spot/v1/market/kline
 *   (rows [t, o, h, l, c, v, closeTime, quoteVolume]), /openApi/swap/v3/quote/klines (objects
 *   {open, close, high, low, volume, time}); startTime / endTime / limit (default 500, max 1440).
 *   Errors come as {code, msg} with HTTP 200; rate limiting is code 100410 (BingX API docs, "Error
 *   codes"; ccxt maps it to OperationFailed: {"code":100410,"msg":"The current system is busy…"}).
 */

const SPOT_WS_INTERVALS: Record<string, string> = {
  '1min': '1m',
  '5min': '5m',
  '15min': '15m',
  '30min': '30m',
  '60min': '1h',
  '1day': '1d',
};
const SWAP_INTERVALS = ['1m', '3m', '5m', '15m', '30m', '1h', '2h', '4h', '6h', '12h', '1d', '3d', '1w'];
const REST_INTERVALS = [
  '1m',
  '3m',
  '5m',
  '15m',
  '30m',
  '1h',
  '2h',
  '4h',
  '6h',
  '8h',
  '12h',
  '1d',
  '3d',
  '1w',
];
const MAX_KLINES = 1440;
const PING_INTERVAL_MS = 5_000;

type Market = 'spot' | 'swap';

export function bingxProtocol(context: ProtocolContext): Protocol {
  const { venue, hub, faults } = context;
  // Tickers ride along: the app watches one per watched symbol, and an error frame for it would
  // reject every pending watch on the socket (pro/bingx.js handleErrorMessage rejects the client).
  const feed = new KlineFeed(hub, context.updateIntervalMs, context.now);
  // USDT-M perpetual sizes are in base units (ccxt: contractSize 1 for linear swaps).
  const account = new FakeDerivatives(venue, context.now, () => 1, 'bingx', context.seed);
  const accountSide = bingxPrivate(account, context.now);
  const sockets = new Map<number, { connection: Connection; market: Market }>();
  const byId = (id: string | undefined): Listing | undefined =>
    venue.listings.find((listing) => bingxId(listing) === id);
  const gz = (message: unknown): Buffer =>
    gzipSync(typeof message === 'string' ? message : JSON.stringify(message));

  const pinger = setInterval(() => {
    const now = context.now();
    if (!faults.answersHeartbeat(now)) return;
    for (const { connection, market } of sockets.values()) {
      if (connection.ws.readyState !== connection.ws.OPEN) continue;
      const ping =
        market === 'swap' ? 'Ping' : { ping: randomUUID().replaceAll('-', ''), time: bingxTime(now) };
      connection.ws.send(gz(ping));
    }
  }, PING_INTERVAL_MS);

  function spotKlineFrame(listing: Listing, raw: string, kline: Kline, now: number): Buffer {
    const { priceDecimals: pd, qtyDecimals: qd } = listing.spec;
    const { bar } = kline;
    const id = bingxId(listing);
    return gz({
      code: 0,
      data: {
        E: now,
        K: {
          T: kline.closeTime,
          c: formatScaled(bar.close, pd, pd),
          h: formatScaled(bar.high, pd, pd),
          i: raw,
          l: formatScaled(bar.low, pd, pd),
          n: bar.trades,
          o: formatScaled(bar.open, pd, pd),
          q: bar.quoteVolume.toFixed(6),
          s: id,
          t: kline.openTime,
          v: formatScaled(bar.volume, qd, qd),
        },
        e: 'kline',
        s: id,
      },
      dataType: `${id}@kline_${raw}`,
      success: true,
    });
  }

  function swapKlineFrame(listing: Listing, raw: string, kline: Kline): Buffer {
    const { priceDecimals: pd, qtyDecimals: qd } = listing.spec;
    const { bar } = kline;
    const id = bingxId(listing);
    return gz({
      code: 0,
      dataType: `${id}@kline_${raw}`,
      s: id,
      data: [
        {
          c: formatScaled(bar.close, pd, pd),
          o: formatScaled(bar.open, pd, pd),
          h: formatScaled(bar.high, pd, pd),
          l: formatScaled(bar.low, pd, pd),
          v: formatScaled(bar.volume, qd, qd),
          T: kline.openTime,
        },
      ],
    });
  }

  /** "24hTicker" push, spot and swap alike (ccxt pro/bingx.js parseWsTicker). */
  function tickerFrame(listing: Listing, dataType: string, now: number): Buffer {
    const t = venue.restTicker(listing, now);
    return gz({
      code: 0,
      dataType,
      data: {
        e: '24hTicker',
        E: now,
        s: bingxId(listing),
        p: t['priceChange'],
        P: t['priceChangePercent'],
        c: t['lastPrice'],
        L: t['lastQty'],
        h: t['highPrice'],
        l: t['lowPrice'],
        v: t['volume'],
        q: t['quoteVolume'],
        o: t['openPrice'],
        O: t['openTime'],
        C: t['closeTime'],
        A: t['askPrice'],
        a: t['askQty'],
        B: t['bidPrice'],
        b: t['bidQty'],
      },
    });
  }

  function onCommand(connection: Connection, market: Market, data: Buffer, isBinary: boolean): void {
    const text = data.toString('utf8');
    // Heartbeat answers ("Pong", {"pong": …}) need nothing back.
    if (!isBinary && (text === 'Pong' || text.startsWith('{"pong"'))) return;
    let request: { id?: unknown; reqType?: unknown; dataType?: unknown };
    try {
      request = JSON.parse(text) as typeof request;
    } catch {
      hub.sendAnswer(connection, gz({ code: 100400, msg: 'invalid request', timestamp: context.now() }));
      return;
    }
    const id = typeof request.id === 'string' ? request.id : '';
    const dataType = typeof request.dataType === 'string' ? request.dataType : '';
    const ticker = /^([A-Z0-9]+-[A-Z0-9]+)@ticker$/.exec(dataType);
    const tickerListing = byId(ticker?.[1]);
    if (tickerListing) {
      if (request.reqType === 'unsub') feed.remove(connection, dataType);
      hub.sendAnswer(connection, gz({ code: 0, id, msg: 'SUCCESS', timestamp: context.now() }));
      if (request.reqType !== 'unsub')
        feed.addPeriodic({
          connection,
          name: dataType,
          frame: (now) => tickerFrame(tickerListing, dataType, now),
        });
      return;
    }
    const match = /^([A-Z0-9]+-[A-Z0-9]+)@kline_([0-9a-zA-Z]+)$/.exec(dataType);
    const listing = byId(match?.[1]);
    const raw = match?.[2] ?? '';
    const timeframe =
      market === 'spot' ? SPOT_WS_INTERVALS[raw] : SWAP_INTERVALS.includes(raw) ? raw : undefined;
    if (!listing || !timeframe) {
      hub.sendAnswer(
        connection,
        gz({ code: 100400, id, msg: `${dataType} is not a valid dataType`, timestamp: context.now() }),
      );
      return;
    }
    if (request.reqType === 'unsub') {
      feed.remove(connection, dataType);
    } else {
      hub.sendAnswer(connection, gz({ code: 0, id, msg: 'SUCCESS', timestamp: context.now() }));
      feed.add({
        connection,
        name: dataType,
        listing,
        timeframe,
        frame: (kline, now) =>
          market === 'spot' ? spotKlineFrame(listing, raw, kline, now) : swapKlineFrame(listing, raw, kline),
      });
      return;
    }
    hub.sendAnswer(connection, gz({ code: 0, id, msg: 'SUCCESS', timestamp: context.now() }));
  }

  const ok = (data: unknown) => ({ status: 200, body: { code: 0, msg: '', debugMsg: '', data } });
  const fail = (code: number, msg: string) => ({ status: 200, body: { code, msg, debugMsg: '' } });

  function klines(request: ProtocolRequest, shape: (listing: Listing, kline: Kline) => unknown) {
    const listing = byId(request.query['symbol']);
    if (!listing) return fail(100204, 'symbol not exist');
    const interval = request.query['interval'] ?? '';
    if (!REST_INTERVALS.includes(interval)) return fail(100400, `invalid interval ${interval}`);
    const limit = Math.min(Number(request.query['limit'] ?? 500), MAX_KLINES);
    const num = (name: string) =>
      request.query[name] === undefined ? undefined : Number(request.query[name]);
    const range = {
      limit,
      ...optional('startTime', num('startTime')),
      ...optional('endTime', num('endTime')),
    };
    return ok(listKlines(listing.series, interval, range, request.now).map((kline) => shape(listing, kline)));
  }

  const routes = new Map<string, ProtocolRoute>([
    [
      'GET /openApi/spot/v1/common/symbols',
      () =>
        ok({
          symbols: venue.listings.map((listing) => ({
            symbol: bingxId(listing),
            minQty: 0,
            maxQty: 0,
            minNotional: 5,
            maxNotional: 20000,
            status: 1,
            tickSize: 10 ** -listing.spec.priceDecimals,
            stepSize: 10 ** -listing.spec.qtyDecimals,
            apiStateSell: true,
            apiStateBuy: true,
            timeOnline: 0,
            offTime: 0,
            maintainTime: 0,
          })),
        }),
    ],
    [
      'GET /openApi/swap/v2/quote/contracts',
      () =>
        ok(
          venue.listings.map((listing, i) => ({
            contractId: String(100 + i),
            symbol: bingxId(listing),
            size: formatScaled(1, listing.spec.qtyDecimals, listing.spec.qtyDecimals),
            quantityPrecision: String(listing.spec.qtyDecimals),
            pricePrecision: String(listing.spec.priceDecimals),
            feeRate: '0.0005',
            makerFeeRate: '0.0002',
            takerFeeRate: '0.0005',
            tradeMinLimit: '0',
            tradeMinQuantity: formatScaled(1, listing.spec.qtyDecimals, listing.spec.qtyDecimals),
            tradeMinUSDT: '2',
            maxLongLeverage: '125',
            maxShortLeverage: '125',
            currency: listing.spec.quote,
            asset: listing.spec.base,
            status: '1',
            apiStateOpen: 'true',
            apiStateClose: 'true',
          })),
        ),
    ],
    ['GET /openApi/cswap/v1/market/contracts', () => ok([])],
    [
      'GET /openApi/spot/v1/market/kline',
      (request) =>
        klines(request, (listing, kline) => {
          const { priceDecimals: pd, qtyDecimals: qd } = listing.spec;
          const { bar } = kline;
          return [
            kline.openTime,
            listing.series.tickToNumber(bar.open),
            listing.series.tickToNumber(bar.high),
            listing.series.tickToNumber(bar.low),
            listing.series.tickToNumber(bar.close),
            Number(formatScaled(bar.volume, qd, qd)),
            kline.closeTime,
            Number(bar.quoteVolume.toFixed(pd)),
          ];
        }),
    ],
    [
      'GET /openApi/swap/v3/quote/klines',
      (request) =>
        klines(request, (listing, kline) => {
          const { priceDecimals: pd, qtyDecimals: qd } = listing.spec;
          const { bar } = kline;
          return {
            open: formatScaled(bar.open, pd, pd),
            close: formatScaled(bar.close, pd, pd),
            high: formatScaled(bar.high, pd, pd),
            low: formatScaled(bar.low, pd, pd),
            volume: formatScaled(bar.volume, qd, qd),
            time: kline.openTime,
          };
        }),
    ],
    ['GET /openApi/swap/v2/server/time', (request) => ok({ serverTime: request.now })],
    ...accountSide.routes,
  ]);

  const protocol: Protocol = {
    id: 'bingx',
    routes,
    socket(path, query) {
      if (path === '/swap-market' && query.has('listenKey')) {
        // The user data stream: only account events go out on it (and the swap heartbeat).
        if (!accountSide.knowsListenKey(query.get('listenKey'))) return undefined;
        return (connection) => {
          sockets.set(connection.id, { connection, market: 'swap' });
          connection.ws.on('close', () => sockets.delete(connection.id));
          accountSide.attach(connection, (c, message) => hub.sendData(c, gz(message)));
        };
      }
      const market: Market | undefined =
        path === '/market' ? 'spot' : path === '/swap-market' ? 'swap' : undefined;
      if (!market) return undefined;
      return (connection) => {
        sockets.set(connection.id, { connection, market });
        connection.ws.on('close', () => sockets.delete(connection.id));
        connection.ws.on('message', (data, isBinary) =>
          onCommand(connection, market, data as Buffer, isBinary),
        );
      };
    },
    ccxtConfig(restUrl, wsBase) {
      const rest = `${restUrl}/openApi`;
      const api = Object.fromEntries(
        [
          'fund',
          'spot',
          'swap',
          'contract',
          'wallets',
          'user',
          'subAccount',
          'account',
          'copyTrading',
          'cswap',
          'api',
        ].map((name) => [name, rest]),
      );
      // ccxt tells spot from swap sockets by 'swap' in the url (pro/bingx.js handleOHLCV).
      const ws = {
        spot: `${wsBase}/market`,
        linear: `${wsBase}/swap-market`,
        inverse: `${wsBase}/unserved/cswap`,
      };
      return { urls: { api: { ...api, ws }, test: { ...api, ws } } };
    },
    rateLimitAnswer: () => ({
      status: 200,
      body: JSON.stringify({
        code: 100410,
        msg: 'The current system is busy, please try again later',
        debugMsg: '',
      }),
    }),
    // Binary but not gzip: ccxt's gunzip throws, which its Client treats as connection-fatal.
    malformedFrame: () => Buffer.from('{"code":0,"dataType":"BTC-USDT@kline_1min","data":{'),
    truth: (listing, _symbol, timeframe, from, to, now) =>
      closedCandles(listing.series, timeframe, from, to, now),
    derivatives: {
      account,
      ccxtSwapJsonConfig: (restUrl, wsBase) => ({
        ...protocol.ccxtConfig(restUrl, wsBase),
        options: { defaultType: 'swap' },
      }),
      positionSubscribers: () => accountSide.positionSubscribers(),
    },
    close() {
      clearInterval(pinger);
      feed.close();
      accountSide.close();
    },
  };
  return protocol;
}

/**
 * BingX pushes a K-line "on update" only (spot WebSocket market data, K-Line push frequency; the
 * swap stream alike): a market without trades is silent, and its REST klines list the same bars.
 */
bingxProtocol.emptyIntervals = 'skipped' as const;

/** BingX stamps its heartbeat with a UTC+8 wall-clock time ("2023-10-02T18:51:55.089+0800"). */
function bingxTime(now: number): string {
  return new Date(now + 8 * 3_600_000).toISOString().replace('Z', '+0800');
}

function optional<K extends string>(key: K, value: number | undefined): { [k in K]?: number } {
  return value === undefined || !Number.isFinite(value) ? {} : ({ [key]: value } as { [k in K]: number });
}

import { createHmac, randomBytes } from 'node:crypto';
import {
  requestHeader,
  WALLET_USDT,
  sameSignature,
  type FakeDerivatives,
  type FakePosition,
} from '../derivatives';
import type { Connection } from '../socket-hub';
import type { Listing } from '../venue';
import type { ProtocolAnswer, ProtocolRequest, ProtocolRoute } from './protocol-server';

/*
 * BingX's private side for a USDT-M perpetual ("swap") account, as ccxt 4.5.84 (js/src/bingx.js sign,
 * fetchBalance, fetchOpenOrders, fetchPositions; pro/bingx.js authenticate, watchPositions,
 * handlePositions) uses it. Sources, BingX API docs (bingx-api.github.io/docs-v3):
 * - Signing ("Authentication"): header X-BX-APIKEY; `timestamp` among the parameters; `signature` =
 *   hex HMAC-SHA256 of the parameter string as sent before it. Errors come with HTTP 200 and a code
 *   ("Error Code"): 100413 "Incorrect apiKey", 100001 "Signature verification failed", 100421
 *   "Null timestamp or timestamp mismatch". ccxt 4.5.84 maps 100001 to AuthenticationError but not
 *   100413 (a plain ExchangeError), so the app recognises that code itself (access-error.ts).
 * - REST: GET /openApi/swap/v3/user/balance, /openApi/swap/v2/trade/openOrders,
 *   /openApi/swap/v2/user/positions ("Swap / Account Endpoints", "Trades Endpoints").
 * - User data stream ("Websocket Account Data"): POST /openApi/user/auth/userDataStream (API key
 *   only) answers `{listenKey}` (not wrapped in code/data); the swap socket opened with
 *   `?listenKey=` gets ACCOUNT_UPDATE events (gzip, like every BingX frame) whose `a.P` lists the
 *   changed positions: s, pa (amount), ep (entry), up (unrealised PnL), mt (margin type), iw
 *   (isolated wallet), ps (LONG/SHORT); no mark or liquidation price. A socket with an unknown
 *   listen key is refused.
 */

const SERVER_TIME_WINDOW_MS = 5_000;

export const bingxId = (listing: Listing): string => `${listing.spec.base}-${listing.spec.quote}`;

const fail = (code: number, msg: string): ProtocolAnswer => ({
  status: 200,
  body: { code, msg, debugMsg: '' },
});
const ok = (data: unknown): ProtocolAnswer => ({ status: 200, body: { code: 0, msg: '', data } });

/** Returns the refusal of a badly signed request, or null when it may be answered. */
function refusal(request: ProtocolRequest, account: FakeDerivatives, keyOnly = false): ProtocolAnswer | null {
  if (!account.knows(requestHeader(request, 'X-BX-APIKEY'))) return fail(100413, 'Incorrect apiKey');
  if (keyOnly) return null;
  const timestamp = Number(request.query['timestamp']);
  if (!Number.isFinite(timestamp) || Math.abs(timestamp - request.now) > SERVER_TIME_WINDOW_MS)
    return fail(100421, 'Null timestamp or timestamp mismatch');
  const at = request.rawQuery.lastIndexOf('&signature=');
  const payload = at < 0 ? request.rawQuery : request.rawQuery.slice(0, at);
  const sent = at < 0 ? '' : request.rawQuery.slice(at + '&signature='.length);
  const expected = createHmac('sha256', account.credentials.secret).update(payload).digest('hex');
  return sameSignature(sent, expected) ? null : fail(100001, 'Signature verification failed');
}

const signed =
  (account: FakeDerivatives, route: ProtocolRoute): ProtocolRoute =>
  (request) =>
    refusal(request, account) ?? route(request);

/** One entry of "Query position data" (GET /openApi/swap/v2/user/positions), hedge mode. */
function positionRow(listing: Listing, p: FakePosition): Record<string, unknown> {
  const pd = listing.spec.priceDecimals;
  return {
    symbol: bingxId(listing),
    positionId: `${bingxId(listing)}-${p.side}`,
    positionSide: p.side === 'long' ? 'LONG' : 'SHORT',
    isolated: p.marginMode === 'isolated',
    positionAmt: String(p.contracts),
    availableAmt: String(p.contracts),
    unrealizedProfit: String(p.unrealizedPnl),
    realisedProfit: '0',
    initialMargin: String(p.notional / p.leverage),
    avgPrice: p.entryPrice.toFixed(pd),
    markPrice: p.markPrice.toFixed(pd),
    liquidationPrice: p.liquidationPrice,
    leverage: p.leverage,
    positionValue: String(p.notional),
    riskRate: '0.01',
    updateTime: p.updatedAt,
  };
}

/** The `a.P` entry of an ACCOUNT_UPDATE event. */
function wsPositionRow(listing: Listing, p: FakePosition): Record<string, string> {
  return {
    s: bingxId(listing),
    pa: String(p.contracts),
    ep: p.entryPrice.toFixed(listing.spec.priceDecimals),
    up: String(p.unrealizedPnl),
    mt: p.marginMode,
    iw: String(p.notional / p.leverage),
    ps: p.side === 'long' ? 'LONG' : 'SHORT',
  };
}

export type BingxPrivate = {
  routes: Array<[string, ProtocolRoute]>;
  /** a swap socket opened with this listen key belongs to the account */
  knowsListenKey(listenKey: string | null): boolean;
  /** registers a listen-key socket: account events are pushed to it (gzip) */
  attach(connection: Connection, send: (connection: Connection, message: unknown) => void): void;
  positionSubscribers(): number;
  close(): void;
};

export function bingxPrivate(account: FakeDerivatives, now: () => number): BingxPrivate {
  const listenKeys = new Set<string>();
  const sockets = new Map<number, { connection: Connection; send: (c: Connection, m: unknown) => void }>();
  const listing = (p: FakePosition) => account.listing(p.symbol);
  // ACCOUNT_UPDATE goes out on a trade, a funding fee or a transfer (its `m` reason), not when the
  // mark price moves: a mark-only change is not pushed.
  const unlisten = account.onChange((position, change) => {
    if (change === 'mark') return;
    const event = {
      e: 'ACCOUNT_UPDATE',
      E: now(),
      T: now(),
      a: {
        m: 'ORDER',
        B: [{ a: 'USDT', wb: String(WALLET_USDT), cw: String(WALLET_USDT), bc: '0' }],
        P: [wsPositionRow(listing(position), position)],
      },
    };
    for (const { connection, send } of sockets.values()) send(connection, event);
  });
  const routes: Array<[string, ProtocolRoute]> = [
    [
      'POST /openApi/user/auth/userDataStream',
      (request) => {
        const refused = refusal(request, account, true);
        if (refused) return refused;
        const listenKey = randomBytes(32).toString('hex');
        listenKeys.add(listenKey);
        return { status: 200, body: { listenKey } };
      },
    ],
    [
      'PUT /openApi/user/auth/userDataStream',
      (request) => refusal(request, account, true) ?? { status: 200, body: {} },
    ],
    [
      'GET /openApi/swap/v3/user/balance',
      signed(account, () => {
        const used = account.positions().reduce((sum, p) => sum + p.notional / p.leverage, 0);
        return ok([
          {
            asset: 'USDT',
            balance: String(WALLET_USDT),
            equity: String(WALLET_USDT),
            unrealizedProfit: '0',
            realisedProfit: '0',
            availableMargin: String(WALLET_USDT - used),
            usedMargin: String(used),
            freezedMargin: '0',
            maxWithdrawAmount: String(WALLET_USDT),
          },
        ]);
      }),
    ],
    [
      // "Mark Price and Funding Rate" (public): one symbol, or all without one.
      'GET /openApi/swap/v2/quote/premiumIndex',
      (request) => {
        const { rate, nextFundingTime } = account.funding(request.now);
        const symbol = request.query['symbol'];
        const rows = account.listings().filter((l) => symbol === undefined || bingxId(l) === symbol);
        if (rows.length === 0) return fail(109400, 'symbol not exist');
        return ok(
          rows.map((l) => ({
            symbol: bingxId(l),
            markPrice: String(account.markPrice(l.spec.symbol)),
            indexPrice: String(account.markPrice(l.spec.symbol)),
            lastFundingRate: String(rate),
            nextFundingTime,
            fundingIntervalHours: 8,
            time: request.now,
          })),
        );
      },
    ],
    ['GET /openApi/swap/v2/trade/openOrders', signed(account, () => ok({ orders: [] }))],
    [
      'GET /openApi/swap/v2/user/positions',
      signed(account, (request) => {
        const symbol = request.query['symbol'];
        return ok(
          account
            .positions()
            .filter((p) => symbol === undefined || bingxId(listing(p)) === symbol)
            .map((p) => positionRow(listing(p), p)),
        );
      }),
    ],
  ];
  return {
    routes,
    knowsListenKey: (listenKey) => listenKey !== null && listenKeys.has(listenKey),
    attach(connection, send) {
      sockets.set(connection.id, { connection, send });
      connection.ws.on('close', () => sockets.delete(connection.id));
    },
    positionSubscribers: () => sockets.size,
    close: unlisten,
  };
}

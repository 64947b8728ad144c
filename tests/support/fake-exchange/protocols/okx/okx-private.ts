import { createHmac, randomBytes } from 'node:crypto';
import type { WebSocket } from 'ws';
import {
  FUNDING_PERIOD_MS,
  requestHeader,
  WALLET_USDT,
  sameSignature,
  type FakeDerivatives,
  type FakePosition,
  signedWith,
} from '../../derivatives';
import type { RestAnswer, RestRequest, RestRoute } from '../../public-rest';
import type { Connection, SocketHub } from '../../socket-hub';
import type { FaultPlan } from '../../faults';
import type { Now } from '../../clock';
import type { Listing, Venue } from '../../venue';
import { OkxError } from './okx-rest';
import { okxSwapId } from './okx-market';

/**
 * OKX v5's private side for a USDT-margined perpetual account (docs-v5, "Trading Account"), as
 * ccxt 4.5.84 (js/src/okx.js sign, fetchBalance, fetchOpenOrders, fetchPositions; pro/okx.js
 * authenticate, watchPositions) uses it.
 */

/** "REST Authentication": a request whose OK-ACCESS-TIMESTAMP is 30 s off is refused (50102). */
const MAX_SKEW_MS = 30_000;

const sign = (payload: string, secret: string): string =>
  createHmac('sha256', secret).update(payload).digest('base64');

/**
 * "REST Authentication": OK-ACCESS-KEY, OK-ACCESS-PASSPHRASE, OK-ACCESS-TIMESTAMP (ISO) and
 * OK-ACCESS-SIGN = Base64(HMAC-SHA256(timestamp + method + requestPath (+ '?' + query) + body)).
 * Refusals ("Error Code", 50100-50116): 50103 key missing, 50111 invalid key, 50105 wrong
 * passphrase, 50102 timestamp expired, 50113 invalid sign — all HTTP 401.
 */
function authenticate(request: RestRequest, account: FakeDerivatives): void {
  const key = requestHeader(request, 'OK-ACCESS-KEY');
  if (!key) throw new OkxError(401, '50103', 'Request header OK-ACCESS-KEY cannot be empty.');
  if (!account.knows(key)) throw new OkxError(401, '50111', 'Invalid OK-ACCESS-KEY.');
  if (requestHeader(request, 'OK-ACCESS-PASSPHRASE') !== account.credentials.password)
    throw new OkxError(401, '50105', 'Invalid OK-ACCESS-PASSPHRASE.');
  const timestamp = requestHeader(request, 'OK-ACCESS-TIMESTAMP') ?? '';
  const at = Date.parse(timestamp);
  if (!Number.isFinite(at) || Math.abs(at - request.now) > MAX_SKEW_MS)
    throw new OkxError(401, '50102', 'Timestamp request expired.');
  const path = request.rawQuery ? `${request.path}?${request.rawQuery}` : request.path;
  const expected = sign(timestamp + request.method + path + request.rawBody, account.credentials.secret);
  if (!sameSignature(requestHeader(request, 'OK-ACCESS-SIGN') ?? '', expected))
    throw new OkxError(401, '50113', 'Invalid Sign.');
}

const ok = (data: unknown[]): RestAnswer => ({ status: 200, body: { code: '0', msg: '', data } });

const signed = signedWith(authenticate);

/** One row of "Get positions" / the `positions` channel, in net (one-way) mode: a short has pos < 0. */
export function okxPositionRow(venue: Venue, p: FakePosition): Record<string, string> {
  const listing = venue.bySymbol(p.symbol)!;
  const pd = listing.spec.priceDecimals;
  const signedPos = p.side === 'long' ? p.contracts : -p.contracts;
  return {
    instType: 'SWAP',
    instId: okxSwapId(listing),
    posId: String(1_000_000 + venue.listings.indexOf(listing)),
    posSide: 'net',
    pos: String(signedPos),
    availPos: String(signedPos),
    ccy: listing.spec.quote,
    mgnMode: p.marginMode,
    lever: String(p.leverage),
    avgPx: p.entryPrice.toFixed(pd),
    markPx: p.markPrice.toFixed(pd),
    last: p.markPrice.toFixed(pd),
    idxPx: p.markPrice.toFixed(pd),
    upl: String(p.unrealizedPnl),
    liqPx: p.liquidationPrice.toFixed(pd),
    notionalUsd: String(p.notional),
    margin: p.marginMode === 'isolated' ? String(p.notional / p.leverage) : '',
    imr: p.marginMode === 'cross' ? String(p.notional / p.leverage) : '',
    mmr: String(p.notional * 0.005),
    cTime: String(p.createdAt),
    uTime: String(p.updatedAt),
    pTime: String(p.updatedAt),
  };
}

/**
 * Signed REST routes of the trading account: "Get balance" (account/balance), "Get positions"
 * (account/positions, instType/instId filters) and "Get order List" (trade/orders-pending, none open:
 * Candlewatch never places one).
 */
export function okxPrivateRoutes(venue: Venue, account: FakeDerivatives): Array<[string, RestRoute]> {
  return [
    [
      'GET /api/v5/account/balance',
      signed(account, ({ now }) => {
        const margin = account.positions().reduce((sum, p) => sum + p.notional / p.leverage, 0);
        const equity = WALLET_USDT + account.positions().reduce((sum, p) => sum + p.unrealizedPnl, 0);
        return ok([
          {
            uTime: String(now),
            totalEq: String(equity),
            details: [
              {
                ccy: 'USDT',
                eq: String(equity),
                cashBal: String(WALLET_USDT),
                availBal: String(WALLET_USDT - margin),
                frozenBal: String(margin),
                uTime: String(now),
              },
            ],
          },
        ]);
      }),
    ],
    [
      'GET /api/v5/account/positions',
      signed(account, ({ query }) => {
        const type = query['instType'];
        if (type !== undefined && !['MARGIN', 'SWAP', 'FUTURES', 'OPTION'].includes(type))
          throw new OkxError(400, '51000', 'Parameter instType error');
        const ids = query['instId']?.split(',');
        const rows = account
          .positions()
          .map((p) => okxPositionRow(venue, p))
          .filter(
            (row) =>
              (type === undefined || row['instType'] === type) && (!ids || ids.includes(row['instId']!)),
          );
        return ok(rows);
      }),
    ],
    [
      // "Get funding rate" (public): instId of one perpetual, or ANY for all. fundingTime is the
      // settlement of the current rate, nextFundingTime the one after it.
      'GET /api/v5/public/funding-rate',
      ({ query, now }) => {
        const instId = query['instId'];
        if (!instId) throw new OkxError(400, '50014', "Parameter instId can't be empty");
        const listings =
          instId === 'ANY' ? venue.listings : venue.listings.filter((l) => okxSwapId(l) === instId);
        if (listings.length === 0) throw new OkxError(400, '51001', "Instrument ID doesn't exist.");
        return ok(listings.map((l) => okxFundingRow(l, account, now)));
      },
    ],
    ['GET /api/v5/trade/orders-pending', signed(account, () => ok([]))],
    ['GET /api/v5/trade/fills', signed(account, () => ok([]))],
    ['GET /api/v5/trade/fills-history', signed(account, () => ok([]))],
  ];
}

/**
 * A perpetual's funding as "Get funding rate" answers it and the public `funding-rate` channel
 * pushes it ("WS / Funding rate channel": instType, instId, method, fundingRate, nextFundingRate,
 * fundingTime, nextFundingTime, settState, ts). fundingTime is the settlement of the current rate,
 * nextFundingTime the one after it; nextFundingRate is empty under method current_period.
 */
export function okxFundingRow(
  listing: Listing,
  account: FakeDerivatives,
  now: number,
): Record<string, string> {
  const { rate, nextFundingTime } = account.funding(now);
  return {
    instType: 'SWAP',
    instId: okxSwapId(listing),
    method: 'current_period',
    fundingRate: String(rate),
    nextFundingRate: '',
    fundingTime: String(nextFundingTime),
    nextFundingTime: String(nextFundingTime + FUNDING_PERIOD_MS),
    settState: 'settled',
    ts: String(now),
  };
}

type PrivateSocket = { connection: Connection; connId: string; loggedIn: boolean; positions: object | null };

/**
 * `/ws/v5/private` ("WebSocket / Login", "Trading account / WS / Positions channel"). Login:
 * `{op: "login", args: [{apiKey, passphrase, timestamp (seconds), sign}]}` with sign =
 * Base64(HMAC-SHA256(timestamp + 'GET' + '/users/self/verify')), answered `{event: "login", code:
 * "0"}` or `{event: "error", code}`: 60005 invalid key, 60024 wrong passphrase, 60006 timestamp
 * expired, 60007 invalid sign. A subscribe before login gets 60011 "Please log in". Channels
 * `account`, `orders` and `positions` (instType ANY/SWAP…): positions pushes a snapshot of every open
 * position on subscribe and each change after ("Data will be pushed when triggered by events such as
 * placing/canceling order", and at a regular interval with the new markPx); a closed position is
 * pushed once with pos "0". The fake pushes a mark move at once, standing in for those regular
 * pushes, and nothing on `account`/`orders`.
 */
export class OkxPrivateStreams {
  private readonly sockets = new Map<number, PrivateSocket>();
  private readonly unlisten: () => void;

  constructor(
    private readonly venue: Venue,
    private readonly account: FakeDerivatives,
    private readonly hub: SocketHub,
    private readonly faults: FaultPlan,
    private readonly now: Now,
  ) {
    this.unlisten = account.onChange((position) => {
      for (const socket of this.sockets.values())
        if (socket.positions) this.push(socket, [okxPositionRow(this.venue, position)]);
    });
  }

  /** Open sockets subscribed to the `positions` channel. */
  positionSubscribers(): number {
    return [...this.sockets.values()].filter((s) => s.positions !== null).length;
  }

  attach(ws: WebSocket): void {
    const socket: PrivateSocket = {
      connection: this.hub.add(ws, 'market'),
      connId: randomBytes(4).toString('hex'),
      loggedIn: false,
      positions: null,
    };
    this.sockets.set(socket.connection.id, socket);
    ws.on('close', () => this.sockets.delete(socket.connection.id));
    ws.on('message', (data) => this.onMessage(socket, data.toString()));
  }

  close(): void {
    this.unlisten();
  }

  private answer(socket: PrivateSocket, message: Record<string, unknown>): void {
    this.hub.sendAnswer(socket.connection, JSON.stringify({ ...message, connId: socket.connId }));
  }

  private push(socket: PrivateSocket, data: Record<string, string>[]): void {
    this.hub.sendData(socket.connection, JSON.stringify({ arg: socket.positions, data }));
  }

  private onMessage(socket: PrivateSocket, text: string): void {
    if (text === 'ping') {
      if (this.faults.answersHeartbeat(this.now())) this.hub.sendAnswer(socket.connection, 'pong');
      return;
    }
    let request: { op?: unknown; args?: unknown };
    try {
      request = JSON.parse(text) as typeof request;
    } catch {
      this.answer(socket, { event: 'error', code: '60012', msg: `Illegal request: ${text}` });
      return;
    }
    const args = Array.isArray(request.args) ? (request.args as Record<string, unknown>[]) : [];
    if (request.op === 'login') {
      this.login(socket, args[0] ?? {});
      return;
    }
    if (request.op !== 'subscribe' && request.op !== 'unsubscribe') {
      this.answer(socket, { event: 'error', code: '60012', msg: `Illegal request: ${text}` });
      return;
    }
    if (!socket.loggedIn) {
      this.answer(socket, { event: 'error', code: '60011', msg: 'Please log in' });
      return;
    }
    for (const arg of args) {
      const channel = String(arg['channel']);
      if (!['account', 'orders', 'positions'].includes(channel)) {
        this.answer(socket, {
          event: 'error',
          code: '60018',
          msg: `Wrong URL or channel:${channel} doesn't exist.`,
        });
        continue;
      }
      this.answer(socket, { event: request.op, arg });
      if (channel !== 'positions') continue;
      if (request.op === 'unsubscribe') {
        socket.positions = null;
        continue;
      }
      socket.positions = { ...arg, uid: '464737184507959869' };
      this.push(
        socket,
        this.account.positions().map((p) => okxPositionRow(this.venue, p)),
      );
    }
  }

  private login(socket: PrivateSocket, arg: Record<string, unknown>): void {
    const { credentials } = this.account;
    const refuse = (code: string, msg: string) => this.answer(socket, { event: 'error', code, msg });
    const timestamp = String(arg['timestamp'] ?? '');
    if (!this.account.knows(String(arg['apiKey']))) return refuse('60005', 'Invalid OK-ACCESS-KEY');
    if (arg['passphrase'] !== credentials.password) return refuse('60024', 'Wrong passphrase');
    if (Math.abs(Number(timestamp) * 1000 - this.now()) > MAX_SKEW_MS)
      return refuse('60006', 'Timestamp request expired');
    const expected = sign(`${timestamp}GET/users/self/verify`, credentials.secret);
    if (!sameSignature(String(arg['sign'] ?? ''), expected)) return refuse('60007', 'Invalid sign');
    socket.loggedIn = true;
    this.answer(socket, { event: 'login', code: '0', msg: '' });
  }
}

import { createHmac, randomUUID } from 'node:crypto';
import type { WebSocket } from 'ws';
import type { Now } from '../../clock';
import {
  requestHeader,
  WALLET_USDT,
  sameSignature,
  type FakeDerivatives,
  type FakePosition,
  signedWith,
} from '../../derivatives';
import type { FaultPlan } from '../../faults';
import type { RestAnswer, RestRequest, RestRoute } from '../../public-rest';
import type { Connection, SocketHub } from '../../socket-hub';
import type { Venue } from '../../venue';
import { BybitError } from './bybit-rest';
import { bybitId } from './bybit-market';

/**
 * Bybit v5's private side for a Unified Trading Account with USDT perpetuals (category linear), as
 * ccxt 4.5.84 (js/src/bybit.js sign, isUnifiedEnabled, fetchBalance, fetchOpenOrders,
 * fetchPositions; pro/bybit.js authenticate, watchPositions with its REST snapshot) uses it.
 */

const hex = (payload: string, secret: string): string =>
  createHmac('sha256', secret).update(payload).digest('hex');

/** "Integration Guidance": a timestamp outside [server − recv_window, server + 1000) is refused (10002). */
const AHEAD_MS = 1_000;

/**
 * "Integration Guidance" → authentication: X-BAPI-API-KEY, X-BAPI-TIMESTAMP, X-BAPI-RECV-WINDOW and
 * X-BAPI-SIGN = hex HMAC-SHA256(timestamp + apiKey + recvWindow + queryString) for GET. Business
 * errors come with HTTP 200 ("Error Codes"): 10003 "API key is invalid.", 10002 timestamp outside
 * the window, 10004 "Error sign".
 */
function authenticate(request: RestRequest, account: FakeDerivatives): void {
  const key = requestHeader(request, 'X-BAPI-API-KEY');
  if (!account.knows(key)) throw new BybitError(10003, 'API key is invalid.');
  const timestamp = requestHeader(request, 'X-BAPI-TIMESTAMP') ?? '';
  const recvWindow = requestHeader(request, 'X-BAPI-RECV-WINDOW') ?? '5000';
  const at = Number(timestamp);
  if (!Number.isFinite(at) || at < request.now - Number(recvWindow) || at >= request.now + AHEAD_MS)
    throw new BybitError(
      10002,
      `invalid request, please check your server timestamp or recv_window param. req_timestamp[${timestamp}],server_timestamp[${request.now}],recv_window[${recvWindow}]`,
    );
  const expected = hex(timestamp + key! + recvWindow + request.rawQuery, account.credentials.secret);
  if (!sameSignature(requestHeader(request, 'X-BAPI-SIGN') ?? '', expected))
    throw new BybitError(10004, 'error sign! origin_string[...]');
}

const envelope = (result: unknown, now: number): RestAnswer => ({
  status: 200,
  body: { retCode: 0, retMsg: 'OK', result, retExtInfo: {}, time: now },
});

const signed = signedWith(authenticate);

/**
 * "Get Account Info" `marginMode`: the unified account's margin mode, "ISOLATED_MARGIN",
 * "REGULAR_MARGIN" (cross margin) or "PORTFOLIO_MARGIN", set for the whole account ("Set Margin
 * Mode" → setMarginMode).
 */
const BYBIT_MARGIN_MODES = {
  isolated: 'ISOLATED_MARGIN',
  cross: 'REGULAR_MARGIN',
  portfolio: 'PORTFOLIO_MARGIN',
} as const;

/** One entry of "Get Position Info" and of the `position` topic (one-way mode: positionIdx 0). */
export function bybitPositionRow(venue: Venue, p: FakePosition): Record<string, unknown> {
  const listing = venue.bySymbol(p.symbol)!;
  const pd = listing.spec.priceDecimals;
  return {
    category: 'linear',
    symbol: bybitId(listing),
    positionIdx: 0,
    // "Position side. Buy: long, Sell: short; one-way mode: returns "" for an empty position"
    side: p.contracts === 0 ? '' : p.side === 'long' ? 'Buy' : 'Sell',
    size: String(p.contracts),
    avgPrice: p.entryPrice.toFixed(pd),
    markPrice: p.markPrice.toFixed(pd),
    positionValue: String(p.notional),
    unrealisedPnl: String(p.unrealizedPnl),
    liqPrice: p.contracts === 0 ? '' : p.liquidationPrice.toFixed(pd),
    bustPrice: '',
    leverage: String(p.leverage),
    // "Get Position Info": tradeMode is deprecated on a unified account (UTA 2.0) and always 0; the
    // margin mode is the account's ("Get Account Info" marginMode).
    tradeMode: 0,
    positionIM: String(p.notional / p.leverage),
    positionMM: String(p.notional * 0.005),
    positionStatus: 'Normal',
    autoAddMargin: 0,
    riskId: 1,
    cumRealisedPnl: '0',
    createdTime: String(p.createdAt),
    updatedTime: String(p.updatedAt),
  };
}

/**
 * Signed REST routes: "Get API Key Information" (user/query-api) and "Get Account Info"
 * (account/info), which ccxt reads first to learn the account is unified; "Get Wallet Balance"
 * (UNIFIED), "Get Open & Closed Orders" (order/realtime: none, Candlewatch never places one) and
 * "Get Position Info" (position/list; linear with `symbol` or `settleCoin`, inverse none here).
 */
export function bybitPrivateRoutes(venue: Venue, account: FakeDerivatives): Array<[string, RestRoute]> {
  return [
    [
      'GET /v5/user/query-api',
      signed(account, ({ now }) =>
        envelope(
          {
            id: '13770661',
            apiKey: account.credentials.apiKey,
            readOnly: 1,
            permissions: { ContractTrade: [], Spot: [], Wallet: [] },
            unified: 0,
            uta: 1,
            isMaster: true,
          },
          now,
        ),
      ),
    ],
    [
      'GET /v5/account/info',
      signed(account, ({ now }) =>
        envelope(
          {
            unifiedMarginStatus: 6,
            marginMode: BYBIT_MARGIN_MODES[account.accountMarginMode],
            updatedTime: String(now),
          },
          now,
        ),
      ),
    ],
    [
      'GET /v5/account/wallet-balance',
      signed(account, ({ query, now }) => {
        if (query['accountType'] !== 'UNIFIED')
          throw new BybitError(10001, 'accountType only support UNIFIED.');
        const im = account.positions().reduce((sum, p) => sum + p.notional / p.leverage, 0);
        return envelope(
          {
            list: [
              {
                accountType: 'UNIFIED',
                coin: [
                  {
                    coin: 'USDT',
                    walletBalance: String(WALLET_USDT),
                    equity: String(WALLET_USDT),
                    locked: '0',
                    totalPositionIM: String(im),
                    totalOrderIM: '0',
                  },
                ],
              },
            ],
          },
          now,
        );
      }),
    ],
    [
      'GET /v5/order/realtime',
      signed(account, ({ query, now }) =>
        envelope({ category: query['category'], list: [], nextPageCursor: '' }, now),
      ),
    ],
    [
      'GET /v5/position/list',
      signed(account, ({ query, now }) => {
        const category = query['category'];
        if (category !== 'linear' && category !== 'inverse')
          throw new BybitError(10001, 'params error: category only support linear or inverse');
        if (category === 'linear' && !query['symbol'] && !query['settleCoin'] && !query['baseCoin'])
          throw new BybitError(10001, 'Missing some parameters that must be filled in, symbol or settleCoin');
        const rows =
          category === 'inverse'
            ? []
            : account
                .positions()
                .map((p) => bybitPositionRow(venue, p))
                .filter((row) => !query['symbol'] || row['symbol'] === query['symbol']);
        return envelope({ category, list: rows, nextPageCursor: '' }, now);
      }),
    ],
  ];
}

/**
 * The linear tickers ("Get Tickers": markPrice, fundingRate, nextFundingTime — what ccxt's
 * fetchFundingRates reads) with the account's mark prices and funding, so the public and private
 * sides agree.
 */
export function withAccountFunding(tickers: RestRoute, account: FakeDerivatives): RestRoute {
  return (request) => {
    const answer = tickers(request);
    if (request.query['category'] !== 'linear') return answer;
    const { rate, nextFundingTime } = account.funding(request.now);
    const body = answer.body as { result: { list: Record<string, string>[] } };
    for (const ticker of body.result.list) {
      const listing = account.listings().find((l) => bybitId(l) === ticker['symbol']);
      if (!listing) continue;
      ticker['markPrice'] = String(account.markPrice(listing.spec.symbol));
      ticker['fundingRate'] = String(rate);
      ticker['nextFundingTime'] = String(nextFundingTime);
    }
    return answer;
  };
}

type PrivateSocket = { connection: Connection; connId: string; authed: boolean; positions: boolean };

/**
 * `/v5/private` ("WebSocket Connect" → authentication): `{op: "auth", args: [apiKey, expires,
 * signature]}` with signature = hex HMAC-SHA256("GET/realtime" + expires), answered `{success:
 * true, op: "auth"}`, or `{success: false, ret_msg}` for an unknown key, a bad signature or an
 * expires in the past. Topics `wallet`, `order`, `execution` and `position`; `position` pushes a
 * change of a position, a closed one once with size "0" ("WS / Position"), and no snapshot (ccxt
 * reads one over REST). Heartbeat `{op: "ping"}` answered `{op: "pong", args: [ts]}`.
 */
export class BybitPrivateStreams {
  private readonly sockets = new Map<number, PrivateSocket>();
  private readonly unlisten: () => void;

  constructor(
    private readonly venue: Venue,
    private readonly account: FakeDerivatives,
    private readonly hub: SocketHub,
    private readonly faults: FaultPlan,
    private readonly now: Now,
  ) {
    // The topic is documented as pushed on position changes (fills, leverage, TP/SL): the fake pushes
    // no mark-only move, so the app must read the mark price over REST.
    this.unlisten = account.onChange((position, change) => {
      if (change === 'mark') return;
      for (const socket of this.sockets.values()) {
        if (!socket.positions) continue;
        this.hub.sendData(
          socket.connection,
          JSON.stringify({
            id: randomUUID(),
            topic: 'position',
            creationTime: this.now(),
            data: [bybitPositionRow(this.venue, position)],
          }),
        );
      }
    });
  }

  /** Open sockets subscribed to the `position` topic. */
  positionSubscribers(): number {
    return [...this.sockets.values()].filter((s) => s.positions).length;
  }

  attach(ws: WebSocket): void {
    const socket: PrivateSocket = {
      connection: this.hub.add(ws, 'market'),
      connId: randomUUID(),
      authed: false,
      positions: false,
    };
    this.sockets.set(socket.connection.id, socket);
    ws.on('close', () => this.sockets.delete(socket.connection.id));
    ws.on('message', (data) => this.onMessage(socket, data.toString()));
  }

  close(): void {
    this.unlisten();
  }

  private onMessage(socket: PrivateSocket, text: string): void {
    let request: { op?: unknown; args?: unknown; req_id?: unknown };
    try {
      request = JSON.parse(text) as typeof request;
    } catch {
      this.answer(socket, { success: false, ret_msg: `error:invalid json,text:${text}` });
      return;
    }
    // Echoed as sent: ccxt numbers its requests.
    const reqId = request.req_id === undefined ? {} : { req_id: request.req_id };
    const args = Array.isArray(request.args) ? request.args.map(String) : [];
    if (request.op === 'ping') {
      if (this.faults.answersHeartbeat(this.now()))
        this.answer(socket, { ...reqId, op: 'pong', args: [String(this.now())] });
      return;
    }
    if (request.op === 'auth') {
      const [apiKey, expires, signature] = args;
      const problem = !this.account.knows(apiKey)
        ? 'API key is invalid.'
        : Number(expires) < this.now()
          ? 'Params Error: auth expired'
          : !sameSignature(signature ?? '', hex(`GET/realtime${expires}`, this.account.credentials.secret))
            ? 'Error sign'
            : null;
      socket.authed = problem === null;
      this.answer(socket, { ...reqId, success: problem === null, ret_msg: problem ?? '', op: 'auth' });
      return;
    }
    if (request.op !== 'subscribe' && request.op !== 'unsubscribe') {
      this.answer(socket, {
        ...reqId,
        success: false,
        ret_msg: `error:handler not found,op:${String(request.op)}`,
      });
      return;
    }
    if (!socket.authed) {
      this.answer(socket, { ...reqId, success: false, ret_msg: 'Request not authorized', op: request.op });
      return;
    }
    const unknown = args.filter((topic) => !['wallet', 'order', 'execution', 'position'].includes(topic));
    if (unknown.length > 0) {
      this.answer(socket, {
        ...reqId,
        success: false,
        ret_msg: `Invalid topic :[${unknown.join(',')}]`,
        op: request.op,
      });
      return;
    }
    if (args.includes('position')) socket.positions = request.op === 'subscribe';
    this.answer(socket, { ...reqId, success: true, ret_msg: '', op: request.op });
  }

  private answer(socket: PrivateSocket, message: Record<string, unknown>): void {
    this.hub.sendAnswer(socket.connection, JSON.stringify({ ...message, conn_id: socket.connId }));
  }
}

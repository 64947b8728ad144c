import { randomBytes } from 'node:crypto';
import type { SimulatedAccount } from './account';
import { BinanceError, integerParam, mandatory, type RestRequest, type RestRoute } from './public-rest';
import { restSignedPayload, type KeyRing } from './signing';
import type { Venue } from './venue';

const apiKeyOf = (request: RestRequest): string | undefined => {
  const header = request.headers['x-mbx-apikey'];
  return Array.isArray(header) ? header[0] : header;
};

/** All parameters of a signed call: Binance reads them from the query string and the body alike. */
const paramsOf = (request: RestRequest): Record<string, string> => ({ ...request.query, ...request.form });

function symbolId(venue: Venue, params: Record<string, string>, required: boolean): string | undefined {
  const id = params['symbol'];
  if (id === undefined) {
    if (required) throw mandatory('symbol');
    return undefined;
  }
  const listing = venue.byMarketId(id);
  if (!listing || listing.spec.id !== id) throw new BinanceError(400, -1121, 'Invalid symbol.');
  return id;
}

/** Listen keys handed out by POST /api/v3/userDataStream, for the `/ws/<listenKey>` user stream. */
export class ListenKeys {
  private readonly keys = new Set<string>();

  create(): string {
    const key = randomBytes(30).toString('hex');
    this.keys.add(key);
    return key;
  }

  has(key: string): boolean {
    return this.keys.has(key);
  }

  delete(key: string): boolean {
    return this.keys.delete(key);
  }
}

/**
 * Signed Binance spot endpoints over the simulated account, plus the sapi calls ccxt's loadMarkets
 * makes once keys are set (capital/config/getall for currencies, margin pairs) and the listenKey
 * endpoints (API key only, no signature, as on Binance).
 */
export function privateRoutes(
  venue: Venue,
  keys: KeyRing,
  account: SimulatedAccount,
  listenKeys: ListenKeys,
): Map<string, RestRoute> {
  const signed =
    (
      weight: number | ((params: Record<string, string>) => number),
      handler: (params: Record<string, string>) => unknown,
    ): RestRoute =>
    (request) => {
      const params = paramsOf(request);
      keys.checkSigned(apiKeyOf(request), params, restSignedPayload(request.rawQuery, request.rawBody));
      const body = handler(params);
      return { status: 200, weight: typeof weight === 'number' ? weight : weight(params), body };
    };
  const keyOnly =
    (handler: (params: Record<string, string>) => unknown): RestRoute =>
    (request) => {
      keys.checkApiKey(apiKeyOf(request));
      return { status: 200, weight: 2, body: handler(paramsOf(request)) };
    };
  const assets = (): string[] => [...new Set(venue.listings.flatMap(({ spec }) => [spec.base, spec.quote]))];
  const existingListenKey = (params: Record<string, string>): string => {
    const key = params['listenKey'];
    if (key === undefined) throw mandatory('listenKey');
    if (!listenKeys.has(key)) throw new BinanceError(400, -1125, 'This listenKey does not exist.');
    return key;
  };

  return new Map<string, RestRoute>([
    [
      'GET /api/v3/account',
      signed(20, (params) => {
        const balances = account.restBalances();
        return {
          makerCommission: 10,
          takerCommission: 10,
          buyerCommission: 0,
          sellerCommission: 0,
          commissionRates: {
            maker: '0.00100000',
            taker: '0.00100000',
            buyer: '0.00000000',
            seller: '0.00000000',
          },
          canTrade: keys.permissions.enableSpotAndMarginTrading,
          canWithdraw: keys.permissions.enableWithdrawals,
          canDeposit: true,
          brokered: false,
          requireSelfTradePrevention: false,
          preventSor: false,
          updateTime: keys.serverTime(),
          accountType: 'SPOT',
          balances:
            params['omitZeroBalances'] === 'true'
              ? balances.filter((b) => Number(b.free) !== 0 || Number(b.locked) !== 0)
              : balances,
          permissions: ['SPOT'],
          uid: 354937868,
        };
      }),
    ],
    [
      'GET /api/v3/openOrders',
      signed(
        (params) => (params['symbol'] ? 6 : 80),
        (params) => account.restOpenOrders(symbolId(venue, params, false)),
      ),
    ],
    ['GET /api/v3/allOrders', signed(20, (params) => account.restAllOrders(symbolId(venue, params, true)!))],
    [
      'GET /api/v3/order',
      signed(4, (params) => {
        const symbol = symbolId(venue, params, true)!;
        const orderId = integerParam(params, 'orderId');
        if (orderId === undefined) throw mandatory('orderId');
        const order = account.restOrder(symbol, orderId);
        if (!order) throw new BinanceError(400, -2013, 'Order does not exist.');
        return order;
      }),
    ],
    [
      'GET /api/v3/myTrades',
      signed(20, (params) => {
        const symbol = symbolId(venue, params, true)!;
        const limit = integerParam(params, 'limit') ?? 500;
        if (limit < 1 || limit > 1000)
          throw new BinanceError(400, -1130, "Data sent for parameter 'limit' is not valid.");
        const query: Parameters<SimulatedAccount['restTrades']>[1] = { limit };
        for (const name of ['orderId', 'fromId', 'startTime', 'endTime'] as const) {
          const value = integerParam(params, name);
          if (value !== undefined) query[name] = value;
        }
        return account.restTrades(symbol, query);
      }),
    ],
    ['POST /api/v3/userDataStream', keyOnly(() => ({ listenKey: listenKeys.create() }))],
    [
      'PUT /api/v3/userDataStream',
      keyOnly((params) => {
        existingListenKey(params);
        return {};
      }),
    ],
    [
      'DELETE /api/v3/userDataStream',
      keyOnly((params) => {
        listenKeys.delete(existingListenKey(params));
        return {};
      }),
    ],
    [
      'GET /sapi/v1/capital/config/getall',
      signed(10, () =>
        assets().map((coin) => ({
          coin,
          name: coin,
          depositAllEnable: true,
          withdrawAllEnable: true,
          isLegalMoney: false,
          trading: true,
          free: '0',
          locked: '0',
          networkList: [
            {
              network: coin === 'USDT' ? 'ETH' : coin,
              coin,
              isDefault: true,
              depositEnable: true,
              withdrawEnable: true,
              withdrawFee: '0.0001',
              withdrawMin: '0.001',
              withdrawMax: '9999999',
              withdrawIntegerMultiple: '0.00000001',
              depositDust: '0.00000001',
            },
          ],
        })),
      ),
    ],
    ['GET /sapi/v1/margin/allPairs', signed(1, () => [])],
    ['GET /sapi/v1/margin/isolated/allPairs', signed(10, () => [])],
    [
      'GET /sapi/v1/account/apiRestrictions',
      signed(1, () => ({
        ...keys.permissions,
        createTime: 1_700_000_000_000,
        enableInternalTransfer: false,
        permitsUniversalTransfer: false,
        enableVanillaOptions: false,
        enableFutures: false,
        enableMargin: false,
        enablePortfolioMarginTrading: false,
        enableFixApiTrade: false,
        enableFixReadOnly: false,
      })),
    ],
  ]);
}

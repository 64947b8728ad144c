import { z } from 'zod';
import { exchangeIdSchema, symbolSchema } from '../../domain/ids';
import { event, method } from '../define';
import { secretFieldSchema, secretsSetInputSchema } from './store';

/**
 * The Account tab and the key section of Settings. Candlewatch only reads accounts: nothing here
 * (or anywhere) places, changes or cancels an order, and no answer or event carries a credential.
 */

/** What went wrong with a key, in the words shown to the user. */
export const accessProblemSchema = z.enum([
  /** no credentials stored for the exchange */
  'no-credentials',
  /** the exchange does not know the API key, or it was revoked */
  'wrong-key',
  /** the key is known but the secret does not sign correctly */
  'wrong-signature',
  /** the key lacks the permission (usually "read" / "enable reading") */
  'missing-permission',
  /** the key only works from whitelisted IP addresses */
  'ip-not-allowed',
  /** this computer's clock is too far from the exchange's */
  'clock-skew',
  /** the exchange is down, in maintenance or unreachable */
  'exchange-down',
  /** too many requests: the exchange asks us to slow down */
  'rate-limited',
  /** the account is suspended or locked by the exchange */
  'account-locked',
  /** ccxt has no private API for this exchange */
  'not-supported',
  'unknown',
]);
export type AccessProblem = z.output<typeof accessProblemSchema>;

export const credentialFieldsSchema = z.object({
  exchange: z.string(),
  name: z.string(),
  /** the credentials the exchange needs (ccxt's requiredCredentials), in form order */
  fields: z.array(secretFieldSchema),
  /** credentials ccxt requires that Candlewatch cannot store yet (e.g. accountId): the exchange cannot be connected */
  unstorable: z.array(z.string()),
  /** balances, orders and fills arrive over a websocket (otherwise they are polled) */
  websocket: z.object({ balance: z.boolean(), orders: z.boolean(), fills: z.boolean() }),
  /** the exchange can list open derivatives positions */
  positions: z.boolean(),
  /** Candlewatch can tell whether a key may trade or withdraw (Binance: yes) */
  permissionsVisible: z.boolean(),
});
export type CredentialFields = z.output<typeof credentialFieldsSchema>;

export const keyPermissionsSchema = z.object({
  /** false: the exchange does not let us see what the key may do */
  visible: z.boolean(),
  reading: z.boolean().nullable(),
  trading: z.boolean().nullable(),
  withdrawals: z.boolean().nullable(),
  /** the key works only from whitelisted IP addresses */
  ipRestricted: z.boolean().nullable(),
  /** plain-words warning when the key can do more than read, or why nothing can be seen */
  warning: z.string().nullable(),
});
export type KeyPermissions = z.output<typeof keyPermissionsSchema>;

export const testConnectionInputSchema = z
  .object({
    exchange: exchangeIdSchema,
    /** test these (typed in the form, not saved yet) instead of the stored credentials */
    credentials: secretsSetInputSchema.shape.fields.optional(),
  })
  .strict();

export const testConnectionResultSchema = z.object({
  exchange: z.string(),
  ok: z.boolean(),
  problem: accessProblemSchema.nullable(),
  /** plain words: what happened and what to do */
  message: z.string(),
  /** the exchange's clock minus this computer's (ms), measured when a clock problem was suspected */
  clockOffsetMs: z.number().nullable(),
  /** the clock problem can be fixed with account:sync-clock (ccxt's time difference) */
  canSyncClock: z.boolean(),
  /** only filled when the key worked */
  permissions: keyPermissionsSchema.nullable(),
  /** assets with a non-zero balance, when the key worked */
  assets: z.number().int().nullable(),
  checkedAt: z.number(),
});
export type TestConnectionResult = z.output<typeof testConnectionResultSchema>;

export const accountBalanceSchema = z.object({
  asset: z.string(),
  free: z.number().nullable(),
  /** locked in open orders */
  used: z.number().nullable(),
  total: z.number(),
  /** total × the last price of ASSET/USDT (USDT itself: total); null where no market exists */
  valueUsdt: z.number().nullable(),
});
export type AccountBalance = z.output<typeof accountBalanceSchema>;

/** The funding of a perpetual's market as last read, with when it was read (its age on screen). */
export const positionFundingSchema = z.object({
  /** the rate of the current period: 0.0001 means longs pay shorts 0.01 % of the notional */
  rate: z.number(),
  /** when it is next settled (epoch ms); null when the exchange does not say */
  nextFundingTime: z.number().nullable(),
  /** when Candlewatch read it (epoch ms) */
  at: z.number(),
});
export type PositionFunding = z.output<typeof positionFundingSchema>;

/**
 * How a position's margin is held: its own (isolated), shared with the account's other positions
 * (cross), or the account's portfolio margin (Bybit's unified account, per account).
 */
export const marginModeSchema = z.enum(['cross', 'isolated', 'portfolio']);
export type MarginMode = z.output<typeof marginModeSchema>;

export const accountPositionSchema = z.object({
  symbol: z.string(),
  side: z.enum(['long', 'short']),
  /** size in contracts */
  contracts: z.number(),
  contractSize: z.number().nullable(),
  notional: z.number().nullable(),
  entryPrice: z.number().nullable(),
  markPrice: z.number().nullable(),
  unrealizedPnl: z.number().nullable(),
  liquidationPrice: z.number().nullable(),
  leverage: z.number().nullable(),
  /** null where the exchange does not say */
  marginMode: marginModeSchema.nullable(),
  /** |mark − liquidation| / mark: 0.05 means the price is 5 % away from liquidation */
  liquidationDistance: z.number().nullable(),
  /** the exchange's time of the position's last change, when it says */
  updatedAt: z.number().nullable(),
  /** when Candlewatch received the mark price shown (epoch ms): its age on screen */
  markPriceAt: z.number().nullable(),
  /** funding of the position's market (perpetuals); null until read or where there is none */
  funding: positionFundingSchema.nullable(),
});
export type AccountPosition = z.output<typeof accountPositionSchema>;

export const orderSideSchema = z.enum(['buy', 'sell']);

export const accountOrderSchema = z.object({
  id: z.string(),
  clientOrderId: z.string().nullable(),
  symbol: z.string(),
  side: orderSideSchema,
  /** limit, market, stop_loss … as ccxt names it */
  type: z.string().nullable(),
  price: z.number().nullable(),
  /** average fill price */
  average: z.number().nullable(),
  amount: z.number().nullable(),
  filled: z.number().nullable(),
  remaining: z.number().nullable(),
  /** open, closed, canceled, expired, rejected */
  status: z.string(),
  createdAt: z.number().nullable(),
  updatedAt: z.number().nullable(),
});
export type AccountOrder = z.output<typeof accountOrderSchema>;

export const fillSourceSchema = z.enum([
  /** pushed by the exchange's private stream */
  'stream',
  /** fetched over REST after a reconnect (it happened while the stream was down) */
  'catch-up',
  /** older than the day the account was connected: kept for the list, never notified */
  'baseline',
]);

export const accountFillSchema = z.object({
  exchange: z.string(),
  /** the exchange's trade id: one fill is stored and notified once, whatever replays it */
  tradeId: z.string(),
  orderId: z.string().nullable(),
  symbol: z.string(),
  side: orderSideSchema,
  price: z.number(),
  amount: z.number(),
  /** price × amount in the quote currency */
  cost: z.number().nullable(),
  fee: z.object({ cost: z.number(), currency: z.string() }).nullable(),
  takerOrMaker: z.enum(['taker', 'maker']).nullable(),
  /** when the exchange executed it (epoch ms) */
  time: z.number(),
  receivedAt: z.number(),
  source: fillSourceSchema,
  /** the INFO alert of kind "fill" in the alert history; null for baseline fills */
  alertId: z.number().int().nullable(),
});
export type AccountFill = z.output<typeof accountFillSchema>;

/** The private side of one exchange as a whole. */
export const accountStateSchema = z.enum(['connecting', 'live', 'polling', 'error', 'stopped']);

export const accountSnapshotSchema = z.object({
  exchange: z.string(),
  name: z.string(),
  state: accountStateSchema,
  problem: accessProblemSchema.nullable(),
  /** plain words while state is error, or what is being waited for */
  message: z.string().nullable(),
  /** signed requests use the exchange's clock (account:sync-clock) */
  clockSync: z.boolean(),
  /** non-zero balances, largest USDT value first */
  balances: z.array(accountBalanceSchema),
  /** sum of the valued balances; null when none could be valued */
  totalValueUsdt: z.number().nullable(),
  /** assets whose value is unknown (no USDT market): totalValueUsdt leaves them out */
  unvaluedAssets: z.array(z.string()),
  balancesAt: z.number().nullable(),
  /** null when the exchange (or its configured market type) has no positions */
  positions: z.array(accountPositionSchema).nullable(),
  openOrders: z.array(accountOrderSchema),
  /** ids of its private streams in the streams panel */
  streams: z.array(z.string()),
  updatedAt: z.number(),
});
export type AccountSnapshot = z.output<typeof accountSnapshotSchema>;

const exchangeOnly = z.object({ exchange: exchangeIdSchema }).strict();

export const accountFillsInputSchema = z
  .object({
    exchange: exchangeIdSchema.optional(),
    symbol: symbolSchema.optional(),
    limit: z.number().int().min(1).max(1_000).default(100),
    /** page further back: fills executed before this time (epoch ms) */
    before: z.number().int().nonnegative().optional(),
  })
  .strict();

export const accountMethods = {
  'account:credentials-fields': method(
    exchangeOnly,
    credentialFieldsSchema,
    'The credentials an exchange needs (apiKey, secret, password …) and what its private side offers, for the key form in Settings.',
  ),
  'account:test-connection': method(
    testConnectionInputSchema,
    testConnectionResultSchema,
    'Calls a read-only endpoint (balance) with the stored credentials, or the ones given, and says in plain words what is wrong: key, signature, permission, IP whitelist, clock, or the exchange. Warns when the key may trade or withdraw.',
  ),
  'account:sync-clock': method(
    z.object({ exchange: exchangeIdSchema, enabled: z.boolean() }).strict(),
    z.object({ exchange: z.string(), enabled: z.boolean(), clockOffsetMs: z.number().nullable() }),
    "Signs requests with the exchange's clock instead of this computer's (ccxt's time difference), remembered per exchange; the private streams restart.",
  ),
  'account:snapshot': method(
    z.object({ exchange: exchangeIdSchema.optional() }).strict(),
    z.object({ accounts: z.array(accountSnapshotSchema) }),
    'Balances (with USDT values), positions, open orders and state of every exchange with credentials, or of one.',
  ),
  'account:fills': method(
    accountFillsInputSchema,
    z.object({ fills: z.array(accountFillSchema), hasMore: z.boolean() }),
    'Fills of the connected accounts, newest first.',
  ),
};

export const accountEvents = {
  'account:changed': event(
    accountSnapshotSchema,
    "An exchange's balances, positions, open orders or state changed (coalesced per exchange).",
  ),
  'account:filled': event(
    accountFillSchema,
    'A new fill was recorded (once per trade id). Unless it predates the account connection (source "baseline"), its INFO alert of kind "fill" went out through the alert channels.',
  ),
};

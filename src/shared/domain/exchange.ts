import { z } from 'zod';

/**
 * What an exchange promises about its streams, from its documentation (core/exchange/exchange-quirks.ts).
 * null: not documented / not known.
 */
export const exchangeFactsSchema = z.object({
  /** the exchange marks a candle closed (Binance `x`, OKX/Bybit `confirm`), whether or not ccxt passes it on */
  closedFlagSent: z.boolean(),
  /** a candle stream keeps pushing while nothing trades (false: a quiet market is silent) */
  pushesQuietIntervals: z.boolean().nullable(),
  /** how often a busy candle stream pushes, ms */
  candlePushMs: z.number().int().nullable(),
  maxStreamsPerSocket: z.number().int().nullable(),
  subscribesPerSecond: z.number().nullable(),
  /** how long bars are cut: 'utc', or the zone of the only bars offered */
  barAlignment: z.string(),
  /** 1s candles offered (streamed and backfillable) */
  oneSecondCandles: z.boolean(),
  /** order book messages carry a checksum */
  bookChecksum: z.boolean(),
});
export type ExchangeFacts = z.output<typeof exchangeFactsSchema>;

/** What an exchange can do, as far as the market data engine and the UI care. */
export const exchangeCapabilitiesSchema = z.object({
  /** candles arrive over a websocket; otherwise they are polled over REST */
  websocketOhlcv: z.boolean(),
  /** one call can watch candles of several symbols (we still run one loop per stream: cheaper) */
  multiSymbolOhlcv: z.boolean(),
  /** subscriptions can be dropped at run time (ccxt `unWatch*`) */
  unwatch: z.boolean(),
  /** timeframes the exchange serves natively */
  timeframes: z.array(z.string()),
  /** other timeframes the engine builds from 1m candles */
  aggregatedTimeframes: z.array(z.string()),
  websocketTicker: z.boolean(),
  websocketOrderBook: z.boolean(),
  /** public trades stream over the websocket (otherwise polled over REST) */
  websocketTrades: z.boolean(),
  orderBook: z.boolean(),
  /** the exchange's own "candle closed" flag reaches us (ccxt drops Binance's `x`) */
  closedFlag: z.boolean(),
  /**
   * whether the exchange pushes a (flat) candle for an interval without trades or sends nothing:
   * decides how soon after its period a candle is closed and confirmed over REST (docs/rules.md)
   */
  emptyIntervals: z.enum(['pushed', 'skipped']),
  /** most candles one REST request returns */
  maxCandlesPerRequest: z.number().int(),
  facts: exchangeFactsSchema,
});
export type ExchangeCapabilities = z.output<typeof exchangeCapabilitiesSchema>;

export const exchangeStatusSchema = z.enum(['loading', 'ready', 'error']);

export const exchangeInfoSchema = z.object({
  id: z.string(),
  name: z.string(),
  status: exchangeStatusSchema,
  /** plain-words reason while status is error (markets could not be loaded) */
  error: z.string().nullable(),
  sandbox: z.boolean(),
  simulated: z.boolean(),
  marketsLoadedAt: z.number().nullable(),
  marketCount: z.number().int(),
  capabilities: exchangeCapabilitiesSchema.nullable(),
});
export type ExchangeInfo = z.output<typeof exchangeInfoSchema>;

export const marketInfoSchema = z.object({
  symbol: z.string(),
  base: z.string(),
  quote: z.string(),
  /** spot, swap, future, option */
  type: z.string(),
  active: z.boolean(),
  /** smallest price step, when the exchange says */
  priceTick: z.number().nullable(),
  /** decimals to show prices with */
  priceDecimals: z.number().int().nullable(),
  amountDecimals: z.number().int().nullable(),
});
export type MarketInfo = z.output<typeof marketInfoSchema>;

import { z } from 'zod';
import { exchangeIdSchema, symbolSchema, timeframeSchema } from './ids';

/**
 * A candle as it crosses the contract and sits in memory: [openTime, open, high, low, close, volume],
 * openTime in epoch ms (UTC). Arrays, not objects: about 5× cheaper to serialize (DESIGN.md).
 */
export type Candle = [
  openTime: number,
  open: number,
  high: number,
  low: number,
  close: number,
  volume: number,
];

export const candleSchema = z.tuple([z.number(), z.number(), z.number(), z.number(), z.number(), z.number()]);

export const OPEN_TIME = 0;
export const OPEN = 1;
export const HIGH = 2;
export const LOW = 3;
export const CLOSE = 4;
export const VOLUME = 5;

/** One candle series: the unit of streaming, storage and rules. */
export const seriesKeySchema = z.object({
  exchange: exchangeIdSchema,
  symbol: symbolSchema,
  timeframe: timeframeSchema,
});
export type SeriesKey = z.output<typeof seriesKeySchema>;

/** Stable string id of a series, for maps and event coalescing. */
export const seriesId = (k: SeriesKey): string => `${k.exchange}|${k.symbol}|${k.timeframe}`;

export const tickerSchema = z.object({
  exchange: z.string(),
  symbol: z.string(),
  time: z.number(),
  last: z.number().nullable(),
  bid: z.number().nullable(),
  ask: z.number().nullable(),
  changePercent24h: z.number().nullable(),
  quoteVolume24h: z.number().nullable(),
});
export type Ticker = z.output<typeof tickerSchema>;

/** Price levels as [price, amount] tuples, best first. */
export const orderBookSchema = z.object({
  exchange: z.string(),
  symbol: z.string(),
  time: z.number(),
  bids: z.array(z.tuple([z.number(), z.number()])),
  asks: z.array(z.tuple([z.number(), z.number()])),
  /** false while the book is being resnapshotted after a sequence gap or checksum error */
  synced: z.boolean(),
});
export type OrderBook = z.output<typeof orderBookSchema>;

/** One public trade of a market; `side` is the taker's, null when the exchange does not say. */
export const tradeSchema = z.object({
  time: z.number(),
  price: z.number(),
  amount: z.number(),
  side: z.enum(['buy', 'sell']).nullable(),
});
export type Trade = z.output<typeof tradeSchema>;

/** The most recent trades of a market, oldest first: the whole tape each time, so coalescing loses nothing shown. */
export const recentTradesSchema = z.object({
  exchange: z.string(),
  symbol: z.string(),
  trades: z.array(tradeSchema),
});
export type RecentTrades = z.output<typeof recentTradesSchema>;

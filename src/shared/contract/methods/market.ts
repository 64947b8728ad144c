import { z } from 'zod';
import { exchangeInfoSchema, marketInfoSchema } from '../../domain/exchange';
import { gapRecordSchema } from '../../domain/gap';
import { exchangeIdSchema, symbolSchema, timeframeSchema } from '../../domain/ids';
import {
  candleSchema,
  orderBookSchema,
  recentTradesSchema,
  seriesKeySchema,
  tickerSchema,
} from '../../domain/market';
import { streamErrorKindSchema, streamErrorSchema, streamInfoSchema } from '../../domain/stream';
import { event, method } from '../define';

const none = z.object({}).strict();

/** A candle series update as it crosses to the UI: candles as tuples, never objects. */
export const candlesUpdatedSchema = z.object({
  series: z.object({ exchange: z.string(), symbol: z.string(), timeframe: z.string() }),
  /** newly closed candles, oldest first: final */
  closed: z.array(candleSchema),
  /** the candle still forming, if known */
  forming: candleSchema.nullable(),
  /** backfill: fetched over REST after a gap or sleep, not seen live */
  origin: z.enum(['live', 'backfill']),
});
export type CandlesUpdated = z.output<typeof candlesUpdatedSchema>;

/** Most candles one candles:fetch-older call gathers: a few REST pages of most exchanges. */
export const MAX_OLDER_CANDLES = 5_000;

export const candlesFetchOlderSchema = z.object({
  series: z.object({ exchange: z.string(), symbol: z.string(), timeframe: z.string() }),
  /** the exchange's display name, for the chart's words ("from Binance") */
  exchangeName: z.string(),
  /** closed candles older than the oldest one stored before the call, oldest first; now stored too */
  candles: z.array(candleSchema),
  /**
   * why nothing older will come: `exchange` — the exchange's history starts here (the listing);
   * `retention` — older candles would be deleted by the retention setting; null: more may exist
   */
  end: z.enum(['exchange', 'retention']).nullable(),
  /** a request failed (the candles before it are kept), in plain words; asking again retries it */
  error: z
    .object({
      kind: streamErrorKindSchema,
      message: z.string(),
      /**
       * rate-limited: how long the exchange asked to wait (its Retry-After, or the pause the core
       * keeps when it named none) before older candles can be asked again; null when it is not known
       */
      retryInMs: z.number().int().nonnegative().nullable(),
    })
    .nullable(),
});
export type CandlesFetchOlder = z.output<typeof candlesFetchOlderSchema>;

export const marketMethods = {
  'exchanges:list': method(
    none,
    z.array(exchangeInfoSchema),
    'Exchanges in use (the built-in sim included): status, markets loaded, and what each can stream.',
  ),
  'markets:search': method(
    z
      .object({
        exchange: exchangeIdSchema,
        query: z.string().max(40).default(''),
        limit: z.number().int().min(1).max(500).default(50),
      })
      .strict(),
    z.array(marketInfoSchema),
    'Markets of an exchange whose symbol or base match the query (empty: all), with price precision.',
  ),
  'streams:list': method(
    none,
    z.array(streamInfoSchema),
    'Every candle, ticker and order book stream: state, last error and counters.',
  ),
  'streams:errors': method(
    z.object({ id: z.string().min(1).max(200) }).strict(),
    z.array(streamErrorSchema),
    'The last 100 errors of one stream, oldest first.',
  ),
  'streams:reconnect': method(
    z.object({ id: z.string().min(1).max(200).optional() }).strict(),
    z.object({ reconnected: z.number().int() }),
    'Drop and resubscribe one stream (or every stream); missing candles are backfilled.',
  ),
  'gaps:list': method(
    z
      .object({
        exchange: exchangeIdSchema.optional(),
        symbol: symbolSchema.optional(),
        timeframe: timeframeSchema.optional(),
        limit: z.number().int().min(1).max(1_000).default(100),
      })
      .strict(),
    z.array(gapRecordSchema),
    'The gap ledger, newest first: runs of missing candles found (start, reconnect, resume, jump, stale) and how they were filled.',
  ),
  'candles:fetch-older': method(
    z.object({ series: seriesKeySchema, limit: z.number().int().min(1).max(MAX_OLDER_CANDLES) }).strict(),
    candlesFetchOlderSchema,
    'Fetches up to `limit` closed candles older than the oldest stored one from the exchange over REST, stores them like a backfill, and returns them; says when the exchange (or the retention setting) has no older ones, and a failed request in plain words.',
  ),
  'tickers:list': method(none, z.array(tickerSchema), 'The latest ticker of every watched symbol.'),
  'orderbook:watch': method(
    z
      .object({
        exchange: exchangeIdSchema,
        symbol: symbolSchema,
        depth: z.number().int().min(1).max(100).default(20),
      })
      .strict(),
    none,
    'Stream the top N of an order book (the visible chart); updates arrive as orderbook:updated.',
  ),
  'orderbook:unwatch': method(
    z.object({ exchange: exchangeIdSchema, symbol: symbolSchema }).strict(),
    none,
    'Stop streaming an order book.',
  ),
};

export const marketEvents = {
  'exchanges:changed': event(
    z.array(exchangeInfoSchema),
    'The exchanges in use changed (settings applied) or one changed state (markets loaded or failed): ' +
      'the whole list, as exchanges:list returns it. Sent before the streams of a newly built exchange start.',
  ),
  'stream:state-changed': event(
    streamInfoSchema,
    'A stream changed state (connecting, live, stale, …), with its counters.',
  ),
  'candles:updated': event(
    candlesUpdatedSchema,
    'New closed candles and the forming one of a series, coalesced per series per frame.',
  ),
  'ticker:updated': event(
    tickerSchema,
    'The latest ticker of a watched symbol, coalesced per symbol per frame.',
  ),
  'orderbook:updated': event(
    orderBookSchema,
    'Top N of a watched order book, coalesced per frame; synced=false while it is being resnapshotted.',
  ),
  'trades:updated': event(
    recentTradesSchema,
    'The recent public trades (up to 50, oldest first) of a symbol whose order book a client declared, coalesced per frame; each update carries the whole tape.',
  ),
};

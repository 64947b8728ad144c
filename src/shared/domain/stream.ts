import { z } from 'zod';

/**
 * Where a stream is in its life. `backfilling` means candles are being fetched over REST and later
 * live candles are held back until the hole is filled; `polling` is the REST fallback for exchanges
 * without a websocket feed for that data.
 */
export const streamStateSchema = z.enum([
  'connecting',
  'live',
  'stale',
  'reconnecting',
  'backfilling',
  'polling',
  'error',
  'stopped',
]);
export type StreamState = z.output<typeof streamStateSchema>;

/**
 * The last five are an account's streams (id `exchange|account|balance` …): its private ones, and
 * the funding of its positions' markets where the exchange pushes it (OKX).
 */
export const streamKindSchema = z.enum([
  'candles',
  'ticker',
  'orderbook',
  'trades',
  'balance',
  'orders',
  'fills',
  'positions',
  'funding',
]);
export type StreamKind = z.output<typeof streamKindSchema>;

/** How a stream gets its data. `aggregated`: built from the exchange's 1m candles. */
export const streamTransportSchema = z.enum(['websocket', 'rest-poll', 'aggregated']);
export type StreamTransport = z.output<typeof streamTransportSchema>;

/** Every failure a stream meets, sorted into what the user can act on. */
export const streamErrorKindSchema = z.enum([
  'network',
  'exchange-unavailable',
  'rate-limited',
  'auth',
  'bad-symbol',
  'bad-timeframe',
  'checksum',
  'malformed',
  'not-supported',
  'stale',
  'rejected',
  'unknown',
]);
export type StreamErrorKind = z.output<typeof streamErrorKindSchema>;

export const streamErrorSchema = z.object({
  kind: streamErrorKindSchema,
  message: z.string(),
  at: z.number(),
});
export type StreamError = z.output<typeof streamErrorSchema>;

export const streamInfoSchema = z.object({
  /** `exchange|symbol|timeframe` for candles, `exchange|symbol|ticker`, `exchange|symbol|orderbook` */
  id: z.string(),
  kind: streamKindSchema,
  exchange: z.string(),
  symbol: z.string(),
  timeframe: z.string().nullable(),
  transport: streamTransportSchema,
  state: streamStateSchema,
  /** when the stream entered its current state (epoch ms) */
  stateSince: z.number(),
  lastError: streamErrorSchema.nullable(),
  messages: z.number().int(),
  messagesPerSecond: z.number(),
  reconnects: z.number().int(),
  lastMessageAt: z.number().nullable(),
  lastMessageAgeMs: z.number().nullable(),
  /**
   * Set while the stream is silent and the exchange confirmed over REST that nothing traded since
   * this time (epoch ms): a quiet market, not a dead stream, so the stream stays live.
   */
  quietSince: z.number().nullable(),
  /**
   * The silence after which this stream is called stale: its channel's threshold (the setting, or
   * longer for a polled channel: core/feed/stale-threshold.ts); null until the watchdog first looks.
   */
  staleAfterMs: z.number().nullable(),
  /** exchange timestamp to receipt, where the exchange stamps its messages */
  latencyMs: z.number().nullable(),
});
export type StreamInfo = z.output<typeof streamInfoSchema>;

import { z } from 'zod';
import { secretFieldSchema } from '../../domain/credentials';
import { exchangeIdSchema } from '../../domain/ids';
import { candleSchema, seriesKeySchema } from '../../domain/market';
import { method } from '../define';

/** Upper bound of one history answer: ~1 MB of JSON, a few ms to read (bench/store.ts). */
export const MAX_HISTORY_CANDLES = 20_000;

const epochMs = z.number().int().min(0, 'times are epoch milliseconds');
const candleLimit = z.number().int().min(1).max(MAX_HISTORY_CANDLES);

export const candlesHistoryInputSchema = z.union([
  z.object({ series: seriesKeySchema, last: candleLimit }).strict(),
  z
    .object({ series: seriesKeySchema, from: epochMs, to: epochMs })
    .strict()
    .refine((q) => q.from <= q.to, { message: '"from" must not be after "to"' }),
  z.object({ series: seriesKeySchema, before: epochMs, limit: candleLimit }).strict(),
]);
export type CandlesHistoryInput = z.output<typeof candlesHistoryInputSchema>;

export const storedRangeSchema = z.object({
  /** open time of the oldest stored closed candle */
  first: z.number(),
  /** open time of the newest stored closed candle */
  last: z.number(),
  count: z.number().int(),
});

export const candlesHistorySchema = z.object({
  series: z.object({ exchange: z.string(), symbol: z.string(), timeframe: z.string() }),
  /** closed candles, oldest first: the stored ones and those waiting for the writer's next transaction */
  candles: z.array(candleSchema),
  /** what the database holds for the series; null when nothing is stored */
  stored: storedRangeSchema.nullable(),
  /** a {from, to} query matched more than MAX_HISTORY_CANDLES: ask again from the last one */
  truncated: z.boolean(),
});

export const storeStatsSchema = z.object({
  /** the SQLite file */
  databaseBytes: z.number(),
  /** its write-ahead log, not yet folded into the file */
  walBytes: z.number(),
  totalCandles: z.number().int(),
  byTimeframe: z.array(
    z.object({ timeframe: z.string(), series: z.number().int(), candles: z.number().int() }),
  ),
  series: z.array(
    z.object({
      exchange: z.string(),
      symbol: z.string(),
      timeframe: z.string(),
      candles: z.number().int(),
      first: z.number().nullable(),
      last: z.number().nullable(),
    }),
  ),
  writer: z.object({
    /** closed candles queued and not yet on disk */
    pending: z.number().int(),
    /** the last failed write, cleared by the next successful one */
    lastError: z.object({ message: z.string(), at: z.number() }).nullable(),
    /** closed candles that arrived again with different values (kept as first stored) */
    anomalies: z.number().int(),
  }),
});
export type StoreStats = z.output<typeof storeStatsSchema>;

export { secretFieldSchema, type SecretField } from '../../domain/credentials';

// Trimmed: a key pasted with a trailing space or newline is the most common cause of "invalid key".
const secretValueSchema = z.string().trim().min(1, 'a credential is empty').max(8_192);

export const secretsSetInputSchema = z
  .object({
    exchange: exchangeIdSchema,
    fields: z
      .partialRecord(secretFieldSchema, secretValueSchema)
      .refine((f) => Object.keys(f).length > 0, { message: 'give at least one credential' }),
    /** required when the OS keyring is unavailable and keys would be stored obfuscated only */
    acceptWeakBackend: z.boolean().optional(),
  })
  .strict();
export type SecretsSetInput = z.output<typeof secretsSetInputSchema>;

export const exchangeSecretsStatusSchema = z.object({
  exchange: z.string(),
  /** which credentials are stored; never their values */
  fields: z.array(secretFieldSchema),
  /** the backend that encrypted them */
  backend: z.string(),
  /** stored under a backend that only obfuscates (Linux basic_text) */
  weak: z.boolean(),
  /** encrypted by another backend than the current one: they are kept, but may not decrypt */
  backendChanged: z.boolean(),
  /** every stored credential decrypts with the current backend */
  readable: z.boolean(),
  updatedAt: z.number(),
});

export const secretsStatusSchema = z.object({
  /** the backend new credentials are encrypted with */
  backend: z.string(),
  /** true when saving requires acceptWeakBackend */
  weak: z.boolean(),
  exchanges: z.array(exchangeSecretsStatusSchema),
});
export type SecretsStatus = z.output<typeof secretsStatusSchema>;
export type ExchangeSecretsStatus = z.output<typeof exchangeSecretsStatusSchema>;

export const storeMethods = {
  'candles:history': method(
    candlesHistoryInputSchema,
    candlesHistorySchema,
    'Closed candles of a series (stored, and those waiting for the next write) as [openTime, open, high, low, close, volume] tuples: the last N, a {from, to} range (inclusive) or N before a time; plus the stored range.',
  ),
  'store:stats': method(
    z.object({}).strict(),
    storeStatsSchema,
    'Database size (file and WAL), candle counts per series and timeframe, and the state of the candle writer.',
  ),
  'secrets:status': method(
    z.object({}).strict(),
    secretsStatusSchema,
    'Which credentials are stored per exchange and how they are encrypted. Never returns a value.',
  ),
  'secrets:set': method(
    secretsSetInputSchema,
    exchangeSecretsStatusSchema,
    'Stores credentials of an exchange encrypted (the fields given replace those stored). Refused on a weak backend unless acceptWeakBackend is true.',
  ),
  'secrets:delete': method(
    z.object({ exchange: exchangeIdSchema, fields: z.array(secretFieldSchema).min(1).optional() }).strict(),
    z.object({ deleted: z.number().int() }),
    'Deletes the given credentials of an exchange, or all of them when no field is named.',
  ),
};

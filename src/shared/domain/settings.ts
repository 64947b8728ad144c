import { z } from 'zod';
import { ccxtSettingsSchema } from './ccxt-settings';
import { exchangeIdSchema, symbolSchema, timeframeSchema } from './ids';
import { notificationSettingsSchema } from './notifications';

export const exchangeSettingsSchema = z.object({
  enabled: z.boolean().default(true),
  sandbox: z.boolean().default(false),
  /** Passed to the ccxt constructor: a closed list (ccxt-settings.ts), never API keys. */
  ccxt: ccxtSettingsSchema.default({}),
});

export const watchItemSchema = z.object({
  exchange: exchangeIdSchema,
  symbol: symbolSchema,
  timeframes: z.array(timeframeSchema).min(1).default(['1m']),
});

export const feedSettingsSchema = z.object({
  staleTimeoutMs: z.number().int().min(1_000).max(600_000).default(30_000),
});

export const appearanceSettingsSchema = z.object({
  theme: z.enum(['dark', 'light', 'system']).default('system'),
});

/** Defaults of `data.retention`: 1s candles 2 days, 1m candles a year, every other timeframe forever. */
export const DEFAULT_RETENTION_DAYS: Readonly<Record<string, number | null>> = { '1s': 2, '1m': 365 };

export const dataSettingsSchema = z.object({
  /** Days of closed candles kept per timeframe; a timeframe absent or null is kept forever. */
  retention: z
    .record(timeframeSchema, z.number().positive('retention is a number of days').max(36_500).nullable())
    .default(() => ({ ...DEFAULT_RETENTION_DAYS })),
});

/**
 * The alert lifecycle: an active alert nobody dismissed expires after a while (a rule may set its
 * own time with `alertExpiryMinutes`), and the history is kept bounded, pruned in the background.
 */
export const alertSettingsSchema = z
  .object({
    /** minutes after firing an active alert becomes expired; null: never */
    expireAfterMinutes: z
      .number({ error: 'expireAfterMinutes must be a number' })
      .int('expireAfterMinutes must be a whole number')
      .min(1, 'expireAfterMinutes must be at least 1')
      .max(525_600, 'expireAfterMinutes must be at most a year (525600)')
      .nullable()
      .default(1_440),
    /** the history keeps at most this many alerts (the oldest go first) */
    keepCount: z
      .number({ error: 'keepCount must be a number' })
      .int('keepCount must be a whole number')
      .min(100, 'keepCount must be at least 100')
      .max(1_000_000, 'keepCount must be at most 1000000')
      .default(10_000),
    /** …and none older than this many days; null: no age limit */
    keepDays: z
      .number({ error: 'keepDays must be a number' })
      .int('keepDays must be a whole number')
      .min(1, 'keepDays must be at least 1')
      .max(36_500, 'keepDays must be at most 36500')
      .nullable()
      .default(90),
  })
  .strict();
export type AlertSettings = z.output<typeof alertSettingsSchema>;

export const settingsSchema = z.object({
  exchanges: z.record(exchangeIdSchema, exchangeSettingsSchema).default({}),
  watchlist: z.array(watchItemSchema).default([]),
  feed: feedSettingsSchema.default({ staleTimeoutMs: 30_000 }),
  appearance: appearanceSettingsSchema.default({ theme: 'system' }),
  data: dataSettingsSchema.default(() => ({ retention: { ...DEFAULT_RETENTION_DAYS } })),
  notifications: notificationSettingsSchema.prefault({}),
  alerts: alertSettingsSchema.prefault({}),
});

export type Settings = z.output<typeof settingsSchema>;
export type ExchangeSettings = z.output<typeof exchangeSettingsSchema>;
export type WatchItem = z.output<typeof watchItemSchema>;

/** A partial update: each top-level section given replaces the stored one. */
export const settingsPatchSchema = z
  .object({
    exchanges: z.record(exchangeIdSchema, exchangeSettingsSchema),
    watchlist: z.array(watchItemSchema),
    feed: feedSettingsSchema,
    appearance: appearanceSettingsSchema,
    data: dataSettingsSchema,
    notifications: notificationSettingsSchema,
    alerts: alertSettingsSchema,
  })
  .partial()
  .strict();

export type SettingsPatch = z.input<typeof settingsPatchSchema>;

export const defaultSettings = (): Settings => settingsSchema.parse({});

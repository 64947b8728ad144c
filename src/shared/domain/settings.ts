import { z } from 'zod';
import { exchangeIdSchema, symbolSchema, timeframeSchema } from './ids';

export const exchangeSettingsSchema = z.object({
  enabled: z.boolean().default(true),
  sandbox: z.boolean().default(false),
  /** Passed to the ccxt constructor as is (urls, options, proxies…); never holds API keys. */
  ccxt: z.record(z.string(), z.unknown()).default({}),
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

export const settingsSchema = z.object({
  exchanges: z.record(exchangeIdSchema, exchangeSettingsSchema).default({}),
  watchlist: z.array(watchItemSchema).default([]),
  feed: feedSettingsSchema.default({ staleTimeoutMs: 30_000 }),
  appearance: appearanceSettingsSchema.default({ theme: 'system' }),
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
  })
  .partial()
  .strict();

export type SettingsPatch = z.input<typeof settingsPatchSchema>;

export const defaultSettings = (): Settings => settingsSchema.parse({});

import { z } from 'zod';
import { exchangeIdSchema, symbolSchema, timeframeSchema } from './ids';
import { indicatorRefSchema, type IndicatorRef } from './indicator';
import { templateProblem } from './message-template';
import { SOUND_IDS, soundIdSchema } from './notifications';

/**
 * Alert rules. One schema for the rules editor, the contract, the config file and rule import, so
 * a rule is refused with the same words wherever it comes from.
 */

const finite = (label: string) =>
  z.number({ error: `${label} must be a number` }).refine(Number.isFinite, `${label} must be finite`);

const direction = z.enum(['above', 'below'], { error: () => 'direction must be "above" or "below"' });

/** A crossing: up through the line (`above`), down through it (`below`), or either way. */
const crossDirection = z.enum(['above', 'below', 'either'], {
  error: () => 'direction must be "above" (crosses up), "below" (crosses down) or "either"',
});
export type CrossDirection = z.output<typeof crossDirection>;

export const priceCrossSchema = z
  .object({ type: z.literal('price-cross'), direction: crossDirection, level: finite('level') })
  .strict();

export const channelSchema = z
  .object({
    type: z.literal('channel'),
    action: z.enum(['enter', 'exit'], { error: () => 'action must be "enter" or "exit"' }),
    low: finite('channel low'),
    high: finite('channel high'),
  })
  .strict()
  .superRefine((c, ctx) => {
    if (c.low >= c.high)
      ctx.addIssue({
        code: 'custom',
        path: ['low'],
        message: `channel low (${c.low}) must be below channel high (${c.high})`,
      });
  });

export const percentMoveSchema = z
  .object({
    type: z.literal('percent-move'),
    direction: z.enum(['up', 'down', 'either']).default('either'),
    percent: z
      .number({ error: 'percent must be a number' })
      .positive('percent must be above 0')
      .max(1_000, 'percent must be at most 1000'),
    candles: z
      .number({ error: 'candles must be a number' })
      .int('candles must be a whole number')
      .min(1, 'candles must be at least 1')
      .max(500, 'candles must be at most 500'),
  })
  .strict();

export const indicatorThresholdSchema = z
  .object({
    type: z.literal('indicator-threshold'),
    indicator: indicatorRefSchema,
    direction,
    /** a number (RSI above 70) or another indicator (price above EMA 200) */
    level: z.union([finite('level'), indicatorRefSchema], {
      error: () => 'level must be a number or an indicator, like { "indicator": "ema", "period": 200 }',
    }),
  })
  .strict()
  .superRefine((c, ctx) => {
    if (typeof c.level !== 'number' && sameRef(c.indicator, c.level))
      ctx.addIssue({
        code: 'custom',
        path: ['level'],
        message: 'an indicator cannot be compared with itself',
      });
  });

export const indicatorCrossSchema = z
  .object({
    type: z.literal('indicator-cross'),
    /** the line that crosses, e.g. EMA(9), MACD line, price, RSI */
    indicator: indicatorRefSchema,
    direction: crossDirection,
    /** the line it crosses: another indicator (EMA(21), MACD signal, upper band) or a value (RSI 30) */
    other: z.union([finite('other'), indicatorRefSchema], {
      error: () => 'other must be a number or an indicator, like { "indicator": "ema", "period": 21 }',
    }),
  })
  .strict()
  .superRefine((c, ctx) => {
    if (typeof c.other !== 'number' && sameRef(c.indicator, c.other))
      ctx.addIssue({ code: 'custom', path: ['other'], message: 'an indicator cannot cross itself' });
  });

export const volumeSpikeSchema = z
  .object({
    type: z.literal('volume-spike'),
    /** the candle's volume is at least this many times its average */
    multiplier: z
      .number({ error: 'multiplier must be a number' })
      .gt(1, 'multiplier must be above 1 (a spike is more than the average)')
      .max(1_000, 'multiplier must be at most 1000'),
    /** length of the volume SMA the candle is compared with (the candles before it) */
    period: z
      .number({ error: 'period must be a number' })
      .int('period must be a whole number')
      .min(1, 'period must be at least 1')
      .max(1_000, 'period must be at most 1000')
      .default(20),
  })
  .strict();

const singleConditionSchema = z.discriminatedUnion(
  'type',
  [
    priceCrossSchema,
    channelSchema,
    percentMoveSchema,
    indicatorThresholdSchema,
    indicatorCrossSchema,
    volumeSpikeSchema,
  ],
  { error: () => 'type must be one of ' + SINGLE_TYPES.join(', ') },
);
const SINGLE_TYPES = [
  'price-cross',
  'channel',
  'percent-move',
  'indicator-threshold',
  'indicator-cross',
  'volume-spike',
];

export const allOfSchema = z
  .object({
    type: z.literal('all-of'),
    conditions: z
      .array(
        z
          .object({
            /** timeframe this part reads; the rule's own when omitted */
            timeframe: timeframeSchema.optional(),
            when: singleConditionSchema,
          })
          .strict(),
      )
      .min(2, 'all-of needs at least 2 conditions')
      .max(8, 'all-of takes at most 8 conditions'),
  })
  .strict();

export const conditionSchema = z.discriminatedUnion('type', [
  priceCrossSchema,
  channelSchema,
  percentMoveSchema,
  indicatorThresholdSchema,
  indicatorCrossSchema,
  volumeSpikeSchema,
  allOfSchema,
]);
export type Condition = z.output<typeof conditionSchema>;
export type SingleCondition = z.output<typeof singleConditionSchema>;

export const signalSchema = z.enum(['BUY', 'SELL', 'INFO'], {
  error: () => 'signal must be BUY, SELL or INFO',
});
export type Signal = z.output<typeof signalSchema>;

/**
 * - `once`: fires once per series, then stays quiet until the rule is edited or re-enabled
 * - `once-per-bar`: at most once per candle
 * - `every-time`: whenever the condition holds, at most once per candle and per cooldown
 * - `rearm`: fires, then re-arms only after the condition was seen false (hysteresis)
 */
export const triggerSchema = z.enum(['once', 'once-per-bar', 'every-time', 'rearm'], {
  error: () => 'trigger must be one of once, once-per-bar, every-time, rearm',
});
export type Trigger = z.output<typeof triggerSchema>;

const expiresAt = z.union([
  z.number().int().positive('expiresAt must be a time after 1970 (epoch ms)'),
  z.iso.datetime({
    offset: true,
    error: 'expiresAt must be epoch ms or an ISO date like 2026-12-31T00:00:00Z',
  }),
]);

/** A rule as written by a user or a config file; defaults fill what is left out. */
export const ruleSchema = z
  .object({
    name: z.string().trim().min(1, 'name is empty').max(100, 'name must be at most 100 characters'),
    exchange: exchangeIdSchema,
    /** exactly one of symbol, symbols, watchlist */
    symbol: symbolSchema.optional(),
    symbols: z
      .array(symbolSchema)
      .min(1, 'symbols is empty')
      .max(500, 'symbols takes at most 500 symbols')
      .optional(),
    /** true: every watchlist symbol of this exchange */
    watchlist: z.literal(true, { error: () => 'watchlist must be true when given' }).optional(),
    timeframe: timeframeSchema,
    when: conditionSchema,
    evaluate: z
      .enum(['close', 'intrabar'], { error: () => 'evaluate must be "close" or "intrabar"' })
      .default('close'),
    trigger: triggerSchema.default('once-per-bar'),
    /** only with trigger every-time: quiet time after a firing, in seconds of candle time */
    cooldownSeconds: z
      .number({ error: 'cooldownSeconds must be a number' })
      .int('cooldownSeconds must be a whole number')
      .min(0, 'cooldownSeconds cannot be negative')
      .max(366 * 86_400, 'cooldownSeconds must be at most a year')
      .default(0),
    /** after this time the rule no longer fires and its active alerts expire */
    expiresAt: expiresAt
      .transform((v) => (typeof v === 'number' ? v : Date.parse(v)))
      .nullable()
      .default(null),
    /** minutes after which this rule's undismissed alerts expire; null: the setting alerts.expireAfterMinutes */
    alertExpiryMinutes: z
      .number({ error: 'alertExpiryMinutes must be a number' })
      .int('alertExpiryMinutes must be a whole number')
      .min(1, 'alertExpiryMinutes must be at least 1')
      .max(525_600, 'alertExpiryMinutes must be at most a year (525600)')
      .nullable()
      .default(null),
    signal: signalSchema.default('INFO'),
    /** overrides the sound of the signal's direction; 'none' keeps this rule silent */
    sound: z
      .union([soundIdSchema, z.literal('none')], {
        error: () => `sound must be one of ${SOUND_IDS.join(', ')} or "none"`,
      })
      .nullable()
      .default(null),
    /** urgent rules sound through quiet hours and repeat until the alert is dismissed */
    urgent: z.boolean().default(false),
    enabled: z.boolean().default(true),
    /**
     * text of the notification, with placeholders like {{symbol}} or {{rsi}} (docs/rules.md); the
     * rule describes what happened when omitted
     */
    message: z.string().trim().max(300, 'message must be at most 300 characters').nullable().default(null),
  })
  .strict()
  .superRefine((r, ctx) => {
    const targets = [r.symbol !== undefined, r.symbols !== undefined, r.watchlist !== undefined].filter(
      Boolean,
    ).length;
    if (targets !== 1)
      ctx.addIssue({
        code: 'custom',
        path: ['symbol'],
        message:
          targets === 0
            ? 'a rule needs a target: symbol, symbols or watchlist: true'
            : 'give only one of symbol, symbols or watchlist',
      });
    if (r.symbols && new Set(r.symbols).size !== r.symbols.length)
      ctx.addIssue({ code: 'custom', path: ['symbols'], message: 'symbols lists a symbol twice' });
    const template = r.message === null ? null : templateProblem(r.message, r.when, r.timeframe);
    if (template) ctx.addIssue({ code: 'custom', path: ['message'], message: template });
    if (r.cooldownSeconds > 0 && r.trigger !== 'every-time')
      ctx.addIssue({
        code: 'custom',
        path: ['cooldownSeconds'],
        message: `cooldownSeconds only applies to trigger "every-time" (this rule uses "${r.trigger}")`,
      });
  });

export type RuleInput = z.input<typeof ruleSchema>;
export type Rule = z.output<typeof ruleSchema>;

/** Where a stored rule came from: the config file re-seeds its own rules at each start. */
export const ruleSourceSchema = z.enum(['user', 'config', 'import']);
export type RuleSource = z.output<typeof ruleSourceSchema>;

export type StoredRule = {
  id: number;
  rule: Rule;
  source: RuleSource;
  createdAt: number;
  updatedAt: number;
  /** candles closing before this time never produce alerts (set at create, edit and re-enable) */
  activeSince: number;
};

/** The rules file traders keep under version control (`rules:export` / `rules:import`). */
export const RULES_FILE_FORMAT = 'candlewatch-rules';
export const rulesFileSchema = z
  .object({
    format: z.literal(RULES_FILE_FORMAT, { error: () => `format must be "${RULES_FILE_FORMAT}"` }),
    version: z.literal(1, { error: () => 'version must be 1' }),
    rules: z.array(z.unknown()).max(5_000, 'a rules file holds at most 5000 rules'),
  })
  .strict();
export type RulesFile = { format: typeof RULES_FILE_FORMAT; version: 1; rules: Rule[] };

function sameRef(a: IndicatorRef, b: IndicatorRef): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

import type { z } from 'zod';
import {
  indicatorRefSchema,
  type IndicatorKind,
  type IndicatorRef,
  type PriceSource,
} from '../../shared/domain/indicator';
import {
  ruleSchema,
  type Condition,
  type Rule,
  type RuleInput,
  type Signal,
  type SingleCondition,
  type Trigger,
} from '../../shared/domain/rule';
import type { SoundId } from '../../shared/domain/notifications';

/**
 * The rules editor's form state. Numbers are kept as the text typed (an empty box is not 0), and
 * the rule is only built from them when validating, with the shared `ruleSchema`: the editor
 * refuses exactly what main refuses, with the same words, next to the field it is about.
 */

type ParamSpec = { name: string; label: string; fallback: number };
type IndicatorSpec = {
  label: string;
  params: readonly ParamSpec[];
  outputs: readonly string[];
  source: boolean;
};

/** An indicator whose only parameter is its period, drawn as one line. */
const withPeriod = (label: string, fallback: number, source: boolean): IndicatorSpec => ({
  label,
  params: [{ name: 'period', label: 'Period', fallback }],
  outputs: [],
  source,
});

export const INDICATOR_SPECS: Readonly<Record<IndicatorKind, IndicatorSpec>> = {
  price: { label: 'Price', params: [], outputs: [], source: true },
  volume: { label: 'Volume', params: [], outputs: [], source: false },
  sma: withPeriod('SMA', 20, true),
  ema: withPeriod('EMA', 20, true),
  wma: withPeriod('WMA', 20, true),
  rsi: withPeriod('RSI', 14, true),
  macd: {
    label: 'MACD',
    params: [
      { name: 'fast', label: 'Fast', fallback: 12 },
      { name: 'slow', label: 'Slow', fallback: 26 },
      { name: 'signal', label: 'Signal', fallback: 9 },
    ],
    outputs: ['macd', 'signal', 'histogram'],
    source: true,
  },
  bollinger: {
    label: 'Bollinger Bands',
    params: [
      { name: 'period', label: 'Period', fallback: 20 },
      { name: 'stdDev', label: 'Std dev', fallback: 2 },
    ],
    outputs: ['upper', 'middle', 'lower'],
    source: true,
  },
  atr: withPeriod('ATR', 14, false),
  stoch: {
    label: 'Stochastic',
    params: [
      { name: 'kPeriod', label: '%K period', fallback: 14 },
      { name: 'kSmooth', label: '%K smoothing', fallback: 3 },
      { name: 'dPeriod', label: '%D period', fallback: 3 },
    ],
    outputs: ['k', 'd'],
    source: false,
  },
  stochrsi: {
    label: 'Stochastic RSI',
    params: [
      { name: 'rsiPeriod', label: 'RSI period', fallback: 14 },
      { name: 'stochPeriod', label: 'Stoch period', fallback: 14 },
      { name: 'kSmooth', label: '%K smoothing', fallback: 3 },
      { name: 'dPeriod', label: '%D period', fallback: 3 },
    ],
    outputs: ['k', 'd'],
    source: true,
  },
  vwap: { label: 'VWAP', params: [], outputs: [], source: false },
  obv: { label: 'OBV', params: [], outputs: [], source: false },
  'volume-sma': withPeriod('Volume SMA', 20, false),
};

export const INDICATOR_KINDS = Object.keys(INDICATOR_SPECS) as IndicatorKind[];

export type IndicatorDraft = {
  indicator: IndicatorKind;
  /** parameter text by name (period, fast, stdDev…); a change of kind starts from its defaults */
  params: Record<string, string>;
  output: string;
  source: PriceSource;
};

export const CONDITION_TYPES = [
  { type: 'price-cross', label: 'Price crosses a level' },
  { type: 'channel', label: 'Price enters / exits a channel' },
  { type: 'percent-move', label: '% move within N candles' },
  { type: 'indicator-threshold', label: 'Indicator above / below a value' },
  { type: 'indicator-cross', label: 'Indicator crosses a value or another' },
  { type: 'volume-spike', label: 'Volume spike' },
  { type: 'all-of', label: 'All of (several conditions, timeframes)' },
] as const;
export type ConditionType = (typeof CONDITION_TYPES)[number]['type'];

export type ConditionDraft = {
  type: ConditionType;
  /** 'either' only for crossings */
  direction: 'above' | 'below' | 'either';
  level: string;
  action: 'enter' | 'exit';
  low: string;
  high: string;
  moveDirection: 'up' | 'down' | 'either';
  percent: string;
  candles: string;
  indicator: IndicatorDraft;
  /** indicator-threshold and indicator-cross: compare with a number (`level`) or another indicator (`other`) */
  levelKind: 'number' | 'indicator';
  other: IndicatorDraft;
  multiplier: string;
  period: string;
  /** all-of: its parts; a part's timeframe '' means the rule's own */
  parts: { timeframe: string; when: ConditionDraft }[];
};

export type TargetMode = 'symbol' | 'symbols' | 'watchlist';

export type RuleDraft = {
  name: string;
  exchange: string;
  target: TargetMode;
  symbol: string;
  /** comma or space separated */
  symbols: string;
  timeframe: string;
  when: ConditionDraft;
  evaluate: 'close' | 'intrabar';
  trigger: Trigger;
  cooldownSeconds: string;
  /** a `datetime-local` value (local time), '' for never */
  expiresAt: string;
  /** minutes; '' follows the setting alerts.expireAfterMinutes */
  alertExpiryMinutes: string;
  signal: Signal;
  /** 'default' = the sound of the signal's direction */
  sound: 'default' | 'none' | SoundId;
  urgent: boolean;
  enabled: boolean;
  message: string;
};

export function indicatorDraft(indicator: IndicatorKind = 'rsi', ref?: IndicatorRef): IndicatorDraft {
  const params: Record<string, string> = {};
  for (const p of INDICATOR_SPECS[indicator].params) params[p.name] = String(p.fallback);
  let output = INDICATOR_SPECS[indicator].outputs[0] ?? '';
  let source: PriceSource = 'close';
  if (ref) {
    for (const p of INDICATOR_SPECS[ref.indicator].params) {
      const value = (ref as Record<string, unknown>)[p.name];
      if (typeof value === 'number') params[p.name] = String(value);
    }
    if ('output' in ref) output = ref.output;
    if ('source' in ref) source = ref.source;
  }
  return { indicator, params, output, source };
}

export function conditionDraft(type: ConditionType = 'price-cross'): ConditionDraft {
  return {
    type,
    direction: 'above',
    level: '',
    action: 'enter',
    low: '',
    high: '',
    moveDirection: 'either',
    percent: '2',
    candles: '5',
    indicator: indicatorDraft('rsi'),
    levelKind: 'number',
    other: indicatorDraft('ema'),
    multiplier: '3',
    period: '20',
    parts: [],
  };
}

export function newRuleDraft(defaults: Partial<RuleDraft> = {}): RuleDraft {
  return {
    name: '',
    exchange: 'sim',
    target: 'symbol',
    symbol: 'BTC/USDT',
    symbols: '',
    timeframe: '1m',
    when: conditionDraft(),
    evaluate: 'close',
    trigger: 'once-per-bar',
    cooldownSeconds: '0',
    expiresAt: '',
    alertExpiryMinutes: '',
    signal: 'INFO',
    sound: 'default',
    urgent: false,
    enabled: true,
    message: '',
    ...defaults,
  };
}

/** '' stays undefined (so a default or a "required" message applies); anything else becomes a number. */
function num(text: string): number | undefined {
  const t = text.trim();
  if (t === '') return undefined;
  return Number(t.replace(/,/g, ''));
}

export function indicatorInput(d: IndicatorDraft): Record<string, unknown> {
  const spec = INDICATOR_SPECS[d.indicator];
  const out: Record<string, unknown> = { indicator: d.indicator };
  for (const p of spec.params) out[p.name] = num(d.params[p.name] ?? '');
  if (spec.outputs.length > 0) out.output = d.output || spec.outputs[0];
  if (spec.source) out.source = d.source;
  return out;
}

export function conditionInput(d: ConditionDraft): Record<string, unknown> {
  switch (d.type) {
    case 'price-cross':
      return { type: d.type, direction: d.direction, level: num(d.level) };
    case 'channel':
      return { type: d.type, action: d.action, low: num(d.low), high: num(d.high) };
    case 'percent-move':
      return { type: d.type, direction: d.moveDirection, percent: num(d.percent), candles: num(d.candles) };
    case 'indicator-threshold':
      return {
        type: d.type,
        indicator: indicatorInput(d.indicator),
        direction: d.direction,
        level: d.levelKind === 'number' ? num(d.level) : indicatorInput(d.other),
      };
    case 'indicator-cross':
      return {
        type: d.type,
        indicator: indicatorInput(d.indicator),
        direction: d.direction,
        other: d.levelKind === 'number' ? num(d.level) : indicatorInput(d.other),
      };
    case 'volume-spike':
      return { type: d.type, multiplier: num(d.multiplier), period: num(d.period) };
    case 'all-of':
      return {
        type: d.type,
        conditions: d.parts.map((p) => ({
          ...(p.timeframe ? { timeframe: p.timeframe } : {}),
          when: conditionInput(p.when),
        })),
      };
  }
}

export function splitSymbols(text: string): string[] {
  return text
    .split(/[\s,;]+/)
    .map((s) => s.trim().toUpperCase())
    .filter((s) => s !== '');
}

/** The rule as the contract takes it, before validation. */
export function ruleInput(d: RuleDraft): Record<string, unknown> {
  const expires = d.expiresAt ? new Date(d.expiresAt).getTime() : null;
  return {
    name: d.name,
    exchange: d.exchange,
    ...(d.target === 'symbol'
      ? { symbol: d.symbol.trim().toUpperCase() }
      : d.target === 'symbols'
        ? { symbols: splitSymbols(d.symbols) }
        : { watchlist: true }),
    timeframe: d.timeframe,
    when: conditionInput(d.when),
    evaluate: d.evaluate,
    trigger: d.trigger,
    cooldownSeconds: d.trigger === 'every-time' ? num(d.cooldownSeconds) : 0,
    expiresAt: expires !== null && Number.isNaN(expires) ? d.expiresAt : expires,
    alertExpiryMinutes: num(d.alertExpiryMinutes) ?? null,
    signal: d.signal,
    sound: d.sound === 'default' ? null : d.sound,
    urgent: d.urgent,
    enabled: d.enabled,
    message: d.message.trim() === '' ? null : d.message.trim(),
  };
}

/** Issues by dotted path (`when.indicator.period`); '' holds those about the rule as a whole. */
export type DraftErrors = ReadonlyMap<string, string>;

export type Validation =
  { ok: true; rule: RuleInput; errors: DraftErrors } | { ok: false; errors: DraftErrors };

export function validateDraft(d: RuleDraft): Validation {
  const input = ruleInput(d);
  const parsed = ruleSchema.safeParse(input);
  if (parsed.success) return { ok: true, rule: input as RuleInput, errors: new Map() };
  const errors = issuesByPath(parsed.error.issues);
  plainLineErrors(d.when, 'when', errors);
  return { ok: false, errors };
}

/**
 * The schema answers a bad "value or indicator" with the config file's words (`{ "indicator": … }`);
 * the form knows which of the two the user chose, so it says what is wrong with that one instead.
 */
function plainLineErrors(c: ConditionDraft, path: string, errors: Map<string, string>): void {
  if (c.type === 'all-of') {
    c.parts.forEach((p, i) => plainLineErrors(p.when, `${path}.conditions.${i}.when`, errors));
    return;
  }
  if (c.type !== 'indicator-threshold' && c.type !== 'indicator-cross') return;
  const at = `${path}.${c.type === 'indicator-threshold' ? 'level' : 'other'}`;
  if (!errors.get(at)?.includes('must be a number or an indicator')) return;
  errors.delete(at);
  if (c.levelKind === 'number') {
    errors.set(at, c.level.trim() === '' ? 'enter a value' : 'the value must be a number');
    return;
  }
  const ref = indicatorRefSchema.safeParse(indicatorInput(c.other));
  if (!ref.success)
    for (const [sub, message] of issuesByPath(ref.error.issues)) errors.set(`${at}.${sub}`, message);
}

/**
 * The paths (`when.level`, `when.indicator.period`) whose value differs between two inputs: what
 * an edit touched, so only those fields start showing their messages.
 */
export function changedPaths(before: unknown, after: unknown, path: string): string[] {
  const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;
  if (!isObject(before) || !isObject(after)) return Object.is(before, after) ? [] : [path];
  const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
  return [...keys].flatMap((k) => changedPaths(before[k], after[k], `${path}.${k}`));
}

export function issuesByPath(issues: readonly z.core.$ZodIssue[]): Map<string, string> {
  const errors = new Map<string, string>();
  for (const issue of issues) {
    const key = issue.path.map(String).join('.');
    // The first message per field is the one to fix first.
    if (!errors.has(key)) errors.set(key, issue.message);
  }
  return errors;
}

const draftOfRef = (ref: IndicatorRef) => indicatorDraft(ref.indicator, ref);

function conditionDraftOf(c: Condition | SingleCondition): ConditionDraft {
  const d = conditionDraft(c.type);
  switch (c.type) {
    case 'price-cross':
      return { ...d, direction: c.direction, level: String(c.level) };
    case 'channel':
      return { ...d, action: c.action, low: String(c.low), high: String(c.high) };
    case 'percent-move':
      return { ...d, moveDirection: c.direction, percent: String(c.percent), candles: String(c.candles) };
    case 'indicator-threshold':
    case 'indicator-cross': {
      const compared = { ...d, indicator: draftOfRef(c.indicator), direction: c.direction };
      const line = c.type === 'indicator-cross' ? c.other : c.level;
      return typeof line === 'number'
        ? { ...compared, levelKind: 'number', level: String(line) }
        : { ...compared, levelKind: 'indicator', other: draftOfRef(line) };
    }
    case 'volume-spike':
      return { ...d, multiplier: String(c.multiplier), period: String(c.period) };
    case 'all-of':
      return {
        ...d,
        parts: c.conditions.map((p) => ({ timeframe: p.timeframe ?? '', when: conditionDraftOf(p.when) })),
      };
  }
}

/** `datetime-local` text of an epoch ms time, in local time. */
export function localDateTimeInput(ms: number): string {
  const d = new Date(ms - new Date(ms).getTimezoneOffset() * 60_000);
  return d.toISOString().slice(0, 16);
}

export function draftFromRule(rule: Rule): RuleDraft {
  return {
    name: rule.name,
    exchange: rule.exchange,
    target: rule.symbol !== undefined ? 'symbol' : rule.symbols !== undefined ? 'symbols' : 'watchlist',
    symbol: rule.symbol ?? '',
    symbols: (rule.symbols ?? []).join(', '),
    timeframe: rule.timeframe,
    when: conditionDraftOf(rule.when),
    evaluate: rule.evaluate,
    trigger: rule.trigger,
    cooldownSeconds: String(rule.cooldownSeconds),
    expiresAt: rule.expiresAt === null ? '' : localDateTimeInput(rule.expiresAt),
    alertExpiryMinutes: rule.alertExpiryMinutes === null ? '' : String(rule.alertExpiryMinutes),
    signal: rule.signal,
    sound: rule.sound ?? 'default',
    urgent: rule.urgent,
    enabled: rule.enabled,
    message: rule.message ?? '',
  };
}

/** A name not yet taken: "BTC above 100k (copy)", "… (copy 2)". */
export function copyName(name: string, taken: ReadonlySet<string>): string {
  const base = `${name} (copy)`.slice(0, 100);
  if (!taken.has(base)) return base;
  for (let i = 2; ; i++) {
    const next = `${name} (copy ${i})`.slice(0, 100);
    if (!taken.has(next)) return next;
  }
}

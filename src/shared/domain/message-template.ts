import { indicatorLabel, type IndicatorRef } from './indicator';
import type { Condition, SingleCondition } from './rule';

/**
 * Alert message templates: a rule's `message` may hold placeholders like `{{symbol}}` or
 * `{{rsi}}`, filled when the rule fires. Shared by the rule schema (an unknown placeholder is
 * refused when the rule is saved, with the same words in the editor and in main) and the alert
 * service (which renders the message once, so the toast, the native notification, the webhook and
 * Telegram all say the same).
 */

/** Placeholders every rule knows, filled from the alert itself. */
export const ALERT_PLACEHOLDERS = [
  'symbol',
  'exchange',
  'timeframe',
  'rule',
  'signal',
  'open',
  'high',
  'low',
  'close',
  'volume',
  'price',
  'strength',
  'time',
  'text',
] as const;
export type AlertPlaceholder = (typeof ALERT_PLACEHOLDERS)[number];

const PLACEHOLDER = /\{\{\s*([^{}]*?)\s*\}\}/g;

/**
 * The placeholders a condition adds, each mapped to the key of the value it reads in the alert's
 * `values` (the labels conditions.ts explains a firing with: `RSI(14)`, `level`, `4h close` …).
 * An indicator is named by its kind (`{{rsi}}`), by kind and period (`{{ema9}}`) and, for one with
 * several lines, with `.line` (`{{macd.signal}}`, `{{bollinger20.upper}}`); a part of an all-of on
 * another timeframe prefixes its names with that timeframe (`{{4h:rsi}}`). A name that would point
 * at two different values (`{{ema}}` in "EMA 9 crosses EMA 21") is ambiguous: the value is null.
 */
export function conditionPlaceholders(when: Condition, timeframe: string): Map<string, string | null> {
  const out = new Map<string, string | null>();
  const add = (name: string, key: string) => {
    const known = out.get(name);
    out.set(name, known === undefined || known === key ? key : null);
  };
  const parts =
    when.type === 'all-of'
      ? when.conditions.map((c) => ({ tf: c.timeframe ?? timeframe, when: c.when }))
      : [{ tf: timeframe, when }];
  for (const part of parts) {
    const other = part.tf !== timeframe;
    const name = (n: string) => (other ? `${part.tf}:${n}` : n);
    const key = (k: string) => (other ? `${part.tf} ${k}` : k);
    for (const [n, k] of singlePlaceholders(part.when)) {
      // the part's own candle fields are the alert's when it reads the rule's timeframe
      if (!other && (ALERT_PLACEHOLDERS as readonly string[]).includes(n)) continue;
      add(name(n), key(k));
    }
  }
  return out;
}

function singlePlaceholders(when: SingleCondition): [string, string][] {
  switch (when.type) {
    case 'price-cross':
      return [
        ['close', 'close'],
        ['level', 'level'],
      ];
    case 'channel':
      return [
        ['close', 'close'],
        ['channel.low', 'low'],
        ['channel.high', 'high'],
      ];
    case 'percent-move':
      return [
        ['close', 'close'],
        ['move', 'move %'],
      ];
    case 'indicator-threshold':
    case 'indicator-cross': {
      const line = when.type === 'indicator-cross' ? when.other : when.level;
      return [
        ...refPlaceholders(when.indicator),
        ...(typeof line === 'number' ? [['level', 'level'] as [string, string]] : refPlaceholders(line)),
      ];
    }
    case 'volume-spike':
      return [
        ['volume', 'volume'],
        ['volume-sma', `volume SMA(${when.period})`],
        [`volume-sma${when.period}`, `volume SMA(${when.period})`],
        ['ratio', 'ratio'],
      ];
  }
}

function refPlaceholders(ref: IndicatorRef): [string, string][] {
  const key = indicatorLabel(ref);
  // price and volume are the candle's own fields (`{{close}}`, `{{high}}`, `{{volume}}`)
  if (ref.indicator === 'price') return [[ref.source, key]];
  if (ref.indicator === 'volume') return [['volume', key]];
  const names: string[] = [ref.indicator];
  if ('period' in ref) names.push(`${ref.indicator}${ref.period}`);
  const withLine = 'output' in ref ? names.map((n) => `${n}.${ref.output}`) : [];
  return [...names, ...withLine].map((n) => [n, key]);
}

/** Why a message template cannot be used with this condition, in plain words; null when it can. */
export function templateProblem(message: string, when: Condition, timeframe: string): string | null {
  if (!message.includes('{{') && !message.includes('}}')) return null;
  const own = conditionPlaceholders(when, timeframe);
  for (const m of message.matchAll(PLACEHOLDER)) {
    const name = m[1]!;
    if ((ALERT_PLACEHOLDERS as readonly string[]).includes(name)) continue;
    const key = own.get(name);
    if (key === null)
      return `message: {{${name}}} is ambiguous, this rule reads more than one of them: name one with its period or line (${[
        ...own.keys(),
      ]
        .filter((n) => n.startsWith(name) && n !== name && own.get(n) !== null)
        .map((n) => `{{${n}}}`)
        .join(', ')})`;
    if (key === undefined)
      return `message: unknown placeholder {{${name}}}; this rule knows ${knownNames(own)}`;
  }
  if (message.replace(PLACEHOLDER, '').match(/\{\{|\}\}/))
    return 'message: a placeholder is not closed: write it as {{name}}';
  return null;
}

function knownNames(own: ReadonlyMap<string, string | null>): string {
  const names = [...ALERT_PLACEHOLDERS, ...[...own].filter(([, k]) => k !== null).map(([n]) => n)];
  return [...new Set(names)].map((n) => `{{${n}}}`).join(', ');
}

/**
 * Fills a template: `fields` holds the alert's own placeholders already as text, `values` the
 * condition's values by key. A value the firing did not carry (an infinite ratio) reads "—".
 */
export function renderTemplate(
  message: string,
  when: Condition,
  timeframe: string,
  fields: Readonly<Record<AlertPlaceholder, string>>,
  values: Readonly<Record<string, number>>,
  format: (x: number) => string,
): string {
  const own = conditionPlaceholders(when, timeframe);
  return message.replace(PLACEHOLDER, (whole, name: string) => {
    if (name in fields) return fields[name as AlertPlaceholder];
    const key = own.get(name);
    if (key === undefined || key === null) return whole;
    const v = values[key];
    return v === undefined ? '—' : format(v);
  });
}

import { formatValue } from '../../../shared/domain/format-value';
import { CLOSE, HIGH, LOW, OPEN, VOLUME } from '../../../shared/domain/market';
import { renderTemplate, type AlertPlaceholder } from '../../../shared/domain/message-template';
import type { Firing } from './rule-engine';

/** "2025-01-06 00:05 UTC": the candle's open time as the message shows it. */
const utcMinute = (ms: number): string => `${new Date(ms).toISOString().slice(0, 16).replace('T', ' ')} UTC`;

/**
 * The message of a firing: the rule's template with its placeholders filled (the rule schema
 * refused unknown ones at save), or what happened in words when the rule has none.
 */
export function alertMessage(f: Firing): string {
  const { rule } = f.rule;
  if (rule.message === null) return f.explanation.text;
  const c = f.candle;
  const fields: Record<AlertPlaceholder, string> = {
    symbol: f.key.symbol,
    exchange: f.key.exchange,
    timeframe: f.key.timeframe,
    rule: rule.name,
    signal: rule.signal,
    open: formatValue(c[OPEN]),
    high: formatValue(c[HIGH]),
    low: formatValue(c[LOW]),
    close: formatValue(c[CLOSE]),
    volume: formatValue(c[VOLUME]),
    price: formatValue(c[CLOSE]),
    strength: `${Math.round(f.explanation.strength * 100)}%`,
    time: utcMinute(c[0]),
    text: f.explanation.text,
  };
  return renderTemplate(rule.message, rule.when, rule.timeframe, fields, f.explanation.values, formatValue);
}

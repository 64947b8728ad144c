import { csvField } from './csv';
import type { Alert } from './domain/alert';

/**
 * Alerts as rows of a file, the same from `npm run export -- --alerts` (main/core/alerts/alert-export.ts)
 * and from the Alerts panel's CSV button (renderer/alerts/alerts-csv.ts), so both files read the same.
 * Columns in order (DESIGN.md names the first ten); times in epoch ms. `kind` tells rule firings
 * from fills (rule "Order filled", no timeframe).
 */
export const ALERT_EXPORT_COLUMNS = [
  'firedAt',
  'candleTime',
  'rule',
  'signal',
  'exchange',
  'symbol',
  'timeframe',
  'price',
  'status',
  'message',
  'strength',
  'kind',
] as const;

export type AlertExportRecord = Record<(typeof ALERT_EXPORT_COLUMNS)[number], string | number>;

/** One alert under the export's column names (the JSON export writes this object). */
export const alertExportRecord = (a: Alert): AlertExportRecord => ({
  firedAt: a.firedAt,
  candleTime: a.candleTime,
  rule: a.ruleName,
  signal: a.signal,
  exchange: a.exchange,
  symbol: a.symbol,
  timeframe: a.timeframe,
  price: a.price,
  status: a.status,
  message: a.message,
  strength: a.strength,
  kind: a.kind,
});

/** One alert as a CSV line, without its line break, in ALERT_EXPORT_COLUMNS order. */
export function alertCsvRow(a: Alert): string {
  const record = alertExportRecord(a);
  return ALERT_EXPORT_COLUMNS.map((c) => csvField(record[c])).join(',');
}

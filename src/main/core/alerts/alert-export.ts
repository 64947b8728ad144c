import type { Database } from 'better-sqlite3';
import { ALERT_EXPORT_COLUMNS, alertCsvRow, alertExportRecord } from '../../../shared/alert-export';
import { storedAlerts } from '../store/alert-repository';

export type AlertExportFormat = 'csv' | 'json';

export { ALERT_EXPORT_COLUMNS };

/**
 * Writes every stored alert, oldest first, as CSV (with a header line) or as a JSON array of
 * objects, through `write` one row at a time; returns how many alerts were written. Works on a
 * read-only handle beside a running instance. A database from before alerts existed (schema < 4)
 * has none: the output is then just the header, or `[]`.
 */
export function exportAlerts(
  db: Database,
  format: AlertExportFormat,
  write: (chunk: string) => void,
): number {
  const alerts = storedAlerts(db);
  let count = 0;
  if (format === 'csv') {
    write(`${ALERT_EXPORT_COLUMNS.join(',')}\n`);
    for (const a of alerts) {
      write(`${alertCsvRow(a)}\n`);
      count++;
    }
    return count;
  }
  write('[');
  for (const a of alerts) {
    write(`${count === 0 ? '\n' : ',\n'}${JSON.stringify(alertExportRecord(a))}`);
    count++;
  }
  write(count === 0 ? ']\n' : '\n]\n');
  return count;
}

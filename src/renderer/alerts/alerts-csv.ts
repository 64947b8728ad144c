import { ALERT_EXPORT_COLUMNS, alertCsvRow } from '../../shared/alert-export';
import type { Alert } from '../../shared/domain/alert';

/** The alerts as a CSV file, the rows `npm run export -- --alerts` prints, with CRLF line breaks. */
export function alertsToCsv(alerts: readonly Alert[]): string {
  const lines = [ALERT_EXPORT_COLUMNS.join(','), ...alerts.map(alertCsvRow)];
  return `${lines.join('\r\n')}\r\n`;
}

/** Saves text as a file through a temporary link: works in the Electron window and in a browser. */
export function downloadText(fileName: string, text: string, type = 'text/csv'): void {
  const url = URL.createObjectURL(new Blob([text], { type: `${type};charset=utf-8` }));
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1_000);
}

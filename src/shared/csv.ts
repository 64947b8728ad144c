/**
 * One CSV field, RFC 4180: quoted when it holds a comma, quote or line break, with the quotes inside
 * doubled. Text starting with = + - @ (or a tab or CR) gets a leading quote, since spreadsheets run
 * such a cell as a formula (OWASP "CSV injection"); numbers, negative ones included, stay as they are.
 */
export function csvField(value: string | number): string {
  const text = String(value);
  const safe = /^[=+\-@\t\r]/.test(text) && typeof value === 'string' ? `'${text}` : text;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/**
 * Binance sends prices and quantities as decimal strings with 8 places ("65000.12000000"). The fake
 * keeps them as integers of ticks/steps and formats them exactly, so the number ccxt parses from the
 * string equals units / 10^decimals (a division by a power of ten is correctly rounded, like
 * parseFloat), which is what truth() returns.
 */

/** `units` × 10^-decimals as a decimal string with exactly `places` (≥ decimals) fraction digits. */
export function formatScaled(units: number, decimals: number, places = 8): string {
  const negative = units < 0;
  const digits = String(Math.abs(units)).padStart(decimals + 1, '0');
  const whole = digits.slice(0, digits.length - decimals);
  const fraction = digits.slice(digits.length - decimals).padEnd(places, '0');
  return (negative ? '-' : '') + whole + (places > 0 ? '.' + fraction : '');
}

/** A float (quote volumes, averages) the way Binance prints it: 8 fraction digits. */
export function formatFloat(value: number, places = 8): string {
  return value.toFixed(places);
}

/** "0.01000000" for decimals = 2. */
export function unitString(decimals: number): string {
  return formatScaled(1, decimals);
}

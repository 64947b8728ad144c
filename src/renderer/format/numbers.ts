/**
 * Number formatting for prices, volumes and percentages. Formatters are cached per precision:
 * Intl.NumberFormat is costly to build and the watchlist formats every price on every frame.
 */

const cache = new Map<string, Intl.NumberFormat>();

/** `key` must name every option that varies, or two callers get each other's formatter. */
function formatter(key: string, options: Intl.NumberFormatOptions): Intl.NumberFormat {
  let f = cache.get(key);
  if (!f) cache.set(key, (f = new Intl.NumberFormat(undefined, options)));
  return f;
}

/** Decimals shown when a market does not say: enough to tell ticks apart at the price's size. */
export function guessPriceDecimals(price: number): number {
  const abs = Math.abs(price);
  if (!Number.isFinite(abs) || abs === 0) return 2;
  if (abs >= 1_000) return 2;
  if (abs >= 1) return 4;
  // Below 1, keep four significant digits: 0.0001234 → 7 decimals.
  return Math.min(10, Math.max(4, 3 - Math.floor(Math.log10(abs))));
}

/** A price with the market's precision (`decimals` from markets:list; guessed when null). */
export function formatPrice(value: number | null | undefined, decimals: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '—';
  const d = decimals ?? guessPriceDecimals(value);
  return formatter(`p${d}`, { minimumFractionDigits: d, maximumFractionDigits: d }).format(value);
}

/** Volumes and counts: compact above ten thousand (12.3K, 4.56M) so columns stay narrow. */
export function formatVolume(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '—';
  if (Math.abs(value) >= 10_000) {
    return formatter('vc', { notation: 'compact', maximumFractionDigits: 2 }).format(value);
  }
  // The key carries the precision: one shared key made whichever case formatted first win, so
  // 0.3995 came out as "0" after a 150 had been formatted.
  const d = Math.abs(value) >= 100 ? 0 : 4;
  return formatter(`v${d}`, { maximumFractionDigits: d }).format(value);
}

/**
 * Balances and order sizes: every digit the amount has (up to 8 decimals), never compacted, so a
 * column reads the same way on every row ("10,000" beside "7,874.175", not "10K").
 */
export function formatAmount(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '—';
  return formatter('a8', { maximumFractionDigits: 8 }).format(value);
}

/** +1.23 % / −0.45 %, always signed so the direction reads without the colour. */
export function formatPercent(value: number | null | undefined, decimals = 2): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '—';
  return `${formatter(`pc${decimals}`, {
    minimumFractionDigits: decimals,
    maximumFractionDigits: decimals,
    signDisplay: 'exceptZero',
  }).format(value)} %`;
}

export function formatInteger(value: number): string {
  return formatter('i', { maximumFractionDigits: 0 }).format(value);
}

/** Bytes as KB / MB / GB (powers of 1024, as file managers show sizes). */
export function formatBytes(bytes: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${formatter(`b${unit === 0 ? 0 : 1}`, { maximumFractionDigits: unit === 0 ? 0 : 1 }).format(value)} ${units[unit]}`;
}

/** Decimals of a price tick: 0.01 → 2, 0.00001 → 5, 5 → 0. */
export function decimalsOfTick(tick: number): number {
  if (!(tick > 0)) return 2;
  return Math.max(0, Math.min(12, Math.ceil(-Math.log10(tick) - 1e-9)));
}

/** Turning samples into the figures of a bench table. */

/** The q-quantile (0 … 1) of `xs` by nearest rank; NaN when there are no samples. */
export function percentile(xs: readonly number[], q: number): number {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * q))] ?? NaN;
}

/** `n` to `digits` decimals, as a number: the table and the JSON show it without trailing zeros. */
export const round = (n: number, digits = 0): number => Number(n.toFixed(digits));

/**
 * How far one arrow key moves the draft line of a new price alert: a round price step (1, 2 or 5
 * × 10ⁿ) worth at least `minPixels` on screen, so every press from the step's grid visibly moves
 * the line, and never finer than the market's tick (one unit of its last price decimal). Shift
 * moves ten steps. The first press from the pointer's price lands on the grid (stepPrice), which
 * may be closer than a step.
 */
export function draftKeyStep(pricePerPixel: number, decimals: number | null, minPixels = 3): number {
  const tick = decimals === null ? 0 : 10 ** -decimals;
  const wanted = Math.abs(pricePerPixel) * minPixels;
  if (!Number.isFinite(wanted) || wanted <= 0) return tick > 0 ? tick : 1;
  const power = 10 ** Math.floor(Math.log10(wanted));
  const nice = [1, 2, 5, 10].map((m) => m * power).find((s) => s >= wanted * (1 - 1e-9)) ?? 10 * power;
  return Math.max(nice, tick);
}

/** `price` moved by `steps` steps, landing on a multiple of the step (so 41,903.17 ↑ 10 → 41,910). */
export function stepPrice(price: number, step: number, steps: number): number {
  const onGrid = steps > 0 ? Math.floor(price / step + 1e-9) : Math.ceil(price / step - 1e-9);
  const moved = (onGrid + steps) * step;
  // Floating-point noise (0.1 × 3) must not reach the label or the rule.
  const digits = Math.max(0, -Math.floor(Math.log10(step)) + 1);
  return Number(moved.toFixed(Math.min(12, digits)));
}

/**
 * A seeded random walk that can be read at any step without walking there: a Brownian bridge over
 * dyadic intervals. The value at the middle of [a, b] is the mean of the ends plus independent
 * Gaussian noise of variance (b - a) / 4, drawn from a hash of (seed, level, index). So the walk is
 * the same whenever and in whatever order it is read, across restarts, in O(levels) per point.
 */

const LEVELS = 46; // 2^46 steps: 100 ms steps reach past year 9000
const BLOCK_LEVEL = 10; // steps are computed 1,024 at a time and cached per block
const BLOCK = 2 ** BLOCK_LEVEL;
const TWO_32 = 4_294_967_296;

/** 32-bit hash of a seed, a small integer and an index below 2^53 */
export function hash32(seed: number, small: number, index: number): number {
  let h = Math.imul(seed ^ Math.imul(small + 1, 0x9e3779b9), 0x85ebca6b);
  h = mix(h ^ (index >>> 0));
  h = mix(h ^ Math.floor(index / TWO_32));
  return h >>> 0;
}

function mix(h: number): number {
  h = Math.imul(h ^ (h >>> 16), 0x7feb352d);
  h = Math.imul(h ^ (h >>> 15), 0x846ca68b);
  return h ^ (h >>> 16);
}

/** uniform in (0, 1) */
export function unit(h: number): number {
  return (h + 0.5) / TWO_32;
}

/** standard normal quantiles at (i + 0.5) / 65536: a table lookup instead of log/sqrt/cos per draw */
const QUANTILES = (() => {
  const table = new Float64Array(65_536);
  for (let i = 0; i < table.length; i++) table[i] = normalQuantile((i + 0.5) / table.length);
  return table;
})();

function gaussian(seed: number, level: number, index: number): number {
  return QUANTILES[hash32(seed, level, index) >>> 16]!;
}

/** Acklam's rational approximation of the inverse normal CDF (relative error < 1.2e-9). */
function normalQuantile(p: number): number {
  const a = [
    -39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716,
    2.506628277459239,
  ];
  const b = [
    -54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572,
  ];
  const c = [
    -0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968,
    2.938163982698783,
  ];
  const d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
  const tail = (q: number) =>
    (((((c[0]! * q + c[1]!) * q + c[2]!) * q + c[3]!) * q + c[4]!) * q + c[5]!) /
    ((((d[0]! * q + d[1]!) * q + d[2]!) * q + d[3]!) * q + 1);
  if (p < 0.02425) return tail(Math.sqrt(-2 * Math.log(p)));
  if (p > 1 - 0.02425) return -tail(Math.sqrt(-2 * Math.log(1 - p)));
  const q = p - 0.5;
  const r = q * q;
  return (
    ((((((a[0]! * r + a[1]!) * r + a[2]!) * r + a[3]!) * r + a[4]!) * r + a[5]!) * q) /
    (((((b[0]! * r + b[1]!) * r + b[2]!) * r + b[3]!) * r + b[4]!) * r + 1)
  );
}

export class RandomWalk {
  private readonly blocks = new Map<number, Float64Array>();

  constructor(
    private readonly seed: number,
    private readonly maxBlocks = 512,
  ) {}

  /** W(step), a standard Brownian path with W(0) = 0 */
  at(step: number): number {
    const block = Math.floor(step / BLOCK);
    return this.block(block)[step - block * BLOCK]!;
  }

  private block(index: number): Float64Array {
    const cached = this.blocks.get(index);
    if (cached) return cached;
    const values = new Float64Array(BLOCK + 1);
    // Neighbouring blocks share a boundary: reading forward, only one descent per block is needed.
    values[0] = this.blocks.get(index - 1)?.[BLOCK] ?? this.descend(index * BLOCK);
    values[BLOCK] = this.blocks.get(index + 1)?.[0] ?? this.descend((index + 1) * BLOCK);
    this.fill(values, index * BLOCK);
    if (this.blocks.size >= this.maxBlocks) this.blocks.delete(this.blocks.keys().next().value!);
    this.blocks.set(index, values);
    return values;
  }

  /** midpoints level by level: the span-`2h` intervals of this block, then span `h`, … down to 2 */
  private fill(values: Float64Array, origin: number): void {
    for (let level = BLOCK_LEVEL, half = BLOCK / 2; half >= 1; level--, half /= 2) {
      const sd = Math.sqrt(2 * half) / 2;
      const span = 2 * half;
      for (let lo = 0; lo < BLOCK; lo += span) {
        values[lo + half] =
          (values[lo]! + values[lo + span]!) / 2 + sd * gaussian(this.seed, level, (origin + lo) / span);
      }
    }
  }

  /** W at a block boundary, by bisecting from the whole span down to it */
  private descend(step: number): number {
    let lo = 0;
    let hi = 2 ** LEVELS;
    let wLo = 0;
    let wHi = Math.sqrt(hi) * gaussian(this.seed, LEVELS + 1, 0);
    for (let level = LEVELS; level > BLOCK_LEVEL; level--) {
      if (step === lo) return wLo;
      if (step === hi) return wHi;
      const span = hi - lo;
      const mid = lo + span / 2;
      const wMid = (wLo + wHi) / 2 + (Math.sqrt(span) / 2) * gaussian(this.seed, level, lo / span);
      if (step < mid) {
        hi = mid;
        wHi = wMid;
      } else {
        lo = mid;
        wLo = wMid;
      }
    }
    return step === lo ? wLo : wHi;
  }
}

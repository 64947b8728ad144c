/**
 * A streaming indicator. `close` commits the next closed input and returns the value at it;
 * `update` returns the value the still-forming input would give, without changing any state, so a
 * forming candle can be re-evaluated on every tick (replace-last) at the cost of one step, never a
 * recompute of the history.
 *
 * Values follow TradingView's conventions (what crypto traders compare against): moving averages
 * seed with the SMA of their first `period` inputs, RSI and ATR use Wilder's smoothing, Bollinger
 * uses the population standard deviation, VWAP restarts each UTC day.
 */
export interface Indicator<I, O> {
  /** closed inputs needed before the first value; before that both methods return undefined */
  readonly warmup: number;
  close(input: I): O | undefined;
  update(input: I): O | undefined;
}

/** Running sums drift by a rounding error per step; resumming this often keeps them exact to ~1e-12. */
export const RESUM_EVERY = 1_024;

/** Fixed-size ring of the newest committed numbers, oldest first when iterated. */
export class NumberWindow {
  private readonly buf: Float64Array;
  private head = 0;
  private count = 0;

  constructor(readonly capacity: number) {
    this.buf = new Float64Array(Math.max(capacity, 1));
  }

  get size(): number {
    return this.count;
  }

  get full(): boolean {
    return this.count === this.capacity;
  }

  /** the value the next push evicts (only meaningful when full) */
  oldest(): number {
    return this.buf[this.head]!;
  }

  /** adds x; returns the evicted value, or undefined while the window was filling */
  push(x: number): number | undefined {
    if (this.capacity === 0) return x;
    let evicted: number | undefined;
    if (this.count === this.capacity) evicted = this.buf[this.head];
    else this.count++;
    this.buf[this.head] = x;
    this.head = (this.head + 1) % this.capacity;
    return evicted;
  }

  /** i = 0 is the oldest held value */
  at(i: number): number {
    const start = (this.head - this.count + this.capacity) % this.capacity;
    return this.buf[(start + i) % this.capacity]!;
  }

  sum(): number {
    let s = 0;
    for (let i = 0; i < this.count; i++) s += this.at(i);
    return s;
  }
}

/**
 * Highest (or lowest) of the last `size` committed values, O(1) amortized with a monotonic deque;
 * `with(x)` answers for those values plus one forming value without committing it.
 */
export class RollingExtreme {
  private readonly idx: number[] = [];
  private readonly vals: number[] = [];
  private head = 0;
  private n = 0;

  constructor(
    private readonly size: number,
    private readonly kind: 'max' | 'min',
  ) {}

  push(x: number): void {
    if (this.size === 0) return;
    const max = this.kind === 'max';
    while (this.vals.length > this.head) {
      const last = this.vals[this.vals.length - 1]!;
      if (max ? last > x : last < x) break;
      this.vals.pop();
      this.idx.pop();
    }
    this.vals.push(x);
    this.idx.push(this.n++);
    while (this.idx[this.head]! <= this.n - 1 - this.size) this.head++;
    if (this.head > 1_024) {
      this.vals.splice(0, this.head);
      this.idx.splice(0, this.head);
      this.head = 0;
    }
  }

  /** extreme of the committed window and x */
  with(x: number): number {
    if (this.vals.length === this.head) return x;
    const held = this.vals[this.head]!;
    return this.kind === 'max' ? Math.max(held, x) : Math.min(held, x);
  }
}

/** Relative width under which a window counts as flat: far below any exchange's tick size. */
export const FLAT_RANGE = 1e-9;

/** Whether [low, high] is a flat window: its width is noise compared with the values themselves. */
export function isFlat(low: number, high: number): boolean {
  return high - low <= FLAT_RANGE * Math.max(Math.abs(low), Math.abs(high));
}

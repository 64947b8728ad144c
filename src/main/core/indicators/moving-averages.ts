import { NumberWindow, RESUM_EVERY, type Indicator } from './indicator';

/** Simple moving average: running sum over a ring, O(1) per step. */
export class Sma implements Indicator<number, number> {
  readonly warmup: number;
  private readonly window: NumberWindow;
  private sum = 0;
  private steps = 0;

  constructor(readonly period: number) {
    this.warmup = period;
    this.window = new NumberWindow(period);
  }

  close(x: number): number | undefined {
    const evicted = this.window.push(x);
    this.sum += x - (evicted ?? 0);
    if (++this.steps % RESUM_EVERY === 0) this.sum = this.window.sum();
    return this.window.full ? this.sum / this.period : undefined;
  }

  update(x: number): number | undefined {
    if (this.window.size + 1 < this.period) return undefined;
    const evicted = this.window.full ? this.window.oldest() : 0;
    return (this.sum + x - evicted) / this.period;
  }
}

/**
 * Exponential smoothing seeded with the SMA of the first `period` inputs. `alpha` is 2/(n+1) for
 * the EMA and 1/n for Wilder's smoothing (TradingView's `rma`, used by RSI and ATR).
 */
class SeededSmoothing implements Indicator<number, number> {
  readonly warmup: number;
  private seedSum = 0;
  private count = 0;
  private value = 0;

  constructor(
    readonly period: number,
    private readonly alpha: number,
  ) {
    this.warmup = period;
  }

  close(x: number): number | undefined {
    const next = this.step(x);
    if (this.count < this.period) this.seedSum += x;
    this.count++;
    if (next !== undefined) this.value = next;
    return next;
  }

  update(x: number): number | undefined {
    return this.step(x);
  }

  private step(x: number): number | undefined {
    if (this.count + 1 < this.period) return undefined;
    if (this.count + 1 === this.period) return (this.seedSum + x) / this.period;
    return this.value + this.alpha * (x - this.value);
  }
}

export class Ema extends SeededSmoothing {
  constructor(period: number) {
    super(period, 2 / (period + 1));
  }
}

/** Wilder's smoothing (a.k.a. RMA / SMMA). */
export class Rma extends SeededSmoothing {
  constructor(period: number) {
    super(period, 1 / period);
  }
}

/**
 * Linearly weighted moving average (newest weight n, oldest 1). Keeps the window's plain sum S
 * and weighted sum W: sliding by one makes every weight one smaller (W − S) and adds n·x, so a
 * step is O(1); both sums are rebuilt from the ring now and then against drift.
 */
export class Wma implements Indicator<number, number> {
  readonly warmup: number;
  private readonly window: NumberWindow;
  private readonly divisor: number;
  private sum = 0;
  private weighted = 0;
  private steps = 0;

  constructor(readonly period: number) {
    this.warmup = period;
    this.window = new NumberWindow(period);
    this.divisor = (period * (period + 1)) / 2;
  }

  close(x: number): number | undefined {
    if (this.window.full) {
      this.weighted += this.period * x - this.sum;
      this.sum += x - this.window.oldest();
      this.window.push(x);
      if (++this.steps % RESUM_EVERY === 0) this.resum();
    } else {
      this.window.push(x);
      if (this.window.full) this.resum();
    }
    return this.window.full ? this.weighted / this.divisor : undefined;
  }

  update(x: number): number | undefined {
    if (this.window.full) return (this.weighted - this.sum + this.period * x) / this.divisor;
    if (this.window.size + 1 < this.period) return undefined;
    // The forming input completes the first window: weigh it directly.
    let w = this.period * x;
    for (let i = 0; i < this.window.size; i++) w += (i + 1) * this.window.at(i);
    return w / this.divisor;
  }

  private resum(): void {
    let s = 0;
    let w = 0;
    for (let i = 0; i < this.window.size; i++) {
      const v = this.window.at(i);
      s += v;
      w += (i + 1) * v;
    }
    this.sum = s;
    this.weighted = w;
  }
}

import type { Indicator } from './indicator';
import { isFlat, RollingExtreme } from './indicator';
import { Ema, Rma, Sma } from './moving-averages';

/**
 * Wilder's RSI: gains and losses smoothed with Wilder's average seeded by the mean of the first
 * `period` changes, so the first value needs period + 1 inputs.
 */
export class Rsi implements Indicator<number, number> {
  readonly warmup: number;
  private readonly gains: Rma;
  private readonly losses: Rma;
  private prev: number | undefined;

  constructor(readonly period: number) {
    this.warmup = period + 1;
    this.gains = new Rma(period);
    this.losses = new Rma(period);
  }

  close(x: number): number | undefined {
    const prev = this.prev;
    this.prev = x;
    if (prev === undefined) return undefined;
    const change = x - prev;
    return rsiOf(this.gains.close(Math.max(change, 0)), this.losses.close(Math.max(-change, 0)));
  }

  update(x: number): number | undefined {
    if (this.prev === undefined) return undefined;
    const change = x - this.prev;
    return rsiOf(this.gains.update(Math.max(change, 0)), this.losses.update(Math.max(-change, 0)));
  }
}

function rsiOf(gain: number | undefined, loss: number | undefined): number | undefined {
  if (gain === undefined || loss === undefined) return undefined;
  // A perfectly flat window has no momentum either way. TradingView reads it as 100, which would
  // fire every "RSI above 70" rule on a halted market; 50 is the neutral reading.
  if (gain + loss === 0) return 50;
  return (100 * gain) / (gain + loss);
}

export type MacdValue = { macd: number; signal: number; histogram: number };

/** MACD line = EMA(fast) − EMA(slow); signal = EMA(signal) of the line; ready once the signal is. */
export class Macd implements Indicator<number, MacdValue> {
  readonly warmup: number;
  private readonly fastEma: Ema;
  private readonly slowEma: Ema;
  private readonly signalEma: Ema;

  constructor(fast: number, slow: number, signal: number) {
    this.fastEma = new Ema(fast);
    this.slowEma = new Ema(slow);
    this.signalEma = new Ema(signal);
    this.warmup = Math.max(fast, slow) + signal - 1;
  }

  close(x: number): MacdValue | undefined {
    const f = this.fastEma.close(x);
    const s = this.slowEma.close(x);
    if (f === undefined || s === undefined) return undefined;
    return macdOf(f - s, this.signalEma.close(f - s));
  }

  update(x: number): MacdValue | undefined {
    const f = this.fastEma.update(x);
    const s = this.slowEma.update(x);
    if (f === undefined || s === undefined) return undefined;
    return macdOf(f - s, this.signalEma.update(f - s));
  }
}

function macdOf(line: number, signal: number | undefined): MacdValue | undefined {
  return signal === undefined ? undefined : { macd: line, signal, histogram: line - signal };
}

export type StochValue = { k: number; d: number };

/**
 * Where a value sits in its recent range, 0..100. A flat window reads as the middle (50): "flat"
 * means a width within FLAT_RANGE of the values' size, not exactly zero, because the RSI of
 * unchanged closes wobbles by an ulp (its Wilder averages decay in floating point) and dividing by
 * that noise would stretch it to full scale — false overbought/oversold on a halted market.
 */
function rangePosition(value: number, low: number, high: number): number {
  if (isFlat(low, high)) return 50;
  return Math.min(100, Math.max(0, (100 * (value - low)) / (high - low)));
}

/**
 * Stochastic of any series against its own recent range: raw %K over `period` inputs,
 * %K = SMA(raw, kSmooth), %D = SMA(%K, dPeriod). Inputs are [value, high, low] so the same code
 * serves the price stochastic (close within high/low) and the stochastic RSI (RSI within itself).
 */
export class StochasticOf implements Indicator<readonly [number, number, number], StochValue> {
  readonly warmup: number;
  private readonly highs: RollingExtreme;
  private readonly lows: RollingExtreme;
  private readonly kSma: Sma;
  private readonly dSma: Sma;
  private count = 0;

  constructor(
    private readonly period: number,
    kSmooth: number,
    dPeriod: number,
  ) {
    this.highs = new RollingExtreme(period - 1, 'max');
    this.lows = new RollingExtreme(period - 1, 'min');
    this.kSma = new Sma(kSmooth);
    this.dSma = new Sma(dPeriod);
    this.warmup = period + kSmooth - 1 + dPeriod - 1;
  }

  close([value, high, low]: readonly [number, number, number]): StochValue | undefined {
    const ready = this.count + 1 >= this.period;
    const raw = rangePosition(value, this.lows.with(low), this.highs.with(high));
    this.highs.push(high);
    this.lows.push(low);
    this.count++;
    if (!ready) return undefined;
    const k = this.kSma.close(raw);
    const d = k === undefined ? undefined : this.dSma.close(k);
    return k === undefined || d === undefined ? undefined : stochValue(k, d);
  }

  update([value, high, low]: readonly [number, number, number]): StochValue | undefined {
    if (this.count + 1 < this.period) return undefined;
    const k = this.kSma.update(rangePosition(value, this.lows.with(low), this.highs.with(high)));
    const d = k === undefined ? undefined : this.dSma.update(k);
    return k === undefined || d === undefined ? undefined : stochValue(k, d);
  }
}

/** The running sums of the smoothing SMAs drift by ulps (−3e-14 after a run of zeros): keep 0..100. */
const clamp100 = (x: number): number => Math.min(100, Math.max(0, x));
const stochValue = (k: number, d: number): StochValue => ({ k: clamp100(k), d: clamp100(d) });

/** Stochastic RSI (TradingView's): the stochastic of RSI values within their own range. */
export class StochRsi implements Indicator<number, StochValue> {
  readonly warmup: number;
  private readonly rsi: Rsi;
  private readonly stoch: StochasticOf;

  constructor(rsiPeriod: number, stochPeriod: number, kSmooth: number, dPeriod: number) {
    this.rsi = new Rsi(rsiPeriod);
    this.stoch = new StochasticOf(stochPeriod, kSmooth, dPeriod);
    this.warmup = this.rsi.warmup + this.stoch.warmup - 1;
  }

  close(x: number): StochValue | undefined {
    const r = this.rsi.close(x);
    return r === undefined ? undefined : this.stoch.close([r, r, r]);
  }

  update(x: number): StochValue | undefined {
    const r = this.rsi.update(x);
    return r === undefined ? undefined : this.stoch.update([r, r, r]);
  }
}

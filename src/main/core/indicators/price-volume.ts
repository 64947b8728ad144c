import { CLOSE, HIGH, LOW, OPEN_TIME, VOLUME, type Candle } from '../../../shared/domain/market';
import { isFlat, NumberWindow, type Indicator } from './indicator';
import { Rma } from './moving-averages';

export type BandsValue = { upper: number; middle: number; lower: number };

/**
 * Bollinger Bands: SMA ± k population standard deviations over the same window. The deviation is
 * computed two-pass over the window (O(period)): a running sum of squares loses every digit of
 * the variance when prices are 100,000 and the spread is a few dollars.
 */
export class Bollinger implements Indicator<number, BandsValue> {
  readonly warmup: number;
  private readonly window: NumberWindow;

  constructor(
    readonly period: number,
    readonly stdDev: number,
  ) {
    this.warmup = period;
    this.window = new NumberWindow(period);
  }

  close(x: number): BandsValue | undefined {
    this.window.push(x);
    return this.window.full ? this.bands(0, undefined) : undefined;
  }

  update(x: number): BandsValue | undefined {
    if (this.window.size + 1 < this.period) return undefined;
    return this.bands(this.window.full ? 1 : 0, x);
  }

  /** bands over the held values from index `skip`, plus `extra` when given */
  private bands(skip: number, extra: number | undefined): BandsValue {
    const size = this.window.size;
    let sum = extra ?? 0;
    let lo = extra ?? Infinity;
    let hi = extra ?? -Infinity;
    for (let i = skip; i < size; i++) {
      const x = this.window.at(i);
      sum += x;
      if (x < lo) lo = x;
      if (x > hi) hi = x;
    }
    // A flat window has bands of zero width on its price: the sum of n equal prices divided by n
    // can land an ulp off the price, and its deviation an ulp above zero, which would let "close
    // crosses above the upper band" fire on a halted market.
    if (isFlat(lo, hi)) return { upper: hi, middle: hi, lower: hi };
    const mean = sum / this.period;
    let sq = extra === undefined ? 0 : (extra - mean) ** 2;
    for (let i = skip; i < size; i++) sq += (this.window.at(i) - mean) ** 2;
    const dev = this.stdDev * Math.sqrt(sq / this.period);
    return { upper: mean + dev, middle: mean, lower: mean - dev };
  }
}

const trueRange = (c: Candle, prevClose: number | undefined): number =>
  prevClose === undefined
    ? c[HIGH] - c[LOW]
    : Math.max(c[HIGH] - c[LOW], Math.abs(c[HIGH] - prevClose), Math.abs(c[LOW] - prevClose));

/** Average True Range, Wilder-smoothed; the first candle's true range is its high − low (TradingView). */
export class Atr implements Indicator<Candle, number> {
  readonly warmup: number;
  private readonly rma: Rma;
  private prevClose: number | undefined;

  constructor(readonly period: number) {
    this.rma = new Rma(period);
    this.warmup = period;
  }

  close(c: Candle): number | undefined {
    const tr = trueRange(c, this.prevClose);
    this.prevClose = c[CLOSE];
    return this.rma.close(tr);
  }

  update(c: Candle): number | undefined {
    return this.rma.update(trueRange(c, this.prevClose));
  }
}

const DAY_MS = 86_400_000;

/**
 * Volume-weighted average price of the typical price (hlc3), restarting at each UTC midnight: crypto
 * exchanges trade around the clock and their daily candles open at 00:00 UTC. A session with no
 * volume yet has no VWAP (undefined), rather than a made-up price.
 */
export class Vwap implements Indicator<Candle, number> {
  readonly warmup = 1;
  private day = Number.NaN;
  private pv = 0;
  private volume = 0;

  close(c: Candle): number | undefined {
    const day = Math.floor(c[OPEN_TIME] / DAY_MS);
    if (day !== this.day) {
      this.day = day;
      this.pv = 0;
      this.volume = 0;
    }
    this.pv += typical(c) * c[VOLUME];
    this.volume += c[VOLUME];
    return this.volume > 0 ? this.pv / this.volume : undefined;
  }

  update(c: Candle): number | undefined {
    const sameDay = Math.floor(c[OPEN_TIME] / DAY_MS) === this.day;
    const pv = (sameDay ? this.pv : 0) + typical(c) * c[VOLUME];
    const volume = (sameDay ? this.volume : 0) + c[VOLUME];
    return volume > 0 ? pv / volume : undefined;
  }
}

const typical = (c: Candle): number => (c[HIGH] + c[LOW] + c[CLOSE]) / 3;

/** On-balance volume: ± each candle's volume by the sign of its close change; starts at 0 (TradingView). */
export class Obv implements Indicator<Candle, number> {
  readonly warmup = 1;
  private prevClose: number | undefined;
  private total = 0;

  close(c: Candle): number {
    this.total = this.step(c);
    this.prevClose = c[CLOSE];
    return this.total;
  }

  update(c: Candle): number {
    return this.step(c);
  }

  private step(c: Candle): number {
    if (this.prevClose === undefined) return 0;
    return this.total + Math.sign(c[CLOSE] - this.prevClose) * c[VOLUME];
  }
}

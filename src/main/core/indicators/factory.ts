import type { IndicatorRef, PriceSource } from '../../../shared/domain/indicator';
import { CLOSE, HIGH, LOW, OPEN, VOLUME, type Candle } from '../../../shared/domain/market';
import type { Indicator } from './indicator';
import { Ema, Sma, Wma } from './moving-averages';
import { Macd, Rsi, StochasticOf, StochRsi, type MacdValue, type StochValue } from './oscillators';
import { Atr, Bollinger, Obv, Vwap, type BandsValue } from './price-volume';

export type IndicatorValue = number | MacdValue | BandsValue | StochValue;
export type CandleIndicator = Indicator<Candle, IndicatorValue>;

export function priceOf(c: Candle, source: PriceSource): number {
  switch (source) {
    case 'open':
      return c[OPEN];
    case 'high':
      return c[HIGH];
    case 'low':
      return c[LOW];
    case 'close':
      return c[CLOSE];
    case 'hl2':
      return (c[HIGH] + c[LOW]) / 2;
    case 'hlc3':
      return (c[HIGH] + c[LOW] + c[CLOSE]) / 3;
    case 'ohlc4':
      return (c[OPEN] + c[HIGH] + c[LOW] + c[CLOSE]) / 4;
  }
}

/** Feeds a number indicator from one value of each candle. */
class OnCandles<O> implements Indicator<Candle, O> {
  readonly warmup: number;

  constructor(
    private readonly inner: Indicator<number, O>,
    private readonly pick: (c: Candle) => number,
  ) {
    this.warmup = inner.warmup;
  }

  close(c: Candle): O | undefined {
    return this.inner.close(this.pick(c));
  }

  update(c: Candle): O | undefined {
    return this.inner.update(this.pick(c));
  }
}

/** The candle value itself (price or volume), as an indicator so rules can cross it with others. */
class Raw implements Indicator<Candle, number> {
  readonly warmup = 1;

  constructor(private readonly pick: (c: Candle) => number) {}

  close(c: Candle): number {
    return this.pick(c);
  }

  update(c: Candle): number {
    return this.pick(c);
  }
}

class PriceStochastic implements Indicator<Candle, StochValue> {
  readonly warmup: number;
  private readonly inner: StochasticOf;

  constructor(kPeriod: number, kSmooth: number, dPeriod: number) {
    this.inner = new StochasticOf(kPeriod, kSmooth, dPeriod);
    this.warmup = this.inner.warmup;
  }

  close(c: Candle): StochValue | undefined {
    return this.inner.close([c[CLOSE], c[HIGH], c[LOW]]);
  }

  update(c: Candle): StochValue | undefined {
    return this.inner.update([c[CLOSE], c[HIGH], c[LOW]]);
  }
}

const source = (s: PriceSource) => (c: Candle) => priceOf(c, s);
const volume = (c: Candle) => c[VOLUME];

/** A fresh indicator for a reference; its `output` field is ignored (see `readOutput`). */
export function createIndicator(ref: IndicatorRef): CandleIndicator {
  switch (ref.indicator) {
    case 'price':
      return new Raw(source(ref.source));
    case 'volume':
      return new Raw(volume);
    case 'sma':
      return new OnCandles(new Sma(ref.period), source(ref.source));
    case 'ema':
      return new OnCandles(new Ema(ref.period), source(ref.source));
    case 'wma':
      return new OnCandles(new Wma(ref.period), source(ref.source));
    case 'rsi':
      return new OnCandles(new Rsi(ref.period), source(ref.source));
    case 'macd':
      return new OnCandles(new Macd(ref.fast, ref.slow, ref.signal), source(ref.source));
    case 'bollinger':
      return new OnCandles(new Bollinger(ref.period, ref.stdDev), source(ref.source));
    case 'atr':
      return new Atr(ref.period);
    case 'stoch':
      return new PriceStochastic(ref.kPeriod, ref.kSmooth, ref.dPeriod);
    case 'stochrsi':
      return new OnCandles(
        new StochRsi(ref.rsiPeriod, ref.stochPeriod, ref.kSmooth, ref.dPeriod),
        source(ref.source),
      );
    case 'vwap':
      return new Vwap();
    case 'obv':
      return new Obv();
    case 'volume-sma':
      return new OnCandles(new Sma(ref.period), volume);
  }
}

/** The line a reference names out of its indicator's value (MACD signal, upper band, %D…). */
export function readOutput(ref: IndicatorRef, value: IndicatorValue): number {
  switch (ref.indicator) {
    case 'macd':
      return (value as MacdValue)[ref.output];
    case 'bollinger':
      return (value as BandsValue)[ref.output];
    case 'stoch':
    case 'stochrsi':
      return (value as StochValue)[ref.output];
    default:
      return value as number;
  }
}

/** Identity of the indicator instance a reference needs: references differing only in output share one. */
export function indicatorKey(ref: IndicatorRef): string {
  if ('output' in ref) {
    const { output: _output, ...rest } = ref;
    return JSON.stringify(rest);
  }
  return JSON.stringify(ref);
}

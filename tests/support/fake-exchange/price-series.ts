import { hash3, unit } from './hash';
import type { MarketSpec } from './markets';

/**
 * The ground truth of one symbol: a deterministic price path at 1-second resolution that never has to
 * be walked from its start. The log price is a sum of value-noise octaves (2 minutes … 3 months, with
 * amplitudes growing like a random walk's, √scale) evaluated at minute boundaries and interpolated
 * inside the minute, plus per-second jitter. Second `s` is a tiny candle: open = close of `s - 1`,
 * close from the path, wicks, volume and trade count from the hash of (symbol key, channel, s).
 *
 * Minute aggregates are computed a whole UTC day at a time and cached, so any candle of 1m or longer
 * is an aggregate of cached minutes plus at most two partial minutes of seconds.
 */

export const SECONDS_PER_DAY = 86_400;
const MINUTES_PER_DAY = 1_440;

// 2 minutes … 91 days: longer octaves would let a year of history wander too far from the base price
const OCTAVE_SCALES_S = Array.from({ length: 9 }, (_, k) => 120 * 4 ** k);
/** log-price volatility per √second: about 1.5 % a day, like a large-cap coin on a calm day */
const VOLATILITY = 5e-5;
const OCTAVE_AMPLITUDES = OCTAVE_SCALES_S.map((scale) => VOLATILITY * Math.sqrt(scale));
const JITTER = 1.2e-4;
/** trades per second stay below this, so a trade id can be `second * TRADE_ID_STRIDE + n` */
export const TRADE_ID_STRIDE = 64;

// hash channels
const CH_JITTER = 1;
const CH_WICKS = 2;
const CH_SIZES = 3;
const CH_OCTAVE = 100;
const CH_QUIET = 4;
/** thin markets: seconds go quiet in blocks this long, a quarter of the blocks */
const QUIET_BLOCK_S = 3;

/**
 * What an exchange shows for an interval without trades: a flat bar (o=h=l=c = the last price, no
 * volume) on its socket and over REST, or nothing at all. Each fake follows its exchange's rule.
 */
export type EmptyIntervals = 'pushed' | 'skipped';

/** A span of seconds aggregated: prices in ticks, volumes in steps, quote amounts in quote units. */
export type Bar = {
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
  takerBuyVolume: number;
  trades: number;
  quoteVolume: number;
  takerBuyQuoteVolume: number;
  firstSecond: number;
  lastSecond: number;
  /** trades in `lastSecond`, for the last trade id */
  lastSecondTrades: number;
};

type DayChunk = {
  /** slow log-price component at each minute boundary of the day, 1441 values (both ends) */
  slow: Float64Array;
  /** close of the second before the day starts */
  prevClose: number;
  open: Float64Array;
  high: Float64Array;
  low: Float64Array;
  close: Float64Array;
  volume: Float64Array;
  takerBuyVolume: Float64Array;
  trades: Float64Array;
  quoteVolume: Float64Array;
  takerBuyQuoteVolume: Float64Array;
  lastSecondTrades: Float64Array;
};

export function emptyBar(): Bar {
  return {
    open: 0,
    high: 0,
    low: 0,
    close: 0,
    volume: 0,
    takerBuyVolume: 0,
    trades: 0,
    quoteVolume: 0,
    takerBuyQuoteVolume: 0,
    firstSecond: -1,
    lastSecond: -1,
    lastSecondTrades: 0,
  };
}

export class PriceSeries {
  readonly spec: MarketSpec;
  /** first second of the series (inclusive); nothing traded before it */
  readonly startSecond: number;
  private readonly days = new Map<number, DayChunk>();
  private readonly priceScale: number;
  private readonly qtyScale: number;
  private readonly tick: number;
  private readonly step: number;
  private readonly logBase: number;

  /**
   * A thin market: a quarter of its 3-second blocks have no trades (the price stands still, no
   * volume), so 1s candles, and now and then longer ones, have intervals without trades.
   */
  readonly thin: boolean;
  /** the exchange's rule for intervals without trades (klines.ts `shown`) */
  readonly emptyIntervals: EmptyIntervals;
  /** [from, to) second spans in which nobody trades, whatever `thin` says (VenueFaults.noTrades) */
  private readonly quietSpans: [number, number][] = [];

  constructor(
    spec: MarketSpec,
    startSecond: number,
    thin = false,
    emptyIntervals: EmptyIntervals = 'pushed',
  ) {
    this.spec = spec;
    this.startSecond = startSecond;
    this.thin = thin;
    this.emptyIntervals = emptyIntervals;
    this.priceScale = 10 ** spec.priceDecimals;
    this.qtyScale = 10 ** spec.qtyDecimals;
    this.tick = 1 / this.priceScale;
    this.step = 1 / this.qtyScale;
    this.logBase = Math.log(spec.basePrice);
  }

  /** Whether nobody trades in this second (thin markets, and the spans of noTradesBetween). */
  quiet(second: number): boolean {
    for (const [from, to] of this.quietSpans) if (second >= from && second < to) return true;
    return this.thin && (hash3(this.spec.key, CH_QUIET, Math.floor(second / QUIET_BLOCK_S)) & 3) === 0;
  }

  /**
   * Nobody trades in the seconds [from, to): the price stands still there. Changes the truth from
   * the start, so it is set before anything has been served of that span.
   */
  noTradesBetween(fromSecond: number, toSecond: number): void {
    this.quietSpans.push([fromSecond, toSecond]);
    // Only the days from the span's first one on change (a later day opens at the last price
    // traded, which may now lie inside the span); the earlier ones stay cached. Computing a month
    // again blocked the event loop the engine under test shares for over a second on a loaded
    // machine, long enough for its streams to be found stale.
    const firstDay = Math.floor(fromSecond / SECONDS_PER_DAY);
    for (const day of [...this.days.keys()]) if (day >= firstDay) this.days.delete(day);
  }

  /** Slow log-price component at an absolute time in seconds. */
  private slowAt(second: number): number {
    let sum = this.logBase;
    const key = this.spec.key;
    for (let k = 0; k < OCTAVE_SCALES_S.length; k++) {
      const x = second / OCTAVE_SCALES_S[k]!;
      const i = Math.floor(x);
      const f = x - i;
      const a = unit(key, CH_OCTAVE + k, i) * 2 - 1;
      const b = unit(key, CH_OCTAVE + k, i + 1) * 2 - 1;
      sum += OCTAVE_AMPLITUDES[k]! * (a + (b - a) * f * f * (3 - 2 * f));
    }
    return sum;
  }

  /**
   * Close (ticks) of a second, `offset` seconds (1…60) after its minute starts. The one formula for
   * both the day cache and single seconds: they must agree to the last bit, or a forming candle could
   * differ by a tick from the same candle closed.
   */
  private closeFromParts(slowStart: number, slowStep: number, offset: number, jitterHash: number): number {
    const logPrice = slowStart + slowStep * offset + JITTER * ((jitterHash / 4294967296) * 2 - 1);
    return Math.max(1, Math.round(Math.exp(logPrice) * this.priceScale));
  }

  private closeTicks(second: number, slowStart: number, slowEnd: number): number {
    const minuteStart = Math.floor(second / 60) * 60;
    const jitterHash = hash3(this.spec.key, CH_JITTER, second);
    return this.closeFromParts(slowStart, (slowEnd - slowStart) / 60, second - minuteStart + 1, jitterHash);
  }

  /** Close of one second computed without its day chunk (used at day boundaries). */
  private closeTicksDirect(second: number): number {
    const minuteStart = Math.floor(second / 60) * 60;
    return this.closeTicks(second, this.slowAt(minuteStart), this.slowAt(minuteStart + 60));
  }

  /**
   * Adds the seconds [from, to) of one minute to `bar`. `prevClose` is the close of `from - 1`;
   * returns the close of `to - 1`. The hot loop of the whole fake exchange (a year of 1m history is
   * 31 million seconds), hence locals and three hashes per second split into 16-bit fields.
   */
  private addSeconds(bar: Bar, from: number, to: number, prevClose: number, chunk: DayChunk): number {
    const key = this.spec.key;
    const minuteOfDay = Math.floor((from % SECONDS_PER_DAY) / 60);
    const slowStart = chunk.slow[minuteOfDay]!;
    const slowStep = (chunk.slow[minuteOfDay + 1]! - slowStart) / 60;
    const minuteStart = Math.floor(from / 60) * 60;
    const volumeScale = (3 * this.spec.volumePerSecond * this.qtyScale) / 4294967296;
    const quoteScale = this.step * this.tick * 0.5;
    let first = bar.firstSecond;
    let open0 = bar.open;
    let high = bar.high;
    let low = bar.low;
    let volume = bar.volume;
    let takerBuyVolume = bar.takerBuyVolume;
    let trades = bar.trades;
    let quoteVolume = bar.quoteVolume;
    let takerBuyQuoteVolume = bar.takerBuyQuoteVolume;
    let lastTrades = bar.lastSecondTrades;
    let lastTraded = bar.lastSecond;
    let previous = prevClose;
    const mayBeQuiet = this.thin || this.quietSpans.length > 0;
    for (let s = from; s < to; s++) {
      // a second without trades: the price stands still
      if (mayBeQuiet && this.quiet(s)) continue;
      const jitterHash = hash3(key, CH_JITTER, s);
      const close = this.closeFromParts(slowStart, slowStep, s - minuteStart + 1, jitterHash);
      const open = previous;
      const wickHash = hash3(key, CH_WICKS, s);
      const sizeHash = hash3(key, CH_SIZES, s);
      const up = (wickHash >>> 16) / 65536;
      const down = (wickHash & 0xffff) / 65536;
      const top = open > close ? open : close;
      const bottom = open < close ? open : close;
      const wickScale = top * 2e-4;
      const secondHigh = top + Math.floor(up * up * up * wickScale);
      const secondLow = Math.max(1, bottom - Math.floor(down * down * down * wickScale));
      const v = sizeHash >>> 16;
      const secondVolume = 1 + Math.floor(v * v * volumeScale);
      const secondTakerBuy = Math.floor((secondVolume * (sizeHash & 0xffff)) / 65536);
      const secondTrades = 1 + (jitterHash % 24);
      const doubledPrice = open + close;
      if (first < 0) {
        first = s;
        open0 = open;
        high = secondHigh;
        low = secondLow;
      } else {
        if (secondHigh > high) high = secondHigh;
        if (secondLow < low) low = secondLow;
      }
      volume += secondVolume;
      takerBuyVolume += secondTakerBuy;
      trades += secondTrades;
      quoteVolume += secondVolume * doubledPrice * quoteScale;
      takerBuyQuoteVolume += secondTakerBuy * doubledPrice * quoteScale;
      lastTrades = secondTrades;
      lastTraded = s;
      previous = close;
    }
    bar.firstSecond = first;
    bar.open = open0;
    bar.high = high;
    bar.low = low;
    bar.close = previous;
    bar.volume = volume;
    bar.takerBuyVolume = takerBuyVolume;
    bar.trades = trades;
    bar.quoteVolume = quoteVolume;
    bar.takerBuyQuoteVolume = takerBuyQuoteVolume;
    bar.lastSecond = lastTraded;
    bar.lastSecondTrades = lastTrades;
    return previous;
  }

  private day(dayIndex: number): DayChunk {
    const cached = this.days.get(dayIndex);
    if (cached) return cached;
    const minute0 = dayIndex * MINUTES_PER_DAY;
    const slow = new Float64Array(MINUTES_PER_DAY + 1);
    for (let j = 0; j <= MINUTES_PER_DAY; j++) slow[j] = this.slowAt((minute0 + j) * 60);
    const daySecond = dayIndex * SECONDS_PER_DAY;
    const chunk: DayChunk = {
      slow,
      prevClose: this.closeOf(daySecond - 1),
      open: new Float64Array(MINUTES_PER_DAY),
      high: new Float64Array(MINUTES_PER_DAY),
      low: new Float64Array(MINUTES_PER_DAY),
      close: new Float64Array(MINUTES_PER_DAY),
      volume: new Float64Array(MINUTES_PER_DAY),
      takerBuyVolume: new Float64Array(MINUTES_PER_DAY),
      trades: new Float64Array(MINUTES_PER_DAY),
      quoteVolume: new Float64Array(MINUTES_PER_DAY),
      takerBuyQuoteVolume: new Float64Array(MINUTES_PER_DAY),
      lastSecondTrades: new Float64Array(MINUTES_PER_DAY),
    };
    let previous = chunk.prevClose;
    const bar = emptyBar();
    for (let j = 0; j < MINUTES_PER_DAY; j++) {
      Object.assign(bar, emptyBar());
      const from = daySecond + j * 60;
      previous = this.addSeconds(bar, from, from + 60, previous, chunk);
      chunk.open[j] = bar.open;
      chunk.high[j] = bar.high;
      chunk.low[j] = bar.low;
      chunk.close[j] = bar.close;
      chunk.volume[j] = bar.volume;
      chunk.takerBuyVolume[j] = bar.takerBuyVolume;
      chunk.trades[j] = bar.trades;
      chunk.quoteVolume[j] = bar.quoteVolume;
      chunk.takerBuyQuoteVolume[j] = bar.takerBuyQuoteVolume;
      chunk.lastSecondTrades[j] = bar.lastSecondTrades;
    }
    this.days.set(dayIndex, chunk);
    return chunk;
  }

  /** Close (ticks) of one second, whether or not it is inside the series (a quiet one: the last trade's). */
  closeOf(second: number): number {
    while (this.quiet(second)) second--;
    const dayIndex = Math.floor(second / SECONDS_PER_DAY);
    const chunk = this.days.get(dayIndex);
    if (!chunk) return this.closeTicksDirect(second);
    const minuteOfDay = Math.floor((second - dayIndex * SECONDS_PER_DAY) / 60);
    return this.closeTicks(second, chunk.slow[minuteOfDay]!, chunk.slow[minuteOfDay + 1]!);
  }

  private addPartialMinute(bar: Bar, from: number, to: number): void {
    const dayIndex = Math.floor(from / SECONDS_PER_DAY);
    const chunk = this.day(dayIndex);
    const prevClose = from === dayIndex * SECONDS_PER_DAY ? chunk.prevClose : this.closeOf(from - 1);
    this.addSeconds(bar, from, to, prevClose, chunk);
  }

  private addMinute(bar: Bar, minute: number): void {
    const dayIndex = Math.floor(minute / MINUTES_PER_DAY);
    const chunk = this.day(dayIndex);
    const j = minute - dayIndex * MINUTES_PER_DAY;
    if (chunk.trades[j] === 0) return; // a minute without trades (thin markets) adds nothing
    const high = chunk.high[j]!;
    const low = chunk.low[j]!;
    if (bar.firstSecond < 0) {
      bar.open = chunk.open[j]!;
      bar.high = high;
      bar.low = low;
      bar.firstSecond = minute * 60;
    } else {
      if (high > bar.high) bar.high = high;
      if (low < bar.low) bar.low = low;
    }
    bar.close = chunk.close[j]!;
    bar.volume += chunk.volume[j]!;
    bar.takerBuyVolume += chunk.takerBuyVolume[j]!;
    bar.trades += chunk.trades[j]!;
    bar.quoteVolume += chunk.quoteVolume[j]!;
    bar.takerBuyQuoteVolume += chunk.takerBuyQuoteVolume[j]!;
    let last = minute * 60 + 59;
    while (this.quiet(last)) last--;
    bar.lastSecond = last;
    bar.lastSecondTrades = chunk.lastSecondTrades[j]!;
  }

  /**
   * Aggregate of the seconds [from, to) that belong to the series, or null if there are none.
   * Whole minutes come from the day cache, the partial minutes at the edges from their seconds.
   */
  aggregate(from: number, to: number): Bar | null {
    const start = Math.max(from, this.startSecond);
    if (start >= to) return null;
    const bar = emptyBar();
    let s = start;
    const firstBoundary = Math.ceil(s / 60) * 60;
    if (s < firstBoundary) {
      const end = Math.min(firstBoundary, to);
      this.addPartialMinute(bar, s, end);
      s = end;
    }
    while (s + 60 <= to) {
      this.addMinute(bar, s / 60);
      s += 60;
    }
    if (s < to) this.addPartialMinute(bar, s, to);
    return bar;
  }

  tickToNumber(ticks: number): number {
    return ticks / this.priceScale;
  }

  stepToNumber(steps: number): number {
    return steps / this.qtyScale;
  }
}

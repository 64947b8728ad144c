import type { Candle, Trade } from '../../../../shared/domain/market';
import { hash32, RandomWalk, unit } from './random-walk';

export type SimMarketSpec = {
  symbol: string;
  base: string;
  quote: string;
  /** price on 2025-01-01; the walk wanders from there */
  price: number;
  tick: number;
  /** standard deviation of the log price per √second */
  volatility: number;
  /** mean traded base amount per second */
  volume: number;
};

export const SIM_MARKETS: readonly SimMarketSpec[] = [
  {
    symbol: 'BTC/USDT',
    base: 'BTC',
    quote: 'USDT',
    price: 95_000,
    tick: 0.01,
    volatility: 0.0001,
    volume: 0.5,
  },
  {
    symbol: 'ETH/USDT',
    base: 'ETH',
    quote: 'USDT',
    price: 3_300,
    tick: 0.01,
    volatility: 0.00013,
    volume: 8,
  },
  { symbol: 'SOL/USDT', base: 'SOL', quote: 'USDT', price: 190, tick: 0.01, volatility: 0.00018, volume: 60 },
  { symbol: 'BNB/USDT', base: 'BNB', quote: 'USDT', price: 680, tick: 0.01, volatility: 0.00012, volume: 5 },
  {
    symbol: 'XRP/USDT',
    base: 'XRP',
    quote: 'USDT',
    price: 2.2,
    tick: 0.0001,
    volatility: 0.00018,
    volume: 20_000,
  },
  {
    symbol: 'DOGE/USDT',
    base: 'DOGE',
    quote: 'USDT',
    price: 0.32,
    tick: 0.00001,
    volatility: 0.0002,
    volume: 150_000,
  },
  {
    symbol: 'ADA/USDT',
    base: 'ADA',
    quote: 'USDT',
    price: 0.9,
    tick: 0.0001,
    volatility: 0.00018,
    volume: 30_000,
  },
  {
    symbol: 'LINK/USDT',
    base: 'LINK',
    quote: 'USDT',
    price: 20,
    tick: 0.001,
    volatility: 0.00017,
    volume: 400,
  },
  {
    symbol: 'ETH/BTC',
    base: 'ETH',
    quote: 'BTC',
    price: 0.035,
    tick: 0.00001,
    volatility: 0.00008,
    volume: 10,
  },
];

const REFERENCE_TIME = Date.UTC(2025, 0, 1);
const HOUR = 3_600_000;

/** Aggregate in integer price ticks, so rounding happens once per candle. */
type TickCandle = { open: number; high: number; low: number; close: number; volume: number };

/**
 * One simulated market: a trade every `tickMs` at a price from a seeded random walk, rounded to the
 * market's price tick. A candle is the aggregate of the trades inside it, so a forming candle only
 * grows towards its final value and every timeframe agrees with the others.
 */
export class SimMarket {
  private readonly walk: RandomWalk;
  private readonly volumeSeed: number;
  private readonly referenceW: number;
  private readonly sigma: number;
  private readonly decimals: number;
  private readonly hours = new Map<number, TickCandle>();

  constructor(
    readonly spec: SimMarketSpec,
    seed: number,
    readonly tickMs: number,
  ) {
    const marketSeed = hash32(
      seed,
      11,
      [...spec.symbol].reduce((h, ch) => h * 31 + ch.charCodeAt(0), 7),
    );
    this.walk = new RandomWalk(marketSeed);
    this.volumeSeed = hash32(marketSeed, 13, 0);
    this.sigma = spec.volatility * Math.sqrt(tickMs / 1000);
    this.referenceW = this.walk.at(Math.floor(REFERENCE_TIME / tickMs));
    this.decimals = Math.max(0, Math.ceil(-Math.log10(spec.tick) - 1e-9));
  }

  /** the trade price at `step` (time step·tickMs), in price ticks */
  private ticksAt(step: number): number {
    return Math.round(
      (this.spec.price * Math.exp(this.sigma * (this.walk.at(step) - this.referenceW))) / this.spec.tick,
    );
  }

  private volumeAt(step: number): number {
    return this.spec.volume * (this.tickMs / 1000) * (0.25 + 1.5 * unit(hash32(this.volumeSeed, 1, step)));
  }

  price(ticks: number): number {
    return Number((ticks * this.spec.tick).toFixed(this.decimals));
  }

  /** The simulated trade at `step`: a taker buy when the price ticked up (or stayed), a sell otherwise. */
  tradeAt(step: number): Trade {
    const ticks = this.ticksAt(step);
    return {
      time: step * this.tickMs,
      price: this.price(ticks),
      amount: round8(this.volumeAt(step)),
      side: ticks >= this.ticksAt(step - 1) ? 'buy' : 'sell',
    };
  }

  /** last trade price at `now` */
  lastPrice(now: number): number {
    return this.price(this.ticksAt(Math.floor(now / this.tickMs)));
  }

  /** The candle opening at `openTime` as of `now` (forming if it has not ended), or null if not opened. */
  candle(openTime: number, durationMs: number, now: number): Candle | null {
    const agg = this.aggregate(openTime, openTime + durationMs, now);
    return (
      agg && [
        openTime,
        this.price(agg.open),
        this.price(agg.high),
        this.price(agg.low),
        this.price(agg.close),
        round8(agg.volume),
      ]
    );
  }

  /** base volume traded in [from, to) as of `now`, and the quote volume at each hour's close */
  quoteVolume(from: number, to: number, now: number): number {
    let quote = 0;
    for (let t = Math.floor(from / HOUR) * HOUR; t < to; t += HOUR) {
      const h = this.aggregate(t, t + HOUR, now);
      if (h) quote += h.volume * this.price(h.close);
    }
    return quote;
  }

  private aggregate(from: number, to: number, now: number): TickCandle | null {
    if (from > now) return null;
    if (to - from >= HOUR && from % HOUR === 0 && (to - from) % HOUR === 0) {
      let acc: TickCandle | null = null;
      for (let t = from; t < to && t <= now; t += HOUR) acc = combine(acc, this.hour(t, now));
      return acc;
    }
    return this.fromSteps(from, to, now);
  }

  private hour(start: number, now: number): TickCandle | null {
    const complete = start + HOUR - this.tickMs <= now;
    if (!complete) return this.fromSteps(start, start + HOUR, now);
    const key = start / HOUR;
    let h = this.hours.get(key);
    if (!h) {
      h = this.fromSteps(start, start + HOUR, now)!;
      if (this.hours.size >= 20_000) this.hours.delete(this.hours.keys().next().value!);
      this.hours.set(key, h);
    }
    return h;
  }

  private fromSteps(from: number, to: number, now: number): TickCandle | null {
    const first = Math.ceil(from / this.tickMs);
    const last = Math.min(Math.ceil(to / this.tickMs) - 1, Math.floor(now / this.tickMs));
    if (last < first) return null;
    const open = this.ticksAt(first);
    let high = open;
    let low = open;
    let close = open;
    let volume = 0;
    for (let s = first; s <= last; s++) {
      close = s === first ? open : this.ticksAt(s);
      if (close > high) high = close;
      if (close < low) low = close;
      volume += this.volumeAt(s);
    }
    return { open, high, low, close, volume };
  }
}

function combine(a: TickCandle | null, b: TickCandle | null): TickCandle | null {
  if (!a || !b) return a ?? b;
  return {
    open: a.open,
    high: Math.max(a.high, b.high),
    low: Math.min(a.low, b.low),
    close: b.close,
    volume: a.volume + b.volume,
  };
}

function round8(v: number): number {
  return Math.round(v * 1e8) / 1e8;
}

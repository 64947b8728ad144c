import { MarketDataError } from '../../base/classify-error';
import { z } from 'zod';
import type { ExchangeCapabilities, MarketInfo } from '../../../../shared/domain/exchange';
import type { Candle, OrderBook, Ticker, Trade } from '../../../../shared/domain/market';
import { alignTime, isTimeframe, timeframeMs } from '../../../../shared/timeframe';
import type { Clock, TimerHandle } from '../../base/clock';
import { aggregatedTimeframes } from '../capabilities';
import { readSince } from '../candle-cache';
import {
  type BookBatch,
  type CandleBatch,
  type MarketSource,
  type TickerBatch,
  type TradesBatch,
} from '../market-source';
import { SIM_MARKETS, SimMarket } from './sim-market';

export const SIM_EXCHANGE_ID = 'sim';

/** `exchanges.sim.ccxt` in the settings: the simulator has no ccxt, these are its knobs. */
export const simOptionsSchema = z
  .object({
    seed: z.number().int().default(1),
    /** one trade every tickMs: the simulation's speed */
    tickMs: z
      .union([z.literal(100), z.literal(200), z.literal(250), z.literal(500), z.literal(1000)])
      .default(1000),
    /** a subset of the simulated markets; all of them when absent */
    symbols: z.array(z.string()).optional(),
  })
  .strict();
export type SimOptions = z.input<typeof simOptionsSchema>;

const NATIVE_TIMEFRAMES = ['1s', '1m', '3m', '5m', '15m', '30m', '1h', '2h', '4h'];
/** like ccxt's per-series cache: a watcher that fell further behind sees a jump and backfills */
const CACHE_CANDLES = 100;
const MAX_CANDLES_PER_REQUEST = 1000;
/** REST answers yield to the event loop after this many simulated trades */
const STEPS_PER_SLICE = 200_000;

type Waiter = { run: () => void; fail: (err: Error) => void; key: string };

/** A candle subscription: like ccxt's per-series cache, filled only while the "socket" delivers. */
type CandleSub = {
  market: SimMarket;
  timeframe: string;
  ms: number;
  cache: Candle[];
  /** when it last received a trade: a longer silence means the "socket" missed updates */
  servedAt: number;
  waiter: { from: number | undefined; resolve: (b: CandleBatch) => void; reject: (e: Error) => void } | null;
};

/**
 * A deterministic market that needs no network: the default exchange, the demo, and a stand-in
 * for ccxt in tests of everything downstream. Same MarketSource interface as a ccxt exchange: watch
 * calls resolve on the next simulated trade, REST calls answer from the same walk, and `reconnect`
 * drops the "socket" of a symbol, or of all (pending watches fail, the connection number changes).
 */
export class SimSource implements MarketSource {
  readonly id = SIM_EXCHANGE_ID;
  readonly name = 'Simulated exchange';
  readonly simulated = true;
  readonly sandbox = false;
  marketsLoadedAt: number | null = null;
  private readonly byName = new Map<string, SimMarket>();
  private readonly infos: MarketInfo[];
  private readonly tickMs: number;
  private waiters: Waiter[] = [];
  private readonly subs = new Map<string, CandleSub>();
  private timer: TimerHandle | null = null;
  /** one simulated socket per symbol, so dropping one leaves the others alone */
  private readonly connections = new Map<string, number>();
  private closed = false;

  constructor(
    options: unknown,
    private readonly clock: Clock,
  ) {
    const parsed = simOptionsSchema.safeParse(options ?? {});
    if (!parsed.success) {
      throw new MarketDataError(
        'rejected',
        `sim settings: ${z.prettifyError(parsed.error).replace(/\n/g, '; ')}`,
      );
    }
    const { seed, tickMs, symbols } = parsed.data;
    this.tickMs = tickMs;
    const specs = symbols ? SIM_MARKETS.filter((m) => symbols.includes(m.symbol)) : SIM_MARKETS;
    const unknown = (symbols ?? []).filter((s) => !SIM_MARKETS.some((m) => m.symbol === s));
    if (unknown.length > 0) {
      throw new MarketDataError(
        'bad-symbol',
        `sim has no market ${unknown.join(', ')}; it simulates ${SIM_MARKETS.map((m) => m.symbol).join(', ')}`,
      );
    }
    for (const spec of specs) this.byName.set(spec.symbol, new SimMarket(spec, seed, tickMs));
    this.infos = specs.map((s) => ({
      symbol: s.symbol,
      base: s.base,
      quote: s.quote,
      type: 'spot',
      active: true,
      priceTick: s.tick,
      priceDecimals: Math.max(0, Math.ceil(-Math.log10(s.tick) - 1e-9)),
      amountDecimals: 4,
    }));
  }

  async loadMarkets(): Promise<void> {
    this.marketsLoadedAt ??= this.clock.now();
  }

  markets(): readonly MarketInfo[] {
    return this.infos;
  }

  market(symbol: string): MarketInfo | undefined {
    return this.infos.find((m) => m.symbol === symbol);
  }

  capabilities(): ExchangeCapabilities {
    const timeframes = NATIVE_TIMEFRAMES.filter((tf) => timeframeMs(tf) % this.tickMs === 0);
    return {
      websocketOhlcv: true,
      multiSymbolOhlcv: false,
      unwatch: true,
      timeframes,
      aggregatedTimeframes: aggregatedTimeframes(timeframes),
      websocketTicker: true,
      websocketOrderBook: true,
      websocketTrades: true,
      orderBook: true,
      closedFlag: false,
      emptyIntervals: 'pushed',
      maxCandlesPerRequest: MAX_CANDLES_PER_REQUEST,
      // The simulator pushes every tick, traded or not, on UTC bars.
      facts: {
        closedFlagSent: false,
        pushesQuietIntervals: true,
        candlePushMs: this.tickMs,
        maxStreamsPerSocket: null,
        subscribesPerSecond: null,
        barAlignment: 'utc',
        oneSecondCandles: timeframes.includes('1s'),
        bookChecksum: false,
      },
    };
  }

  watchCandles(symbol: string, timeframe: string, fromOpenTime: number | undefined): Promise<CandleBatch> {
    const market = this.need(symbol);
    const ms = this.needTimeframe(timeframe);
    if (this.closed) return Promise.reject(new MarketDataError('network', 'sim: closed'));
    const key = `${symbol}|${timeframe}`;
    let sub = this.subs.get(key);
    if (!sub) {
      const now = this.clock.now();
      const first = market.candle(alignTime(now, timeframe), ms, now);
      sub = { market, timeframe, ms, cache: first ? [first] : [], servedAt: now, waiter: null };
      this.subs.set(key, sub);
    }
    const target = sub;
    return new Promise((resolve, reject) => {
      target.waiter?.reject(new MarketDataError('network', 'sim: watched twice'));
      target.waiter = { from: fromOpenTime, resolve, reject };
      this.schedule();
    });
  }

  async unwatchCandles(symbol: string, timeframe: string): Promise<void> {
    const sub = this.subs.get(`${symbol}|${timeframe}`);
    this.subs.delete(`${symbol}|${timeframe}`);
    sub?.waiter?.reject(new MarketDataError('network', 'sim: unsubscribed'));
  }

  async fetchCandles(symbol: string, timeframe: string, since: number, limit: number): Promise<Candle[]> {
    const m = this.need(symbol);
    const ms = this.needTimeframe(timeframe);
    const now = this.clock.now();
    const out: Candle[] = [];
    let steps = 0;
    for (
      let t = alignTime(since, timeframe);
      t <= now && out.length < Math.min(limit, MAX_CANDLES_PER_REQUEST);
      t += ms
    ) {
      const c = m.candle(t, ms, now);
      if (c) out.push(c);
      steps += ms / this.tickMs;
      if (steps >= STEPS_PER_SLICE) {
        steps = 0;
        await new Promise((r) => setImmediate(r));
      }
    }
    return out;
  }

  watchTicker(symbol: string): Promise<TickerBatch> {
    this.need(symbol);
    return this.next(`t|${symbol}`, () => ({
      ticker: this.ticker(symbol),
      connection: this.connectionOf(symbol),
    }));
  }

  async unwatchTicker(symbol: string): Promise<void> {
    this.drop(`t|${symbol}`);
  }

  async fetchTicker(symbol: string): Promise<Ticker> {
    this.need(symbol);
    return this.ticker(symbol);
  }

  watchOrderBook(symbol: string, depth: number): Promise<BookBatch> {
    this.need(symbol);
    return this.next(`b|${symbol}`, () => ({
      book: this.book(symbol, depth),
      connection: this.connectionOf(symbol),
    }));
  }

  async unwatchOrderBook(symbol: string): Promise<void> {
    this.drop(`b|${symbol}`);
  }

  async fetchOrderBook(symbol: string, depth: number): Promise<Omit<OrderBook, 'synced'>> {
    this.need(symbol);
    return this.book(symbol, depth);
  }

  watchTrades(symbol: string): Promise<TradesBatch> {
    const m = this.need(symbol);
    return this.next(`r|${symbol}`, () => ({
      trades: [m.tradeAt(Math.floor(this.clock.now() / this.tickMs))],
      connection: this.connectionOf(symbol),
    }));
  }

  async unwatchTrades(symbol: string): Promise<void> {
    this.drop(`r|${symbol}`);
  }

  async fetchTrades(symbol: string, limit: number): Promise<Trade[]> {
    const m = this.need(symbol);
    const step = Math.floor(this.clock.now() / this.tickMs);
    return Array.from({ length: limit }, (_, i) => m.tradeAt(step - limit + 1 + i));
  }

  async restWindowClear(): Promise<void> {}

  restBlockedForMs(): number {
    return 0;
  }

  reconnect(symbol?: string): void {
    const dropped = (s: string) => symbol === undefined || s === symbol;
    for (const m of this.byName.keys()) if (dropped(m)) this.connections.set(m, this.connectionOf(m) + 1);
    const error = new MarketDataError('network', 'sim: connection dropped');
    const [failed, kept] = partition(this.waiters, (w) => dropped(w.key.split('|')[1]!));
    this.waiters = kept;
    for (const w of failed) w.fail(error);
    for (const sub of this.subs.values()) {
      if (!dropped(sub.market.spec.symbol)) continue;
      sub.waiter?.reject(error);
      sub.waiter = null;
    }
  }

  private connectionOf(symbol: string): number {
    return this.connections.get(symbol) ?? 1;
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) this.clock.clearTimeout(this.timer);
    this.timer = null;
    this.reconnect();
  }

  private ticker(symbol: string): Ticker {
    const m = this.byName.get(symbol)!;
    const now = this.clock.now();
    const last = m.lastPrice(now);
    const dayAgo = m.lastPrice(now - 86_400_000);
    const half = m.spec.tick * 2;
    return {
      exchange: this.id,
      symbol,
      time: Math.floor(now / this.tickMs) * this.tickMs,
      last,
      bid: m.price(Math.round((last - half) / m.spec.tick)),
      ask: m.price(Math.round((last + half) / m.spec.tick)),
      changePercent24h: Math.round((last / dayAgo - 1) * 10_000) / 100,
      quoteVolume24h: Math.round(m.quoteVolume(now - 86_400_000, now, now)),
    };
  }

  private book(symbol: string, depth: number): Omit<OrderBook, 'synced'> {
    const m = this.byName.get(symbol)!;
    const now = this.clock.now();
    const lastTicks = Math.round(m.lastPrice(now) / m.spec.tick);
    const step = Math.floor(now / this.tickMs);
    const level = (i: number, side: 1 | -1): [number, number] => {
      const amount = m.spec.volume * (0.2 + ((Math.imul(step + 31 * i, 2654435761) >>> 0) % 1000) / 250);
      return [m.price(lastTicks + side * (2 + i)), Math.round(amount * 1e4) / 1e4];
    };
    return {
      exchange: this.id,
      symbol,
      time: step * this.tickMs,
      bids: Array.from({ length: depth }, (_, i) => level(i, -1)),
      asks: Array.from({ length: depth }, (_, i) => level(i, 1)),
    };
  }

  private need(symbol: string): SimMarket {
    const m = this.byName.get(symbol);
    if (!m) {
      throw new MarketDataError(
        'bad-symbol',
        `sim has no market "${symbol}"; it simulates ${[...this.byName.keys()].join(', ')}`,
      );
    }
    return m;
  }

  private needTimeframe(timeframe: string): number {
    if (!isTimeframe(timeframe) || !this.capabilities().timeframes.includes(timeframe)) {
      throw new MarketDataError(
        'bad-timeframe',
        `sim does not serve ${timeframe} candles; it serves ${this.capabilities().timeframes.join(', ')}`,
      );
    }
    return timeframeMs(timeframe);
  }

  /** Resolves with `make()` at the next simulated trade. */
  private next<T>(key: string, make: () => T): Promise<T> {
    if (this.closed) return Promise.reject(new MarketDataError('network', 'sim: closed'));
    return new Promise<T>((resolve, reject) => {
      this.waiters.push({ key, run: () => resolve(make()), fail: reject });
      this.schedule();
    });
  }

  private drop(key: string): void {
    const [dropped, kept] = partition(this.waiters, (w) => w.key === key);
    this.waiters = kept;
    for (const w of dropped) w.fail(new MarketDataError('network', 'sim: unsubscribed'));
  }

  /** One timer for everything: at each simulated trade, subscriptions and watchers are served. */
  private schedule(): void {
    if (this.timer || this.closed) return;
    const now = this.clock.now();
    const nextTrade = (Math.floor(now / this.tickMs) + 1) * this.tickMs;
    this.timer = this.clock.setTimeout(() => {
      this.timer = null;
      this.trade();
      if (this.subs.size > 0 || this.waiters.length > 0) this.schedule();
    }, nextTrade - now);
  }

  private trade(): void {
    const now = this.clock.now();
    for (const sub of this.subs.values()) {
      // Timers stop while the machine sleeps: a socket that missed trades never sent the final
      // update of the candle it was on, exactly like a real one (the feed must backfill it).
      const continuous = now - sub.servedAt <= 2 * this.tickMs;
      sub.servedAt = now;
      const newest = alignTime(now, sub.timeframe);
      const last = sub.cache.at(-1);
      if (last && last[0] < newest && continuous)
        sub.cache[sub.cache.length - 1] = sub.market.candle(last[0], sub.ms, now)!;
      const current = sub.market.candle(newest, sub.ms, now);
      if (current) {
        if (sub.cache.at(-1)?.[0] === newest) sub.cache[sub.cache.length - 1] = current;
        else sub.cache.push(current);
      }
      if (sub.cache.length > CACHE_CANDLES) sub.cache.splice(0, sub.cache.length - CACHE_CANDLES);
      const w = sub.waiter;
      if (w) {
        sub.waiter = null;
        w.resolve({
          candles: readSince(sub.cache, w.from),
          connection: this.connectionOf(sub.market.spec.symbol),
        });
      }
    }
    const due = this.waiters;
    this.waiters = [];
    for (const w of due) w.run();
  }
}

function partition<T>(items: T[], pick: (t: T) => boolean): [T[], T[]] {
  const yes: T[] = [];
  const no: T[] = [];
  for (const i of items) (pick(i) ? yes : no).push(i);
  return [yes, no];
}

import { MarketDataError } from '../../src/main/core/base/classify-error';
import { quirksOf } from '../../src/main/core/exchange/exchange-quirks';
import type { ExchangeCapabilities, MarketInfo } from '../../src/shared/domain/exchange';
import type { Candle, OrderBook, Ticker, Trade } from '../../src/shared/domain/market';
import { readSince } from '../../src/main/core/exchange/candle-cache';
import {
  type BookBatch,
  type CandleBatch,
  type MarketSource,
  type TickerBatch,
  type TradesBatch,
} from '../../src/main/core/exchange/market-source';
import { sleep, type Clock } from '../../src/main/core/base/clock';

type Pending<T> = { resolve: (v: T) => void; reject: (e: unknown) => void; from?: number | undefined };

/**
 * A MarketSource a unit test drives by hand, with ccxt's semantics where they matter: a watch
 * resolves only on an update sent after it was called, updates land in a per-series cache the
 * next wake reads from, a dropped connection rejects pending watches and changes the connection
 * number, and REST answers from a "truth" series the test sets.
 */
export class ScriptedSource implements MarketSource {
  readonly id: string;
  readonly name: string;
  readonly simulated = false;
  readonly sandbox = false;
  marketsLoadedAt: number | null = null;
  connection = 1;
  blockedUntil = 0;
  loadError: unknown = null;
  readonly fetchLog: Array<{
    symbol: string;
    timeframe: string;
    since: number;
    limit: number;
    priority: number;
    at: number;
  }> = [];
  /** REST calls made while a Retry-After window was open: must stay empty */
  readonly violations: string[] = [];
  readonly unwatched: string[] = [];
  readonly failFetches: unknown[] = [];
  private retryAfterMs = 0;
  private readonly caches = new Map<string, Candle[]>();
  private readonly rest = new Map<string, Candle[]>();
  private readonly candleWatch = new Map<string, Pending<CandleBatch>>();
  private readonly tickerWatch = new Map<string, Pending<TickerBatch>>();
  private readonly caps: ExchangeCapabilities;
  private readonly infos: MarketInfo[];

  constructor(
    private readonly clock: Clock,
    opts: {
      id?: string;
      symbols: string[];
      timeframes?: string[];
      websocketOhlcv?: boolean;
      pageLimit?: number;
      /**
       * false: the exchange is silent while nothing trades (a silent stream is asked about over
       * REST before it is called stale); default true, as `emptyIntervals: 'pushed'` says
       */
      pushesQuietIntervals?: boolean;
    },
  ) {
    this.id = opts.id ?? 'scripted';
    this.name = 'Scripted';
    const timeframes = opts.timeframes ?? ['1m', '5m', '1h'];
    this.caps = {
      websocketOhlcv: opts.websocketOhlcv ?? true,
      multiSymbolOhlcv: false,
      unwatch: true,
      timeframes,
      aggregatedTimeframes: ['15m', '4h'].filter((tf) => !timeframes.includes(tf)),
      websocketTicker: true,
      websocketOrderBook: true,
      websocketTrades: true,
      orderBook: true,
      closedFlag: false,
      emptyIntervals: opts.pushesQuietIntervals === false ? 'skipped' : 'pushed',
      maxCandlesPerRequest: opts.pageLimit ?? 1000,
      facts: { ...quirksOf(this.id).facts, pushesQuietIntervals: opts.pushesQuietIntervals ?? true },
    };
    this.infos = opts.symbols.map((symbol) => {
      const [base = '', quote = ''] = symbol.split('/');
      return {
        symbol,
        base,
        quote,
        type: 'spot',
        active: true,
        priceTick: 0.01,
        priceDecimals: 2,
        amountDecimals: 4,
      };
    });
  }

  /** what REST klines answer for a series (closed candles and, last, the forming one) */
  setRest(symbol: string, timeframe: string, candles: Candle[]): void {
    this.rest.set(`${symbol}|${timeframe}`, candles);
  }

  /** the next REST call answers 429 with Retry-After `ms` */
  rateLimitNextFetch(ms: number): void {
    this.retryAfterMs = ms;
  }

  /** a websocket update: into the cache, and wakes the pending watch if there is one */
  send(symbol: string, timeframe: string, candle: Candle): void {
    const key = `${symbol}|${timeframe}`;
    const cache = this.caches.get(key) ?? [];
    const i = cache.findIndex((c) => c[0] === candle[0]);
    if (i >= 0) cache[i] = [...candle];
    else cache.push([...candle]);
    this.caches.set(key, cache);
    const w = this.candleWatch.get(key);
    if (w) {
      this.candleWatch.delete(key);
      w.resolve({ candles: readSince(cache, w.from), connection: this.connection });
    }
  }

  /** rejects the pending watch of a series (a malformed frame does that to every watch on the socket) */
  failWatch(symbol: string, timeframe: string, error: unknown): void {
    const w = this.candleWatch.get(`${symbol}|${timeframe}`);
    this.candleWatch.delete(`${symbol}|${timeframe}`);
    w?.reject(error);
  }

  /** the socket is replaced without any pending watch failing (ccxt's silent reconnect) */
  replaceSocketSilently(): void {
    this.connection++;
  }

  pendingWatches(): string[] {
    return [...this.candleWatch.keys()];
  }

  /** how long loadMarkets takes on the clock (a large exchange on a busy machine) */
  loadMarketsTakesMs = 0;

  async loadMarkets(): Promise<void> {
    if (this.loadMarketsTakesMs > 0) await sleep(this.clock, this.loadMarketsTakesMs);
    if (this.loadError) throw this.loadError;
    this.marketsLoadedAt ??= this.clock.now();
  }

  markets(): readonly MarketInfo[] {
    return this.infos;
  }

  market(symbol: string): MarketInfo | undefined {
    return this.infos.find((m) => m.symbol === symbol);
  }

  capabilities(): ExchangeCapabilities {
    return this.caps;
  }

  watchCandles(symbol: string, timeframe: string, from: number | undefined): Promise<CandleBatch> {
    return new Promise((resolve, reject) =>
      this.candleWatch.set(`${symbol}|${timeframe}`, { resolve, reject, from }),
    );
  }

  async unwatchCandles(symbol: string, timeframe: string): Promise<void> {
    this.unwatched.push(`${symbol}|${timeframe}`);
    this.failWatch(symbol, timeframe, new MarketDataError('network', 'unsubscribed'));
  }

  async fetchCandles(
    symbol: string,
    timeframe: string,
    since: number,
    limit: number,
    priority: number,
  ): Promise<Candle[]> {
    const at = this.clock.now();
    this.fetchLog.push({ symbol, timeframe, since, limit, priority, at });
    if (at < this.blockedUntil)
      this.violations.push(`REST call at ${at} inside a window ending ${this.blockedUntil}`);
    await Promise.resolve();
    if (this.retryAfterMs > 0) {
      // What CcxtSource's gate does with a 429: no REST call until Retry-After has passed.
      this.blockedUntil = at + this.retryAfterMs;
      this.retryAfterMs = 0;
      throw new MarketDataError(
        'rate-limited',
        `429 Too Many Requests, Retry-After ${this.blockedUntil - at} ms`,
      );
    }
    const failure = this.failFetches.shift();
    if (failure) throw failure;
    const all = this.rest.get(`${symbol}|${timeframe}`) ?? [];
    return all
      .filter((c) => c[0] >= since)
      .slice(0, Math.min(limit, this.caps.maxCandlesPerRequest))
      .map((c) => [...c] as Candle);
  }

  watchTicker(symbol: string): Promise<TickerBatch> {
    return new Promise((resolve, reject) => this.tickerWatch.set(symbol, { resolve, reject }));
  }

  sendTicker(ticker: Ticker): void {
    const w = this.tickerWatch.get(ticker.symbol);
    this.tickerWatch.delete(ticker.symbol);
    w?.resolve({ ticker, connection: this.connection });
  }

  async unwatchTicker(symbol: string): Promise<void> {
    this.unwatched.push(`${symbol}|ticker`);
    this.tickerWatch.get(symbol)?.reject(new MarketDataError('network', 'unsubscribed'));
    this.tickerWatch.delete(symbol);
  }

  async fetchTicker(symbol: string): Promise<Ticker> {
    return {
      exchange: this.id,
      symbol,
      time: this.clock.now(),
      last: 1,
      bid: null,
      ask: null,
      changePercent24h: null,
      quoteVolume24h: null,
    };
  }

  watchOrderBook(): Promise<BookBatch> {
    return new Promise(() => {});
  }

  async unwatchOrderBook(): Promise<void> {}

  async fetchOrderBook(symbol: string): Promise<Omit<OrderBook, 'synced'>> {
    return { exchange: this.id, symbol, time: this.clock.now(), bids: [], asks: [] };
  }

  watchTrades(): Promise<TradesBatch> {
    return new Promise(() => {});
  }

  async unwatchTrades(): Promise<void> {}

  async fetchTrades(): Promise<Trade[]> {
    return [];
  }

  /** candle subscriptions (`symbol|timeframe`) still waiting their turn to be sent, and since when */
  readonly waitingToSubscribe = new Map<string, number>();

  subscriptionWaitingSince(channel: 'candles' | 'ticker', symbol: string, timeframe?: string): number | null {
    return channel === 'candles' ? (this.waitingToSubscribe.get(`${symbol}|${timeframe}`) ?? null) : null;
  }

  async restWindowClear(): Promise<void> {}

  restBlockedForMs(): number {
    return Math.max(0, this.blockedUntil - this.clock.now());
  }

  reconnect(): void {
    this.connection++;
    const error = new MarketDataError('network', 'connection dropped');
    for (const w of this.candleWatch.values()) w.reject(error);
    for (const w of this.tickerWatch.values()) w.reject(error);
    this.candleWatch.clear();
    this.tickerWatch.clear();
  }

  async close(): Promise<void> {
    this.reconnect();
  }
}

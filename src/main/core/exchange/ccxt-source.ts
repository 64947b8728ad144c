import type { Exchange, OrderBook as CcxtOrderBook, Ticker as CcxtTicker, Trade as CcxtTrade } from 'ccxt';
import type { ExchangeCapabilities, MarketInfo } from '../../../shared/domain/exchange';
import type { Candle, OrderBook, Ticker, Trade } from '../../../shared/domain/market';
import { retryAfterMs } from '../base/backoff';
import type { Clock } from '../base/clock';
import type { Logger } from '../base/log';
import { capabilitiesFromCcxt } from './capabilities';
import {
  DEFAULT_RATE_LIMIT_PAUSE_MS,
  errorKindOfCode,
  quirkError,
  quirksOf,
  type ExchangeQuirks,
} from './exchange-quirks';
import { readSince, toCandle } from './candle-cache';
import { usesPlainWebsocket } from './ccxt-factory';
import {
  REST_PRIORITY,
  type BookBatch,
  type CandleBatch,
  type MarketSource,
  type TickerBatch,
  type TradesBatch,
} from './market-source';
import { RestGate } from './rest-gate';
import { CandleSockets } from './candle-sockets';
import { PendingSubscriptions } from './pending-subscriptions';
import { dropSocket, SocketGenerations, wsClients } from './ws-sockets';

/** ccxt's TICK_SIZE precision mode: `precision.price` is the price step itself, not a digit count. */
const TICK_SIZE = 4;
/** Order book snapshot depth asked for; the top N shown is cut from it. */
const BOOK_SNAPSHOT_DEPTH = 100;
/** New candle subscriptions are gathered this long and sent as one SUBSCRIBE message. */
const SUBSCRIBE_BATCH_MS = 50;
/** A socket that delivered data this recently is alive: a stale stream on it is quiet, not cut off. */
const LIVE_SOCKET_MS = 5_000;
/** Binance takes at most 1,024 streams per connection; ccxt counts 200 per batch. */
const SUBSCRIBE_BATCH_MAX = 200;
/**
 * REST calls in flight at once (rest-gate.ts). ccxt's throttle paces their starts at the exchange's
 * weight limit: Binance spot's `rateLimit` 50 ms × the klines `cost` 0.4 (ccxt binance.js) is one
 * call per 20 ms, 3,000 a minute of "Weight: 2" (spot rest-api.md, GET /api/v3/klines) = the 6,000
 * REQUEST_WEIGHT a minute of the exchange (spot enums.md, "Rate limiters"). One call at a time paced
 * them by the round trip instead; eight in flight let the throttle set the pace, so a 3,000-series
 * warm-up (one page each) takes about a minute of the exchange's limit.
 */
export const REST_CONCURRENCY = 8;

/** A ccxt.pro exchange behind the MarketSource interface. */
export class CcxtSource implements MarketSource {
  readonly simulated = false;
  readonly name: string;
  marketsLoadedAt: number | null = null;
  private loading: Promise<void> | null = null;
  private marketList: MarketInfo[] = [];
  private readonly marketMap = new Map<string, MarketInfo>();
  private caps: ExchangeCapabilities;
  private readonly gate: RestGate;
  private readonly clientIds = new WeakMap<object, number>();
  private nextClientId = 1;
  private readonly streamClients = new Map<string, { url: string; client: object } | null>();
  private readonly sockets = new SocketGenerations();
  /** the socket generation in which each candle stream last went out in a subscription batch */
  private readonly batchedAt = new Map<string, number>();
  private subscribeBatch: Array<[string, string]> = [];
  private subscribeSent: Promise<void> | null = null;
  private unsubscribeBatch: Array<[string, string]> = [];
  private unsubscribeTimer: ReturnType<typeof setTimeout> | null = null;
  private readonly quirks: ExchangeQuirks;
  private readonly lastDataAt = new WeakMap<object, number>();
  /** candle streams spread over sockets within the exchange's streams-per-socket limit */
  private readonly candleSockets: CandleSockets | null;
  /** subscriptions ccxt has not sent yet: their streams' stale clocks have not started */
  private readonly pendingSubs: PendingSubscriptions;

  constructor(
    readonly id: string,
    private readonly ex: Exchange,
    readonly sandbox: boolean,
    private readonly deps: { clock: Clock; log: Logger },
  ) {
    this.name = String(ex.name ?? id);
    this.gate = new RestGate(deps.clock, REST_CONCURRENCY, REST_PRIORITY.poll);
    this.caps = capabilitiesFromCcxt(ex, id);
    this.quirks = quirksOf(id);
    this.candleSockets = this.quirks.candleSocketHash
      ? CandleSockets.install(ex, this.quirks.candleSocketHash, this.quirks.facts.maxStreamsPerSocket)
      : null;
    pauseGateOnRetryAfter(ex, this.gate, {
      clock: deps.clock,
      log: deps.log,
      what: 'REST calls',
      defaultPauseMs: this.quirks.rateLimitPauseMs,
      quirks: this.quirks,
    });
    this.pendingSubs = new PendingSubscriptions(() => deps.clock.now());
    this.pendingSubs.install(ex);
    this.guardThrottledSends();
    this.holdSendsInRetryAfterWindow();
    // ccxt prints some socket problems (a frame that is not JSON) with console.log. stdout carries
    // the headless ready line and the export CLI's output: route them to our logger instead.
    (ex as unknown as { log: (...args: unknown[]) => void }).log = (...args: unknown[]) =>
      deps.log.debug('ccxt', {
        message: args
          .map((a) => (a instanceof Error ? a.message : String(a)))
          .join(' ')
          .slice(0, 500),
      });
  }

  loadMarkets(reload = false): Promise<void> {
    if (this.loading && !reload) return this.loading;
    const attempt = this.gate
      .run(async () => {
        // ccxt dials ws:// only through an http agent it must be told to load first.
        if (usesPlainWebsocket(this.ex)) await this.ex.loadHttpProxyAgent();
        await this.ex.loadMarkets(reload);
      }, REST_PRIORITY.markets)
      .then(() => this.indexMarkets());
    if (!this.loading) this.loading = attempt;
    // A failed first load is retried on the next call; a failed refresh keeps the markets we have.
    attempt.then(
      () => (this.loading = attempt),
      () => {
        if (this.loading === attempt) this.loading = null;
      },
    );
    return attempt;
  }

  markets(): readonly MarketInfo[] {
    return this.marketList;
  }

  market(symbol: string): MarketInfo | undefined {
    return this.marketMap.get(symbol);
  }

  capabilities(): ExchangeCapabilities {
    return this.caps;
  }

  async watchCandles(
    symbol: string,
    timeframe: string,
    fromOpenTime: number | undefined,
  ): Promise<CandleBatch> {
    const key = `c|${symbol}|${timeframe}`;
    // Watched again before its unsubscription went out: keep the subscription.
    this.unsubscribeBatch = this.unsubscribeBatch.filter(([s, tf]) => s !== symbol || tf !== timeframe);
    if (!this.subscribed(key)) await this.subscribeInBatch(symbol, timeframe);
    this.repairCandleCacheLookup(symbol);
    const returned = await this.watching(
      this.onCandleSocket(key, () =>
        this.pendingSubs.during([key], () => this.ex.watchOHLCV(symbol, timeframe)),
      ),
    );
    // watchOHLCV hands back only what changed since the previous call, and under load one wake
    // covers several frames: read the cache itself, from the oldest candle we still care about.
    const cache = this.ex.ohlcvs?.[symbol]?.[timeframe] as unknown as readonly number[][] | undefined;
    return {
      candles: readSince(cache ?? (returned as number[][]), fromOpenTime),
      connection: this.connectionOf(key, symbol, timeframe),
    };
  }

  /**
   * Every ccxt watchOHLCV call subscribes its stream with a message of its own, and ccxt paces the
   * messages of a socket to Binance's limit (5 a second): 300 streams took 75 s to start, and as
   * long again after every dropped socket. New streams are therefore subscribed together, one
   * watchOHLCVForSymbols message per batch; each stream still runs its own watch loop (at 500
   * symbols one loop per stream costs ~5× less CPU than one multi-symbol loop, which re-arms every
   * symbol on each wake). A failed batch is forgotten: the streams batch again on their retry.
   */
  private subscribeInBatch(symbol: string, timeframe: string): Promise<void> {
    if (this.ex.has['watchOHLCVForSymbols'] !== true) return Promise.resolve();
    this.subscribeBatch.push([symbol, timeframe]);
    this.subscribeSent ??= new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        this.subscribeSent = null;
        this.inBatches(this.subscribeBatch.splice(0), (batch) => {
          const keys = batch.map(([s, tf]) => `c|${s}|${tf}`);
          const sent = this.pendingSubs.during(keys, () => this.ex.watchOHLCVForSymbols(batch));
          // Marked with the socket it went out on (ccxt has registered it by now): should that
          // socket be replaced before the streams saw data, the generation moves and they batch
          // again. Marked when queued instead, a first socket was never seen, its replacement
          // did not count, and every stream re-subscribed alone, paced at 5 a second.
          const generation = this.sockets.current(wsClients(this.ex));
          for (const key of keys) this.batchedAt.set(key, generation);
          sent.catch((err: unknown) => {
            // The socket failed before the batch went out (on a loaded machine the first dial can
            // close before it opens): ccxt dropped its subscriptions, so the batch no longer counts.
            // Without this the streams' retries each sent a SUBSCRIBE of their own, paced at 5 a
            // second (80 streams: 16 s), instead of going out together in the next batch.
            for (const [s, tf] of batch) {
              const key = `c|${s}|${tf}`;
              if (this.batchedAt.get(key) === generation) this.batchedAt.delete(key);
            }
            this.deps.log.debug('batch subscription failed; streams batch again on their retry', {
              error: err,
            });
          });
        });
        resolve();
      }, SUBSCRIBE_BATCH_MS);
      timer.unref();
    });
    return this.subscribeSent;
  }

  /**
   * Whether a live socket of the exchange already carries this stream's subscription: the socket it
   * was last seen on is still registered, or it went out in one of our batches since the last socket
   * was replaced (ccxt registers a batch's subscriptions when it is sent). No scan of every socket's
   * subscriptions: at 3,000 streams that scan, once per stream and again after every reconnect, was
   * quadratic. A stream sent twice costs nothing: ccxt skips subscriptions a socket already has.
   */
  private subscribed(key: string): boolean {
    const clients = wsClients(this.ex);
    const known = this.streamClients.get(key);
    if (known && clients[known.url] === known.client) return true;
    // This exchange's subscription hashes do not name the symbol: we cannot tell, leave it to ccxt.
    if (known === null) return true;
    return this.batchedAt.get(key) === this.sockets.current(clients);
  }

  async unwatchCandles(symbol: string, timeframe: string): Promise<void> {
    const key = `c|${symbol}|${timeframe}`;
    this.streamClients.delete(key);
    this.batchedAt.delete(key);
    this.pendingSubs.forget(key);
    if (this.ex.has['unWatchOHLCVForSymbols'] === true) this.unsubscribeInBatch(symbol, timeframe);
    else if (this.ex.has['unWatchOHLCV'] === true) {
      try {
        await this.onCandleSocket(key, () => this.ex.unWatchOHLCV(symbol, timeframe));
      } finally {
        this.candleSockets?.release(key);
      }
    }
  }

  /** Unsubscriptions are gathered like subscriptions: one UNSUBSCRIBE per batch. */
  private unsubscribeInBatch(symbol: string, timeframe: string): void {
    this.unsubscribeBatch.push([symbol, timeframe]);
    this.unsubscribeTimer ??= setTimeout(() => {
      this.unsubscribeTimer = null;
      const gone = this.unsubscribeBatch.splice(0);
      this.inBatches(gone, (batch) =>
        this.ex.unWatchOHLCVForSymbols(batch).catch((err: unknown) => {
          this.deps.log.debug('batch unsubscription failed', { error: err });
        }),
      );
      // Their room on the socket is free once the UNSUBSCRIBE went out (ccxt sends it in order).
      for (const [s, tf] of gone) this.candleSockets?.release(`c|${s}|${tf}`);
    }, SUBSCRIBE_BATCH_MS);
    this.unsubscribeTimer.unref();
  }

  /** Runs a ccxt candle call of one stream on that stream's socket (candle-sockets.ts). */
  private onCandleSocket<T>(key: string, call: () => T): T {
    const sockets = this.candleSockets;
    return sockets ? sockets.on(sockets.assign(key), call) : call();
  }

  /**
   * Sends candle (un)subscriptions for many streams: one message per socket and per
   * SUBSCRIBE_BATCH_MAX streams (fewer where the exchange takes fewer: quirks' subscribeArgsMax), each on the socket its streams are assigned to.
   */
  private inBatches(pairs: Array<[string, string]>, send: (batch: Array<[string, string]>) => unknown): void {
    const bySocket = new Map<number, Array<[string, string]>>();
    for (const pair of pairs) {
      const socket = this.candleSockets?.assign(`c|${pair[0]}|${pair[1]}`) ?? 0;
      let list = bySocket.get(socket);
      if (!list) bySocket.set(socket, (list = []));
      list.push(pair);
    }
    for (const [socket, list] of bySocket) {
      const most = Math.min(SUBSCRIBE_BATCH_MAX, this.quirks.subscribeArgsMax ?? SUBSCRIBE_BATCH_MAX);
      for (let i = 0; i < list.length; i += most) {
        const batch = list.slice(i, i + most);
        if (this.candleSockets) this.candleSockets.on(socket, () => send(batch));
        else send(batch);
      }
    }
  }

  async fetchCandles(symbol: string, timeframe: string, since: number, limit: number, priority: number) {
    const rows = await this.watching(
      this.gate.run(() => this.ex.fetchOHLCV(symbol, timeframe, since, limit), priority),
    );
    const out: Candle[] = [];
    for (const r of rows) {
      const c = toCandle(r as unknown as number[]);
      if (c) out.push(c);
    }
    return out;
  }

  async watchTicker(symbol: string): Promise<TickerBatch> {
    const key = `t|${symbol}`;
    const t = await this.watching(
      this.pendingSubs.during([key], () => this.ex.watchTicker(symbol, this.tickerParams())),
    );
    return { ticker: this.toTicker(symbol, t), connection: this.connectionOf(key, symbol) };
  }

  async unwatchTicker(symbol: string): Promise<void> {
    this.streamClients.delete(`t|${symbol}`);
    this.pendingSubs.forget(`t|${symbol}`);
    if (this.ex.has['unWatchTicker'] === true) await this.ex.unWatchTicker(symbol, this.tickerParams());
  }

  async fetchTicker(symbol: string): Promise<Ticker> {
    const t = await this.watching(this.gate.run(() => this.ex.fetchTicker(symbol), REST_PRIORITY.poll));
    return this.toTicker(symbol, t);
  }

  async watchOrderBook(symbol: string, depth: number): Promise<BookBatch> {
    const book = await this.watching(this.ex.watchOrderBook(symbol, Math.max(depth, BOOK_SNAPSHOT_DEPTH)));
    return { book: this.toBook(symbol, book, depth), connection: this.connectionOf(`b|${symbol}`, symbol) };
  }

  async unwatchOrderBook(symbol: string): Promise<void> {
    this.streamClients.delete(`b|${symbol}`);
    if (this.ex.has['unWatchOrderBook'] === true) await this.ex.unWatchOrderBook(symbol);
  }

  async fetchOrderBook(symbol: string, depth: number): Promise<Omit<OrderBook, 'synced'>> {
    const book = await this.watching(
      this.gate.run(() => this.ex.fetchOrderBook(symbol, depth), REST_PRIORITY.poll),
    );
    return this.toBook(symbol, book, depth);
  }

  /** ccxt.pro hands over the trades since the previous call (its `newUpdates` default), oldest first. */
  async watchTrades(symbol: string): Promise<TradesBatch> {
    const trades = await this.watching(this.ex.watchTrades(symbol));
    return {
      trades: trades.map((t) => this.toTrade(t)),
      connection: this.connectionOf(`r|${symbol}`, symbol),
    };
  }

  async unwatchTrades(symbol: string): Promise<void> {
    this.streamClients.delete(`r|${symbol}`);
    if (this.ex.has['unWatchTrades'] === true) await this.ex.unWatchTrades(symbol);
  }

  async fetchTrades(symbol: string, limit: number): Promise<Trade[]> {
    const trades = await this.watching(
      this.gate.run(() => this.ex.fetchTrades(symbol, undefined, limit), REST_PRIORITY.poll),
    );
    return trades.map((t) => this.toTrade(t));
  }

  /**
   * A watch's or REST call's result, its failure translated by the exchange's quirks (quirkError).
   * Not an async function: its suspended frame would wait as long as the watch, on every update of
   * every stream.
   */
  private watching<T>(call: Promise<T>): Promise<T> {
    return call.catch((err: unknown) => {
      throw quirkError(this.id, err);
    });
  }

  subscriptionWaitingSince(channel: 'candles' | 'ticker', symbol: string, timeframe?: string): number | null {
    return this.pendingSubs.waitingSince(channel === 'candles' ? `c|${symbol}|${timeframe}` : `t|${symbol}`);
  }

  restWindowClear(): Promise<void> {
    return this.gate.waitUntilClear();
  }

  restBlockedForMs(): number {
    return this.gate.blockedForMs();
  }

  reconnect(symbol?: string, opts: { keepLiveSockets?: boolean } = {}): void {
    const clients = wsClients(this.ex);
    // Some exchanges name the market id in their hashes (OKX `candle1m:BTC-USDT`, BingX `BTC-USDT@kline_1min`).
    const names = symbol === undefined ? [] : this.streamNames(symbol).symbols;
    const now = this.deps.clock.now();
    for (const [url, client] of Object.entries(clients)) {
      const hashes = Object.keys(client.subscriptions ?? {});
      if (symbol && !hashes.some((h) => hashNames(h, names))) continue;
      const lastData = this.lastDataAt.get(client);
      if (opts.keepLiveSockets && lastData !== undefined && now - lastData < LIVE_SOCKET_MS) {
        this.deps.log.debug('stale stream on a live socket: socket kept', { url, symbol });
        continue;
      }
      dropSocket(this.ex, url, client, `${this.id}: reconnecting`, this.deps.log);
    }
  }

  async close(): Promise<void> {
    if (this.unsubscribeTimer) clearTimeout(this.unsubscribeTimer);
    this.gate.close();
    await this.ex.close();
  }

  /**
   * The names a ccxt subscription hash may use for a stream: some exchanges' hashes are the
   * exchange's own topic ('BTC-USDT@kline_1min' on BingX, '/contractMarket/limitCandle:XBTUSDTM_1min'
   * on KuCoin Futures), so the market id and the exchange's interval names count too.
   */
  private streamNames(symbol: string, timeframe?: string): { symbols: string[]; timeframes?: string[] } {
    const market = this.ex.markets?.[symbol];
    const symbols = market?.id && market.id !== symbol ? [symbol, market.id] : [symbol];
    if (timeframe === undefined) return { symbols };
    const timeframes = new Set([timeframe]);
    const options = this.ex.options as Record<string, unknown> | undefined;
    const typed = options?.[String(market?.type ?? 'spot')] as
      { timeframes?: Record<string, unknown> } | undefined;
    for (const names of [this.ex.timeframes as Record<string, unknown> | undefined, typed?.timeframes]) {
      const raw = names?.[timeframe];
      if (typeof raw === 'string' || typeof raw === 'number') timeframes.add(String(raw));
    }
    return { symbols, timeframes: [...timeframes] };
  }

  /**
   * Works around ccxt 4.5.84's BingX spot candle cache (ExchangeQuirks.candleCacheLookedUpByExchangeInterval):
   * handleOHLCV looks the cache up under '1min' and stores it under '1m', so every message replaced
   * the cache with a one-candle one, and a bar's final update followed by the next bar's first one
   * between two wakes lost the final values (closed candles stored with forming values). A hidden
   * alias from the exchange's interval name to the unified key lets ccxt find and keep its cache.
   */
  private repairCandleCacheLookup(symbol: string): void {
    const types = this.quirks.candleCacheLookedUpByExchangeInterval;
    const type = this.ex.markets?.[symbol]?.type;
    if (!types || !type || !(types as readonly string[]).includes(type)) return;
    const options = this.ex.options as Record<string, { timeframes?: Record<string, unknown> } | undefined>;
    const ohlcvs = this.ex.ohlcvs as unknown as Record<string, Record<string, unknown>>;
    const bySymbol = (ohlcvs[symbol] ??= {});
    for (const [unified, raw] of Object.entries(options[type]?.timeframes ?? {})) {
      if (typeof raw !== 'string' || raw === unified || Object.prototype.hasOwnProperty.call(bySymbol, raw))
        continue;
      Object.defineProperty(bySymbol, raw, { get: () => bySymbol[unified], enumerable: false });
    }
  }

  /**
   * ccxt 4.5.84's watch/watchMultiple send a subscription through the socket's throttle as
   * `client.throttle(cost).then(() => client.send(message))` and drop the promise send returns: a
   * socket that closes while a message waits in the throttle rejects it with nobody listening, an
   * unhandled rejection that ends a Node process. The pending watch itself still fails (and our loop
   * reconnects), so the extra rejection is only marked handled here.
   */
  private guardThrottledSends(): void {
    const ex = this.ex as unknown as { client: (url: string) => { send: (m: unknown) => Promise<unknown> } };
    const original = ex.client.bind(this.ex);
    const guarded = new WeakSet<object>();
    ex.client = (url: string) => {
      const client = original(url);
      if (!guarded.has(client)) {
        guarded.add(client);
        this.stampData(client as unknown as DecodedMessageHook);
        const send = client.send.bind(client);
        client.send = (message: unknown) => {
          this.pendingSubs.sent(message);
          const sent = send(message);
          sent.catch(() => {});
          return sent;
        };
      }
      return client;
    };
  }

  /**
   * With several REST calls in flight (REST_CONCURRENCY), calls already released by the gate may
   * still wait in ccxt's throttle when a 429 arrives; without this they would go out inside the
   * Retry-After window anyway. ccxt's `fetch` sends a request after its throttle and signing (public
   * market data here: nothing signed goes stale while it waits).
   */
  private holdSendsInRetryAfterWindow(): void {
    const ex = this.ex as unknown as { fetch: (...args: unknown[]) => Promise<unknown> };
    const send = ex.fetch.bind(this.ex);
    ex.fetch = async (...args: unknown[]) => {
      await this.gate.waitUntilClear();
      return send(...args);
    };
  }

  /**
   * Records when a socket last delivered data (not a heartbeat answer: a stalled socket may still
   * answer pings, which ccxt's keepalive takes for life).
   */
  private stampData(client: DecodedMessageHook): void {
    // After ccxt's decoding (BingX frames are gzip: the raw frame says nothing), before its handler.
    const onMessage = client.onMessageCallback;
    client.onMessageCallback = (c, message) => {
      if (!isHeartbeat(message)) this.lastDataAt.set(client, this.deps.clock.now());
      return onMessage(c, message);
    };
  }

  private tickerParams(): Record<string, unknown> {
    // Binance's watchTicker subscribes the mini ticker by default, which has no bid/ask.
    return this.id.startsWith('binance') ? { name: 'ticker' } : {};
  }

  private indexMarkets(): void {
    const list: MarketInfo[] = [];
    for (const m of Object.values(this.ex.markets ?? {})) {
      if (!m) continue;
      const p = m.precision ?? {};
      const priceTick =
        typeof p.price === 'number' ? (this.ex.precisionMode === TICK_SIZE ? p.price : 10 ** -p.price) : null;
      const amountTick =
        typeof p.amount === 'number'
          ? this.ex.precisionMode === TICK_SIZE
            ? p.amount
            : 10 ** -p.amount
          : null;
      list.push({
        symbol: m.symbol,
        base: m.base,
        quote: m.quote,
        type: String(m.type ?? 'spot'),
        active: m.active !== false,
        priceTick,
        priceDecimals: decimalsOf(priceTick),
        amountDecimals: decimalsOf(amountTick),
      });
    }
    list.sort((a, b) => a.symbol.localeCompare(b.symbol));
    this.marketList = list;
    this.marketMap.clear();
    for (const m of list) this.marketMap.set(m.symbol, m);
    this.caps = capabilitiesFromCcxt(this.ex, this.id);
    this.marketsLoadedAt = this.deps.clock.now();
  }

  /**
   * A number that changes whenever the socket carrying a stream is replaced. ccxt reconnects
   * silently when a socket drops while no watch is pending, so a failed watch is not the only sign.
   * The stream's socket is found once by its subscription (ccxt's hashes name the unified symbol);
   * after that one lookup per wake tells whether it is still the registered one.
   */
  private connectionOf(key: string, symbol: string, timeframe?: string): number {
    const clients = wsClients(this.ex);
    const known = this.streamClients.get(key);
    if (known && clients[known.url] === known.client) return this.idOf(known.client);
    if (known === undefined || known !== null) {
      const names = this.streamNames(symbol, timeframe);
      for (const [url, client] of Object.entries(clients)) {
        for (const hash in client.subscriptions ?? {}) {
          if (hashNames(hash, names.symbols, names.timeframes)) {
            this.streamClients.set(key, { url, client });
            return this.idOf(client);
          }
        }
      }
      this.streamClients.set(key, null);
    }
    // This exchange names its subscriptions some other way: any replaced socket counts.
    return -this.sockets.current(clients);
  }

  private idOf(client: object): number {
    let id = this.clientIds.get(client);
    if (id === undefined) {
      id = this.nextClientId++;
      this.clientIds.set(client, id);
    }
    return id;
  }

  private toTicker(symbol: string, t: CcxtTicker): Ticker {
    return {
      exchange: this.id,
      symbol,
      time: t.timestamp ?? this.deps.clock.now(),
      last: num(t.last ?? t.close),
      bid: num(t.bid),
      ask: num(t.ask),
      changePercent24h: num(t.percentage),
      quoteVolume24h: num(t.quoteVolume),
    };
  }

  private toTrade(t: CcxtTrade): Trade {
    return {
      time: t.timestamp ?? this.deps.clock.now(),
      price: Number(t.price),
      amount: Number(t.amount),
      side: t.side === 'buy' || t.side === 'sell' ? t.side : null,
    };
  }

  private toBook(symbol: string, book: CcxtOrderBook, depth: number): Omit<OrderBook, 'synced'> {
    const side = (levels: unknown[][]) =>
      levels.slice(0, depth).map((l) => [Number(l[0]), Number(l[1])] as [number, number]);
    return {
      exchange: this.id,
      symbol,
      time: book.timestamp ?? this.deps.clock.now(),
      bids: side(book.bids as unknown[][]),
      asks: side(book.asks as unknown[][]),
    };
  }
}

/** The part of ccxt's WsClient that hands each decoded message (text or parsed JSON) to the exchange. */
type DecodedMessageHook = { onMessageCallback: (client: unknown, message: unknown) => unknown };

/**
 * Heartbeats, which prove nothing about data: the text ping/pong of OKX, Bitget and BingX swap
 * ("Ping"), Bybit's {"op":"pong"} / {"ret_msg":"pong"}, KuCoin's {"type":"pong" | "welcome"}, BingX
 * spot's {"ping": …, "time": …}.
 */
function isHeartbeat(message: unknown): boolean {
  if (typeof message === 'string') return /^\s*(ping|pong)\s*$/i.test(message);
  if (!message || typeof message !== 'object') return false;
  const m = message as Record<string, unknown>;
  return (
    m['op'] === 'pong' ||
    m['ret_msg'] === 'pong' ||
    m['type'] === 'pong' ||
    m['type'] === 'welcome' ||
    ('ping' in m && !('data' in m))
  );
}

/**
 * Whether a ccxt subscription hash (like `ohlcv::BTC/USDT::1m` or `ticker:BTC/USDT`) is about this
 * symbol and timeframe: whole names only, so BTC/USDT is not WBTC/USDT nor BTC/USDT:USDT (the swap),
 * and 5m is not 15m.
 */
export function hashNames(
  hash: string,
  symbol: string | readonly string[],
  timeframe?: string | readonly string[],
): boolean {
  const symbols = typeof symbol === 'string' ? [symbol] : symbol;
  let found = false;
  for (const name of symbols) {
    for (let i = hash.indexOf(name); i >= 0 && !found; i = hash.indexOf(name, i + 1)) {
      const before = hash.charAt(i - 1);
      const after = hash.slice(i + name.length, i + name.length + 2);
      found = !/[A-Za-z0-9]/.test(before) && !/^[A-Za-z0-9]|^:[A-Za-z0-9]/.test(after);
    }
  }
  if (!found || timeframe === undefined) return found;
  const words = hash.split(/[^A-Za-z0-9]+/);
  return (typeof timeframe === 'string' ? [timeframe] : timeframe).some((tf) => words.includes(tf));
}

function num(v: unknown): number | null {
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

function decimalsOf(tick: number | null): number | null {
  if (tick === null || !(tick > 0)) return null;
  // 0.05 needs two decimals, 0.01 two, 1 none; the epsilon absorbs log10's rounding of exact powers.
  return Math.max(0, Math.ceil(-Math.log10(tick) - 1e-9));
}

/**
 * Closes `gate` for the Retry-After window of every 429/418 `ex` receives. Binance answers 429 (and
 * 418 when an IP kept calling) with Retry-After; ccxt turns it into a DDoSProtection error and
 * forgets the header. onRestResponse sees every response first. `what` names the calls paused.
 */
export function pauseGateOnRetryAfter(
  ex: Exchange,
  gate: RestGate,
  deps: { clock: Clock; log: Logger; what: string; defaultPauseMs?: number; quirks?: ExchangeQuirks },
): void {
  const hooked = ex as unknown as { onRestResponse: (...args: unknown[]) => unknown };
  const original = hooked.onRestResponse.bind(ex);
  hooked.onRestResponse = (...args: unknown[]) => {
    const [status, , , , headers, body] = args as [
      number,
      string,
      string,
      string,
      Record<string, string>,
      unknown,
    ];
    // Some exchanges rate-limit with HTTP 200 and a code of their own (BingX: 100410).
    const coded =
      deps.quirks !== undefined &&
      typeof body === 'string' &&
      errorKindOfCode(deps.quirks, body.slice(0, 200)) === 'rate-limited';
    if (status === 429 || status === 418 || coded) {
      const ms =
        retryAfterMs(headers?.['Retry-After'], deps.clock.now()) ??
        resetHeaderMs(headers, deps.quirks?.rateLimitResetMsHeader) ??
        deps.defaultPauseMs ??
        DEFAULT_RATE_LIMIT_PAUSE_MS;
      gate.block(ms);
      deps.log.warn(`rate limited: pausing ${deps.what}`, { status, ms });
    }
    return original(...args);
  };
}

/** An exchange's own "quota resets in N ms" header (KuCoin's gw-ratelimit-reset), any case. */
function resetHeaderMs(
  headers: Record<string, string> | undefined,
  name: string | undefined,
): number | undefined {
  if (!headers || !name) return undefined;
  const key = Object.keys(headers).find((k) => k.toLowerCase() === name);
  const ms = key === undefined ? NaN : Number(headers[key]);
  return Number.isFinite(ms) && ms >= 0 ? ms : undefined;
}

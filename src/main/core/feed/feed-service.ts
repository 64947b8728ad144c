import { ContractError } from '../../../shared/contract/result';
import {
  seriesId,
  type OrderBook,
  type RecentTrades,
  type SeriesKey,
  type Ticker,
} from '../../../shared/domain/market';
import type { ExchangeSettings, Settings, WatchItem } from '../../../shared/domain/settings';
import type { StreamError, StreamInfo, StreamKind } from '../../../shared/domain/stream';
import type { CandleHistory, CandleUpdate, CandleUpdateListener, GapLedger } from '../candles/ports';
import type { ExchangeRegistry } from '../exchange/exchange-registry';
import type { MarketSource } from '../exchange/market-source';
import { SIM_EXCHANGE_ID } from '../exchange/sim/sim-source';
import { Emitter } from '../base/emitter';
import type { Logger } from '../base/log';
import { AggregatedStream, CandleStream, type CandleStreamDeps, type SeriesStream } from './candle-stream';
import { classifyError } from '../base/classify-error';
import { systemClock, type Clock, type TimerHandle } from '../base/clock';
import { sameDemand, type SeriesDemand } from './rule-demand';
import { timeframeSupport } from './market-check';
import { BookStream, TickerStream, TradesStream, type QuoteStreamDeps } from './quote-streams';
import { StreamStatus } from '../streams/stream-status';

/** What a user without any exchange configured sees: the simulator, so the whole app works offline. */
export const DEFAULT_SIM_WATCHLIST: readonly WatchItem[] = ['BTC/USDT', 'ETH/USDT', 'SOL/USDT'].map(
  (symbol) => ({
    exchange: SIM_EXCHANGE_ID,
    symbol,
    timeframes: ['1m'],
  }),
);

export function effectiveWatchlist(settings: Settings): WatchItem[] {
  const anyExchange = Object.values(settings.exchanges).some((e) => e.enabled);
  return settings.watchlist.length === 0 && !anyExchange ? [...DEFAULT_SIM_WATCHLIST] : settings.watchlist;
}

export type FeedServiceOptions = {
  /** the feed closes it when it stops */
  registry: ExchangeRegistry;
  history: CandleHistory;
  gaps: GapLedger;
  log: Logger;
  clock?: Clock;
  random?: () => number;
  staleTimeoutMs?: number;
  /** closed candles fetched before the first live one of a series with nothing stored */
  warmupCandles?: number;
  bookDepth?: number;
  /**
   * Headless mode has no powerMonitor: a watchdog tick whose wall clock moved this much more than
   * the monotonic clock means the machine slept. The monotonic clock stops while the machine sleeps
   * (Linux CLOCK_MONOTONIC, macOS uptime clock), the wall clock keeps the real time; a tick that is
   * merely late (a starved process: at 3,000 streams on a loaded machine ticks came 10 s late) moved
   * both, and reconnecting every stream then only starved it more. The threshold is well above NTP
   * slews. It is the only sleep detector of headless mode,
   * and it runs in the tick before the stale checks, so a wake is one reconnect wave, not a stale
   * one followed by a resume one. Given, it is called with the time slept.
   */
  onClockJump?: (sleptMs: number) => void;
};

const TICK_MS = 1_000;
const CLOCK_JUMP_MS = 10_000;
/**
 * A tick this late on the monotonic clock means the process itself was held up (a long synchronous
 * task, or starved of CPU): frames that arrived meanwhile still wait unread on the sockets, and
 * Node runs due timers before it reads them. A stale verdict then would blame the exchange for our
 * own delay and reconnect live streams — the matrix saw loop blocks of 3–7 s turn every stream
 * stale at once, and a reconnect wave feeds the overload that caused it. The stale checks wait for
 * the next tick that comes on time, after the backlog has been read.
 */
const LATE_TICK_MS = 2_000;
const BASE_TIMEFRAME = '1m';

type Quote = TickerStream | BookStream | TradesStream;
type BookWatch = { exchange: string; symbol: string; depth: number };

/**
 * Owns every stream: builds them from the watchlist (and the order books the UI asked for),
 * subscribes and unsubscribes at run time as the settings change, runs the once-a-second
 * watchdog (stale streams, messages/s, sleep detection), forces reconnect + backfill of
 * everything on OS resume, and fans updates out to the store writer, the alert engine and the UI.
 */
export class FeedService {
  private readonly clock: Clock;
  private readonly series = new Map<string, SeriesStream>();
  /** the series built from the 1m stream, whose state mirrors it (few: only timeframes the exchange lacks) */
  private readonly aggregates = new Set<AggregatedStream>();
  private readonly quotes = new Map<string, Quote>();
  private placeholders = new Map<string, StreamStatus>();
  private readonly bookWatches = new Map<string, BookWatch>();
  /** series on a client's screen that the watchlist may not name (a chart's timeframe) */
  private viewed: SeriesKey[] = [];
  /** order books on a client's screen (a book panel open, with its trades tape): streamed while shown */
  private viewedBooks: { exchange: string; symbol: string }[] = [];
  private readonly lastTickers = new Map<string, Ticker>();
  // A failing listener is logged; it must never break a stream's loop (and its continuity).
  private readonly listeners = {
    candles: new Emitter<CandleUpdate>((err) => this.listenerFailed('candles', err)),
    tickers: new Emitter<Ticker>((err) => this.listenerFailed('ticker', err)),
    books: new Emitter<OrderBook>((err) => this.listenerFailed('orderbook', err)),
    trades: new Emitter<RecentTrades>((err) => this.listenerFailed('trades', err)),
    states: new Emitter<StreamInfo>((err) => this.listenerFailed('state', err)),
  };
  private watchlist: WatchItem[] = [];
  /** series the enabled rules read (see rule-demand.ts), streamed whether watched or not */
  private ruleDemand: ReadonlyMap<string, SeriesDemand> = new Map();
  private lastSettings: Settings | null = null;
  private exchangeSettings: Record<string, ExchangeSettings> = {};
  private staleTimeoutMs: number;
  private tickTimer: TimerHandle | null = null;
  private lastTick = 0;
  private lastTickMonotonic: number | undefined;
  /** the last tick came late (LATE_TICK_MS): stale checks are waiting */
  private wasHeldUp = false;
  private applying: Promise<void> = Promise.resolve();
  private stopped = false;

  constructor(private readonly opts: FeedServiceOptions) {
    this.clock = opts.clock ?? systemClock;
    this.staleTimeoutMs = opts.staleTimeoutMs ?? 30_000;
  }

  /** Applies exchanges, watchlist and feed settings; calls are serialized. */
  applySettings(settings: Settings): Promise<void> {
    return this.queueApply(() => settings);
  }

  /**
   * The series the enabled rules need (rule-demand.ts). Streams start and stop at once; an exchange
   * only a rule uses is built like a watched one.
   */
  setRuleDemand(demand: ReadonlyMap<string, SeriesDemand>): Promise<void> {
    if (sameDemand(demand, this.ruleDemand)) return this.applying;
    this.ruleDemand = demand;
    // The settings as they stand when this apply runs, not as they were when it was queued: an
    // applySettings queued just before (a cluster node handing over a stream changes both) is not undone.
    return this.queueApply(() => this.lastSettings);
  }

  private queueApply(settings: () => Settings | null): Promise<void> {
    this.applying = this.applying
      .then(async () => {
        const s = settings();
        if (s) await this.apply(s);
      })
      .catch((err: unknown) => {
        this.opts.log.error('applying feed settings failed', { error: err });
      });
    return this.applying;
  }

  /** resolves once the settings given so far are applied (exchanges built, streams started) */
  settled(): Promise<void> {
    return this.applying;
  }

  /** Order book top N of a symbol, on top of the watchlist (the UI's visible chart). */
  async watchBook(exchange: string, symbol: string, depth?: number): Promise<void> {
    const source = this.opts.registry.get(exchange);
    if (source.marketsLoadedAt !== null && !source.market(symbol)) {
      throw new ContractError('not-found', `${source.name} has no market "${symbol}"`);
    }
    this.bookWatches.set(`${source.id}|${symbol}`, {
      exchange: source.id,
      symbol,
      depth: depth ?? this.opts.bookDepth ?? 20,
    });
    await this.queueReconcile();
  }

  /**
   * The candle series clients show (their `events:subscribe` declarations): streamed on top of the
   * watchlist while on screen, stopped when no client shows them, and never added to the watchlist.
   */
  setViewedSeries(keys: readonly SeriesKey[]): Promise<void> {
    this.viewed = [...keys];
    return this.queueReconcile();
  }

  /**
   * The order books clients show (their `events:subscribe` declarations): streamed at the default
   * depth, with the symbol's recent trades, while a book panel is open, stopped when none is — a page
   * that closes releases its book.
   */
  setViewedBooks(refs: readonly { exchange: string; symbol: string }[]): Promise<void> {
    this.viewedBooks = [...refs];
    return this.queueReconcile();
  }

  async unwatchBook(exchange: string, symbol: string): Promise<void> {
    this.bookWatches.delete(`${exchange.toLowerCase()}|${symbol}`);
    await this.queueReconcile();
  }

  onCandles(listener: CandleUpdateListener): () => void {
    return this.listeners.candles.on(listener);
  }

  onTicker(listener: (t: Ticker) => void): () => void {
    return this.listeners.tickers.on(listener);
  }

  onBook(listener: (b: OrderBook) => void): () => void {
    return this.listeners.books.on(listener);
  }

  onTrades(listener: (t: RecentTrades) => void): () => void {
    return this.listeners.trades.on(listener);
  }

  onState(listener: (s: StreamInfo) => void): () => void {
    return this.listeners.states.on(listener);
  }

  list(): StreamInfo[] {
    const all = [...this.series.values(), ...this.quotes.values()].map((s) => s.status.snapshot());
    for (const p of this.placeholders.values()) all.push(p.snapshot());
    return all.sort((a, b) => a.id.localeCompare(b.id));
  }

  errors(id: string): readonly StreamError[] {
    const status = this.series.get(id)?.status ?? this.quotes.get(id)?.status ?? this.placeholders.get(id);
    if (!status) throw new ContractError('not-found', `No stream "${id}"; streams:list shows the ids`);
    return status.errors;
  }

  tickers(): Ticker[] {
    return [...this.lastTickers.values()];
  }

  /** Drop and resubscribe one stream (or all): for the streams panel's reconnect button. */
  reconnect(id?: string): number {
    if (id !== undefined) {
      const s = this.series.get(id) ?? this.quotes.get(id);
      if (!s) throw new ContractError('not-found', `No running stream "${id}"; streams:list shows the ids`);
      s.forceReconnect('reconnect');
      return 1;
    }
    for (const source of this.opts.registry.sources()) source.reconnect();
    let n = 0;
    for (const s of this.ownStreams()) {
      s.forceReconnect('reconnect', false);
      n++;
    }
    return n;
  }

  /** The OS woke up: every socket is suspect and every series may have a hole. */
  resumed(): void {
    for (const source of this.opts.registry.sources()) source.reconnect();
    for (const s of this.ownStreams()) s.forceReconnect('resume', false);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.tickTimer) this.clock.clearTimeout(this.tickTimer);
    await this.applying;
    // No unsubscribing at shutdown: closing the exchanges closes their sockets.
    await this.stopWhere(() => true, false);
    await this.opts.registry.close();
  }

  private async apply(settings: Settings): Promise<void> {
    if (this.stopped) return;
    this.lastSettings = settings;
    this.staleTimeoutMs = settings.feed.staleTimeoutMs;
    this.exchangeSettings = settings.exchanges;
    this.watchlist = effectiveWatchlist(settings);
    const referenced = new Set([
      ...this.watchlist.map((w) => w.exchange),
      ...[...this.bookWatches.values()].map((b) => b.exchange),
      ...[...this.ruleDemand.values()].map((d) => d.key.exchange),
    ]);
    const outdated = this.opts.registry.outdated(settings.exchanges, referenced);
    if (outdated.length > 0) await this.stopWhere((exchange) => outdated.includes(exchange), false);
    await this.opts.registry.apply(settings.exchanges, referenced);
    await this.reconcile();
    this.startTicking();
  }

  private queueReconcile(): Promise<void> {
    this.applying = this.applying.then(() => this.reconcile());
    return this.applying;
  }

  /**
   * Starts what the watchlist, the enabled rules and the book watches want and is not running;
   * stops the rest. A series only rules read gets no ticker: nobody looks at it.
   */
  private async reconcile(): Promise<void> {
    if (this.stopped) return;
    const { registry } = this.opts;
    const wantSeries = new Map<string, { key: SeriesKey; aggregated: boolean; warmup: number }>();
    const wantQuotes = new Map<
      string,
      { kind: 'ticker' | 'orderbook' | 'trades'; exchange: string; symbol: string; depth: number }
    >();
    const failed = new Map<
      string,
      { kind: StreamKind; key: SeriesKey | { exchange: string; symbol: string }; error: unknown }
    >();
    const defaultWarmup = this.opts.warmupCandles ?? 500;
    const wantCandles = (key: SeriesKey, warmup: number): void => {
      const id = seriesId(key);
      const known = wantSeries.get(id);
      if (known) {
        known.warmup = Math.max(known.warmup, warmup);
        return;
      }
      const source = registry.find(key.exchange);
      if (!source) {
        failed.set(id, {
          kind: 'candles',
          key,
          error: registry.problem(key.exchange, this.exchangeSettings[key.exchange]),
        });
        return;
      }
      try {
        const aggregated = timeframeSupport(source, key.timeframe) === 'aggregated';
        wantSeries.set(id, { key, aggregated, warmup });
        if (aggregated) wantCandles({ ...key, timeframe: BASE_TIMEFRAME }, defaultWarmup);
      } catch (err) {
        failed.set(id, { kind: 'candles', key, error: err });
      }
    };

    for (const item of this.watchlist) {
      for (const timeframe of item.timeframes)
        wantCandles({ exchange: item.exchange, symbol: item.symbol, timeframe }, defaultWarmup);
      const tickerId = `${item.exchange}|${item.symbol}|ticker`;
      if (registry.find(item.exchange))
        wantQuotes.set(tickerId, { kind: 'ticker', exchange: item.exchange, symbol: item.symbol, depth: 0 });
      else
        failed.set(tickerId, {
          kind: 'ticker',
          key: item,
          error: registry.problem(item.exchange, this.exchangeSettings[item.exchange]),
        });
    }
    for (const d of this.ruleDemand.values()) wantCandles(d.key, Math.max(defaultWarmup, d.warmup));
    // What a chart shows beyond the watchlist and the rules: only on exchanges already running, and
    // left out when the exchange does not offer the timeframe (the chart then says it has no candles).
    for (const key of this.viewed) {
      const source = registry.find(key.exchange);
      if (!source || wantSeries.has(seriesId(key))) continue;
      try {
        timeframeSupport(source, key.timeframe);
      } catch (err) {
        this.opts.log.debug('viewed series not streamed', { id: seriesId(key), error: err });
        continue;
      }
      wantCandles(key, defaultWarmup);
    }
    for (const b of this.bookWatches.values()) {
      wantQuotes.set(`${b.exchange}|${b.symbol}|orderbook`, { kind: 'orderbook', ...b });
    }
    // Like viewed series: only on exchanges already running (a panel never builds an exchange).
    for (const { exchange, symbol } of this.viewedBooks) {
      const source = registry.find(exchange);
      if (!source) continue;
      const book = `${source.id}|${symbol}|orderbook`;
      const depth = this.opts.bookDepth ?? 20;
      if (!wantQuotes.has(book))
        wantQuotes.set(book, { kind: 'orderbook', exchange: source.id, symbol, depth });
      const trades = `${source.id}|${symbol}|trades`;
      wantQuotes.set(trades, { kind: 'trades', exchange: source.id, symbol, depth: 0 });
    }

    // Aggregates first: they listen to their 1m stream.
    for (const [id, s] of this.aggregatesFirst()) {
      const want = wantSeries.get(id);
      if (!want || want.aggregated !== s instanceof AggregatedStream) await this.stopSeries(id);
    }
    for (const [id, q] of this.quotes) {
      if (!wantQuotes.has(id)) {
        this.quotes.delete(id);
        await q.stop();
      }
    }

    const sorted = [...wantSeries.values()].sort((a, b) => Number(a.aggregated) - Number(b.aggregated));
    for (const { key, aggregated, warmup } of sorted) {
      const id = seriesId(key);
      if (this.series.has(id)) continue;
      const source = registry.find(key.exchange)!;
      const deps = this.candleDeps(source, warmup);
      const stream = aggregated
        ? new AggregatedStream(key, this.series.get(seriesId({ ...key, timeframe: BASE_TIMEFRAME }))!, deps)
        : new CandleStream(key, source.capabilities().websocketOhlcv ? 'websocket' : 'rest-poll', deps);
      this.series.set(id, stream);
      if (stream instanceof AggregatedStream) this.aggregates.add(stream);
      stream.start();
    }
    for (const [id, q] of wantQuotes) {
      if (this.quotes.has(id)) continue;
      const source = registry.find(q.exchange);
      if (!source) continue;
      const deps = this.quoteDeps(source);
      const stream =
        q.kind === 'ticker'
          ? new TickerStream(q.symbol, deps, (t) => this.emitTicker(t))
          : q.kind === 'trades'
            ? new TradesStream(q.symbol, deps, (t) => this.listeners.trades.emit(t))
            : new BookStream(q.symbol, q.depth, deps, (b) => this.emitBook(b));
      this.quotes.set(id, stream);
      stream.start();
    }

    const placeholders = new Map<string, StreamStatus>();
    for (const [id, f] of failed) {
      const key = f.key as SeriesKey;
      const status = new StreamStatus(
        {
          id,
          kind: f.kind,
          exchange: key.exchange,
          symbol: key.symbol,
          timeframe: f.kind === 'candles' ? key.timeframe : null,
          transport: 'websocket',
        },
        this.clock,
        (info) => this.emitState(info),
      );
      const c = typeof f.error === 'string' ? null : classifyError(f.error);
      status.error({
        kind: c?.kind ?? 'not-supported',
        message: c?.message ?? String(f.error),
        at: this.clock.now(),
      });
      status.set('error');
      placeholders.set(id, status);
    }
    // A problem that went away (or an item removed from the watchlist): tell the UI it is gone.
    for (const [id, old] of this.placeholders) if (!placeholders.has(id)) old.set('stopped');
    this.placeholders = placeholders;
  }

  private async stopSeries(id: string, unsubscribe = true): Promise<void> {
    const s = this.series.get(id);
    if (!s) return;
    this.series.delete(id);
    if (s instanceof AggregatedStream) this.aggregates.delete(s);
    await s.stop(unsubscribe);
  }

  private async stopWhere(match: (exchange: string) => boolean, unsubscribe: boolean): Promise<void> {
    for (const [id, s] of this.aggregatesFirst())
      if (match(s.key.exchange)) await this.stopSeries(id, unsubscribe);
    for (const [id, q] of this.quotes) {
      if (!match(q.status.identity.exchange)) continue;
      this.quotes.delete(id);
      await q.stop(unsubscribe);
    }
  }

  private aggregatesFirst(): Array<[string, SeriesStream]> {
    const all = [...this.series];
    return [
      ...all.filter(([, s]) => s instanceof AggregatedStream),
      ...all.filter(([, s]) => !(s instanceof AggregatedStream)),
    ];
  }

  /** streams with a connection of their own (aggregates follow their 1m stream) */
  private *ownStreams(): Iterable<SeriesStream | Quote> {
    for (const s of this.series.values()) if (!(s instanceof AggregatedStream)) yield s;
    yield* this.quotes.values();
  }

  private candleDeps(source: MarketSource, warmupCandles: number): CandleStreamDeps {
    return {
      source,
      clock: this.clock,
      log: this.opts.log.child(`feed:${source.id}`),
      history: this.opts.history,
      gaps: this.opts.gaps,
      random: this.opts.random,
      warmupCandles,
      emit: (u) => this.emitCandles(u),
      onState: (info) => this.emitState(info),
    };
  }

  private quoteDeps(source: MarketSource): QuoteStreamDeps {
    return {
      source,
      clock: this.clock,
      log: this.opts.log.child(`feed:${source.id}`),
      random: this.opts.random,
      onState: (info) => this.emitState(info),
    };
  }

  private startTicking(): void {
    if (this.tickTimer || this.stopped) return;
    this.lastTick = this.clock.now();
    this.lastTickMonotonic = this.clock.monotonic?.();
    const tick = () => {
      const now = this.clock.now();
      const monotonic = this.clock.monotonic?.();
      // Without a monotonic clock, any lateness counts as sleep.
      const slept =
        monotonic === undefined || this.lastTickMonotonic === undefined
          ? now - this.lastTick - TICK_MS
          : now - this.lastTick - (monotonic - this.lastTickMonotonic);
      const heldUp =
        monotonic === undefined || this.lastTickMonotonic === undefined
          ? 0
          : monotonic - this.lastTickMonotonic - TICK_MS;
      this.lastTick = now;
      this.lastTickMonotonic = monotonic;
      if (slept > CLOCK_JUMP_MS && this.opts.onClockJump) this.opts.onClockJump(slept);
      const onTime = heldUp <= LATE_TICK_MS;
      this.noteHeldUp(onTime, heldUp);
      for (const s of [...this.series.values(), ...this.quotes.values()]) {
        s.status.sample(now);
        if (onTime) s.checkStale(now, this.staleTimeoutMs);
      }
      if (!this.stopped) this.tickTimer = this.clock.setTimeout(tick, TICK_MS);
    };
    this.tickTimer = this.clock.setTimeout(tick, TICK_MS);
  }

  /** Logs once when the process starts being held up and once when its ticks come on time again. */
  private noteHeldUp(onTime: boolean, heldUpMs: number): void {
    if (onTime === !this.wasHeldUp) return;
    if (onTime) {
      this.opts.log.info("the feed's ticks come on time again; stale checks resume");
      this.wasHeldUp = false;
    } else {
      this.opts.log.warn(
        `the feed's tick came ${Math.round(heldUpMs / 1000)} s late (the process was busy or starved of CPU); stale checks wait for a tick on time`,
      );
      this.wasHeldUp = true;
    }
  }

  private emitCandles(update: CandleUpdate): void {
    this.listeners.candles.emit(update);
  }

  private emitTicker(ticker: Ticker): void {
    this.lastTickers.set(`${ticker.exchange}|${ticker.symbol}`, ticker);
    this.listeners.tickers.emit(ticker);
  }

  private emitBook(book: OrderBook): void {
    this.listeners.books.emit(book);
  }

  private emitState(info: StreamInfo): void {
    // Not a scan of every series: at 3,000 streams each start-up state change cost 3,000 checks.
    for (const s of this.aggregates) if (s.base.id === info.id) s.mirror(info.state);
    this.listeners.states.emit(info);
  }

  private listenerFailed(what: string, err: unknown): void {
    this.opts.log.error(`a ${what} listener failed`, { error: err });
  }
}

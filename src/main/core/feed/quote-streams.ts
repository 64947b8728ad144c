import type { OrderBook, RecentTrades, Ticker, Trade } from '../../../shared/domain/market';
import type { StreamInfo, StreamTransport } from '../../../shared/domain/stream';
import type { MarketSource } from '../exchange/market-source';
import type { Logger } from '../base/log';
import type { Clock } from '../base/clock';
import { loadAndCheckSymbol } from './market-check';
import { QUOTE_POLL_MS, staleAfterMs } from './stale-threshold';
import type { StreamStatus } from '../streams/stream-status';
import { StreamRunner } from '../streams/stream-runner';
import type { BreakReason } from '../streams/watch-loop';

export type QuoteStreamDeps = {
  source: MarketSource;
  clock: Clock;
  log: Logger;
  random?: () => number;
  onState(info: StreamInfo): void;
};

/** Shared shape of the ticker, order book and trades streams: websocket watches or REST polls. */
abstract class QuoteStream<T> {
  readonly status: StreamStatus;
  protected readonly transport: StreamTransport;
  private readonly runner: StreamRunner<T>;

  constructor(
    readonly id: string,
    readonly symbol: string,
    kind: 'ticker' | 'orderbook' | 'trades',
    websocket: boolean,
    protected readonly deps: QuoteStreamDeps,
  ) {
    const { source } = deps;
    this.transport = websocket ? 'websocket' : 'rest-poll';
    this.runner = new StreamRunner<T>(
      { id, kind, exchange: source.id, symbol, timeframe: null, transport: this.transport },
      {
        prepare: async () => {
          await loadAndCheckSymbol(source, symbol);
          await this.beforeSubscribe();
        },
        watch: () => (websocket ? this.watchOnce() : this.pollOnce()),
        onData: (value, now) => this.handle(value, now),
        onBroken: (reason) => this.broken(reason),
        flowingState: () => (websocket ? 'live' : 'polling'),
        dropConnection: (reason) => source.reconnect(symbol, { keepLiveSockets: reason === 'stale' }),
        unsubscribe: () => (websocket ? this.unwatch() : Promise.resolve()),
        waitingSince: () =>
          websocket && kind === 'ticker'
            ? (source.subscriptionWaitingSince?.('ticker', symbol) ?? null)
            : null,
        // A quiet market sends no trades, and that is no failure: the watchdog leaves the tape
        // alone. A dead socket still shows, through the order book streamed beside it (the panel
        // shows both), whose reconnect drops the shared connection and fails this watch too, and
        // through ccxt's keep-alive.
        staleAfterMs: (settingMs) =>
          kind === 'trades' ? null : staleAfterMs({ kind, polling: !websocket }, settingMs),
      },
      { ...deps, restBlockedForMs: () => source.restBlockedForMs() },
    );
    this.status = this.runner.status;
  }

  start(): void {
    this.runner.start();
  }

  stop(unsubscribe = true): Promise<void> {
    return this.runner.stop(unsubscribe);
  }

  forceReconnect(reason: BreakReason, dropConnection = true): void {
    this.runner.forceReconnect(reason, dropConnection);
  }

  checkStale(now: number, timeoutMs: number): boolean {
    return this.runner.checkStale(now, timeoutMs);
  }

  protected async beforeSubscribe(): Promise<void> {}
  protected broken(_reason: BreakReason): void {}
  protected abstract watchOnce(): Promise<T>;
  protected abstract fetchOnce(): Promise<T>;
  protected abstract handle(value: T, now: number): void;
  protected abstract unwatch(): Promise<void>;

  private async pollOnce(): Promise<T> {
    await this.runner.pollTurn(QUOTE_POLL_MS);
    return this.fetchOnce();
  }
}

/** Last price, best bid/ask, 24h change and volume of one symbol. */
export class TickerStream extends QuoteStream<Ticker> {
  constructor(
    symbol: string,
    deps: QuoteStreamDeps,
    private readonly emit: (ticker: Ticker) => void,
  ) {
    super(
      `${deps.source.id}|${symbol}|ticker`,
      symbol,
      'ticker',
      deps.source.capabilities().websocketTicker,
      deps,
    );
  }

  protected async watchOnce(): Promise<Ticker> {
    return (await this.deps.source.watchTicker(this.symbol)).ticker;
  }

  protected fetchOnce(): Promise<Ticker> {
    return this.deps.source.fetchTicker(this.symbol);
  }

  protected handle(ticker: Ticker, now: number): void {
    // Tickers carry the exchange's event time: the receipt latency shown in the streams panel.
    this.status.message(now, ticker.time);
    this.emit(ticker);
  }

  protected unwatch(): Promise<void> {
    return this.deps.source.unwatchTicker(this.symbol);
  }
}

/**
 * Top N of one order book. ccxt keeps the book in sync (Binance: REST snapshot + diff sequence);
 * on a sequence gap or checksum error it throws, the loop resubscribes (a new snapshot), and the
 * book is marked `synced: false` until it arrives, so the UI never shows a stale book as live.
 */
export class BookStream extends QuoteStream<Omit<OrderBook, 'synced'>> {
  private last: Omit<OrderBook, 'synced'> | null = null;

  constructor(
    symbol: string,
    private readonly depth: number,
    deps: QuoteStreamDeps,
    private readonly emit: (book: OrderBook) => void,
  ) {
    super(
      `${deps.source.id}|${symbol}|orderbook`,
      symbol,
      'orderbook',
      deps.source.capabilities().websocketOrderBook,
      deps,
    );
  }

  /** ccxt fetches the snapshot over REST itself when it subscribes: not inside a Retry-After window. */
  protected override beforeSubscribe(): Promise<void> {
    return this.deps.source.restWindowClear();
  }

  protected override broken(): void {
    if (this.last) this.emit({ ...this.last, synced: false });
  }

  protected async watchOnce(): Promise<Omit<OrderBook, 'synced'>> {
    return (await this.deps.source.watchOrderBook(this.symbol, this.depth)).book;
  }

  protected fetchOnce(): Promise<Omit<OrderBook, 'synced'>> {
    return this.deps.source.fetchOrderBook(this.symbol, this.depth);
  }

  protected handle(book: Omit<OrderBook, 'synced'>, now: number): void {
    this.status.message(now, book.time);
    this.last = book;
    this.emit({ ...book, synced: true });
  }

  protected unwatch(): Promise<void> {
    return this.deps.source.unwatchOrderBook(this.symbol);
  }
}

/** Trades kept per market: the tape the book panel shows. */
export const RECENT_TRADES = 50;

/**
 * The recent public trades of one symbol (the book panel's tape). Each update carries the whole
 * tape, newest last, so an event coalesced away loses nothing on screen. Over the websocket each
 * wake adds the trades since the last; a REST poll reads the last RECENT_TRADES again.
 */
export class TradesStream extends QuoteStream<Trade[]> {
  private tape: Trade[] = [];

  constructor(
    symbol: string,
    deps: QuoteStreamDeps,
    private readonly emit: (trades: RecentTrades) => void,
  ) {
    super(
      `${deps.source.id}|${symbol}|trades`,
      symbol,
      'trades',
      deps.source.capabilities().websocketTrades,
      deps,
    );
  }

  protected async watchOnce(): Promise<Trade[]> {
    return (await this.deps.source.watchTrades(this.symbol)).trades;
  }

  protected fetchOnce(): Promise<Trade[]> {
    return this.deps.source.fetchTrades(this.symbol, RECENT_TRADES);
  }

  protected handle(trades: Trade[], now: number): void {
    const last = trades.at(-1);
    this.status.message(now, last?.time);
    if (!last) return;
    this.tape = (this.transport === 'websocket' ? [...this.tape, ...trades] : trades).slice(-RECENT_TRADES);
    this.emit({ exchange: this.deps.source.id, symbol: this.symbol, trades: this.tape });
  }

  protected unwatch(): Promise<void> {
    return this.deps.source.unwatchTrades(this.symbol);
  }
}

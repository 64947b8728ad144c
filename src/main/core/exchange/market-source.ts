import type { ExchangeCapabilities, MarketInfo } from '../../../shared/domain/exchange';
import type { Candle, OrderBook, Ticker, Trade } from '../../../shared/domain/market';

/** What one wake of a candle watch hands over: every candle changed since `fromOpenTime`. */
export type CandleBatch = {
  candles: Candle[];
  /** changes whenever the socket carrying the stream was replaced (a reconnect, silent or not) */
  connection: number;
};

export type TickerBatch = { ticker: Ticker; connection: number };
export type BookBatch = { book: Omit<OrderBook, 'synced'>; connection: number };
/** trades since the previous wake, oldest first */
export type TradesBatch = { trades: Trade[]; connection: number };

/**
 * Priority of REST calls: markets first, then live data (polls; every other start while history
 * waits, rest-gate.ts), then gaps newest first (their end time), then the rest.
 */
export const REST_PRIORITY = { markets: Number.MAX_SAFE_INTEGER, poll: Number.MAX_SAFE_INTEGER - 1 } as const;

/**
 * One exchange as the feed sees it: a ccxt.pro instance or the built-in simulator. Watch calls
 * resolve on the next update and never sleep; REST calls go through the source's rate gate, so no
 * REST call is made inside an exchange's Retry-After window.
 */
export type MarketSource = {
  readonly id: string;
  readonly name: string;
  readonly simulated: boolean;
  readonly sandbox: boolean;

  /** Loads (or with `reload`, refreshes) the markets; memoized until it fails. */
  loadMarkets(reload?: boolean): Promise<void>;
  readonly marketsLoadedAt: number | null;
  markets(): readonly MarketInfo[];
  market(symbol: string): MarketInfo | undefined;
  /** valid once markets are loaded */
  capabilities(): ExchangeCapabilities;

  watchCandles(symbol: string, timeframe: string, fromOpenTime: number | undefined): Promise<CandleBatch>;
  unwatchCandles(symbol: string, timeframe: string): Promise<void>;
  /** candles opening at or after `since`, oldest first, at most `limit` */
  fetchCandles(
    symbol: string,
    timeframe: string,
    since: number,
    limit: number,
    priority: number,
  ): Promise<Candle[]>;

  watchTicker(symbol: string): Promise<TickerBatch>;
  unwatchTicker(symbol: string): Promise<void>;
  fetchTicker(symbol: string): Promise<Ticker>;

  watchOrderBook(symbol: string, depth: number): Promise<BookBatch>;
  unwatchOrderBook(symbol: string): Promise<void>;
  fetchOrderBook(symbol: string, depth: number): Promise<Omit<OrderBook, 'synced'>>;

  watchTrades(symbol: string): Promise<TradesBatch>;
  unwatchTrades(symbol: string): Promise<void>;
  /** the last `limit` public trades, oldest first */
  fetchTrades(symbol: string, limit: number): Promise<Trade[]>;

  /**
   * Since when the subscription of a stream waits to be sent (the socket still connecting, the
   * library's reconnect backoff, the socket's message pace); null when it went out or is unknown.
   * The stream's stale clock starts only once it went out (pending-subscriptions.ts).
   */
  subscriptionWaitingSince?(channel: 'candles' | 'ticker', symbol: string, timeframe?: string): number | null;

  /** resolves once no Retry-After window is open (ccxt's own REST snapshots must wait for it too) */
  restWindowClear(): Promise<void>;
  /** ms left in the current Retry-After window, 0 when none */
  restBlockedForMs(): number;

  /**
   * Drops the connection carrying `symbol`'s streams (every connection without a symbol), so
   * pending watches fail and the loops reconnect. Used for stale streams and OS resume.
   * `keepLiveSockets`: a socket still delivering data (other streams on it are flowing) is kept —
   * the stale stream is quiet, not its socket (issue 16: a quiet symbol tore down busy ones).
   */
  reconnect(symbol?: string, opts?: { keepLiveSockets?: boolean }): void;
  close(): Promise<void>;
};

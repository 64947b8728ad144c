import type { Candle } from '../../../src/shared/domain/market';
import type { Now } from './clock';
import type { RestLogEntry } from './rest-handler';

/**
 * What every fake exchange offers a protocol-independent test (the exchange matrix in
 * tests/support/exchange-matrix): the same deterministic ground-truth market (price-series.ts), the
 * same fault controls, and ccxt options that point the real `ccxt.pro.<exchange>` at it.
 */
export type FakeVenueOptions = {
  /** ccxt symbols, default ['BTC/USDT', 'ETH/USDT', 'SOL/USDT'] */
  symbols?: string[];
  /** how far back the ground truth goes (rounded down to a UTC midnight), default 2 days */
  historyMs?: number;
  /** deterministic series: same seed, same candles */
  seed?: number;
  /** how often subscribed streams get an update, default 250 */
  updateIntervalMs?: number;
  /** the server's clock (default the real one): see clock.ts */
  now?: Now;
};

export type VenueFaults = {
  /** terminates every WebSocket (no close frame, like a network drop) */
  dropAllConnections(): void;
  /** a frame that is not JSON (a truncated candle event) to every socket */
  sendMalformedFrame(): void;
  /**
   * Sockets stay open but no data for `ms`; command answers wait until after. `pongs` (default
   * true): the exchange's heartbeat is still answered, so the socket looks alive.
   */
  stall(ms: number, opts?: { pongs?: boolean }): void;
  /** the next `count` REST calls are refused with the exchange's own rate-limit answer */
  rateLimit(count: number): void;
  /**
   * A thin market: nobody trades on any listed market in [fromMs, toMs) (past or future; set it
   * before anything of that span is served). What the exchange then shows follows its own rule for
   * intervals without trades, on the socket and over REST alike: flat bars, or nothing.
   */
  noTrades(fromMs: number, toMs: number): void;
};

export type FakeVenue = {
  /** the ccxt id this server speaks for, e.g. 'binance', 'okx' */
  readonly exchange: string;
  /** options for `new ccxt.pro.<exchange>(…)`, with an `httpAgent` for ws:// (not JSON) */
  ccxtConfig(): Record<string, unknown>;
  /** the same without `httpAgent`, as a JSON config file gives it */
  ccxtJsonConfig(): Record<string, unknown>;
  /**
   * Closed candles with open times in [fromOpenTime, toOpenTime], as ccxt parses them from this
   * exchange's REST answer; `timeframe` is ccxt's unified name. Bars are the ones this server gives
   * for that timeframe on the channel ccxt should use (UTC bars where the exchange offers them).
   */
  truth(symbol: string, timeframe: string, fromOpenTime: number, toOpenTime: number): Candle[];
  faults: VenueFaults;
  /** every answered REST request, in answer order, with its arrival time */
  restLog(): RestLogEntry[];
  close(): Promise<void>;
};

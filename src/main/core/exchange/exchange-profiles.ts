import type { StreamErrorKind } from '../../../shared/domain/stream';

/**
 * What the code knows about one exchange beyond ccxt's `has` map: how its candle streams behave,
 * and the ccxt quirks met on it (each worked around in one place, named here as data so the feed
 * never tests an exchange id). Every record is checked against that exchange's fake in
 * tests/integration/exchanges/.
 */
export type ExchangeProfile = {
  /** the exchange's own "this candle is closed" flag reaches us through ccxt */
  closedFlag: boolean;
  /** an interval without trades is pushed as a flat candle (false: nothing until the next trade) */
  pushesEmptyIntervals: boolean;
  /** subscriptions one socket carries at most, per the exchange's docs (null: none published) */
  maxStreamsPerSocket: number | null;
  /** subscribe messages per second per socket, per the exchange's docs (null: none published) */
  subscribesPerSecond: number | null;
  /** the socket's bars (and ccxt's REST bars) start at UTC boundaries for every timeframe used */
  barAlignment: 'utc';
  /** 1-second candles exist */
  secondCandles: boolean;
  /** order book updates carry a checksum ccxt verifies */
  bookChecksum: boolean;
  quirks: ExchangeQuirks;
};

export type ExchangeQuirks = {
  /**
   * ccxt stores the candle cache under the unified timeframe but looks it up under the exchange's
   * own interval name from `options[marketType].timeframes`: every message starts a new one-candle
   * cache. The names listed (per market type) are aliased to the unified key.
   */
  ohlcvCacheLookedUpByExchangeInterval?: readonly ('spot' | 'swap')[];
  /** exchange error codes ccxt maps to a class that hides what they mean */
  errorCodes?: Readonly<Record<string, StreamErrorKind>>;
  /** a rate-limited reply says when to retry in this header (ms from now), not in Retry-After */
  rateLimitResetMsHeader?: string;
};

/** When an exchange rate-limits without a Retry-After, REST calls pause this long. */
export const RATE_LIMIT_PAUSE_MS = 10_000;

const PROFILES: Readonly<Record<string, ExchangeProfile>> = {
  bingx: {
    closedFlag: false,
    pushesEmptyIntervals: false,
    maxStreamsPerSocket: 200,
    subscribesPerSecond: 10,
    barAlignment: 'utc',
    secondCandles: false,
    bookChecksum: false,
    quirks: {
      // ccxt 4.5.84 pro/bingx.js handleOHLCV: `safeValue(this.ohlcvs[symbol], rawTimeframe)` with
      // rawTimeframe '1min' while the cache is stored under '1m' (spot only: swap names are unified).
      ohlcvCacheLookedUpByExchangeInterval: ['spot'],
      // BingX's rate-limit reply (HTTP 200, {"code":100410}) becomes ccxt's OperationFailed.
      errorCodes: { '100410': 'rate-limited' },
    },
  },
  bitget: {
    closedFlag: false,
    pushesEmptyIntervals: true,
    maxStreamsPerSocket: 1000,
    subscribesPerSecond: 10,
    barAlignment: 'utc',
    secondCandles: false,
    bookChecksum: true,
    quirks: {},
  },
  kucoinfutures: {
    closedFlag: false,
    pushesEmptyIntervals: false,
    maxStreamsPerSocket: 100,
    subscribesPerSecond: 10,
    barAlignment: 'utc',
    secondCandles: false,
    bookChecksum: false,
    quirks: {
      // KuCoin answers 429 {"code":"429000"} with gw-ratelimit-reset (ms) and no Retry-After, and
      // ccxt 4.5.84's kucoin handleErrors throws a plain ExchangeError for it before looking at
      // the HTTP status: it would read as a permanent rejection.
      errorCodes: { '429000': 'rate-limited' },
      rateLimitResetMsHeader: 'gw-ratelimit-reset',
    },
  },
};

/** The exchange's profile, or undefined for one nobody has checked yet. */
export function exchangeProfile(id: string): ExchangeProfile | undefined {
  return PROFILES[id];
}

/** The kind an exchange error code really means, when ccxt's class hides it. */
export function errorKindOfCode(quirks: ExchangeQuirks, message: string): StreamErrorKind | undefined {
  if (!quirks.errorCodes) return undefined;
  const code = /"code"\s*:\s*"?(-?\d+)/.exec(message)?.[1];
  return code === undefined ? undefined : quirks.errorCodes[code];
}

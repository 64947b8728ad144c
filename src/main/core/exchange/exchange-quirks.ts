import type { Exchange } from 'ccxt';
import type { ExchangeFacts } from '../../../shared/domain/exchange';
import type { StreamErrorKind } from '../../../shared/domain/stream';
import { MarketDataError } from '../base/classify-error';

/**
 * What we know about an exchange beyond what ccxt says, as data: the feed never branches on an
 * exchange id. Each fact names the exchange's documentation (or the issue thread) it comes from;
 * docs/exchanges.md lists them with the ccxt quirks they work around.
 */
export type ExchangeQuirks = {
  facts: ExchangeFacts;
  /**
   * ccxt timeframe → the exchange's bar name, used on the socket and over REST alike so a series
   * never mixes two alignments (invariant 8).
   */
  utcBars?: Record<string, string>;
  /** ccxt options laid under the user's (theirs win), e.g. to keep ccxt from rewriting a bar name */
  ccxtOptions?: Record<string, unknown>;
  /** REST pause after a rate-limit answer without Retry-After (the exchange's own limit window) */
  rateLimitPauseMs: number;
  /** a rate-limit answer says when to retry in this header (ms from now) instead of Retry-After */
  rateLimitResetMsHeader?: string;
  /** exchange error codes ccxt maps to a class that hides what they mean (ccxt-source.ts) */
  errorCodes?: Readonly<Record<string, StreamErrorKind>>;
  /**
   * Market types on which ccxt stores its candle cache under the unified timeframe but looks it up
   * under the exchange's own interval name (`options[type].timeframes`), so every message starts a
   * one-candle cache; ccxt-source.ts aliases the names (see repairCandleCacheLookup).
   */
  candleCacheLookedUpByExchangeInterval?: readonly string[];
  /**
   * Error codes of socket error frames that ccxt turns into a rejection of every pending watch on the
   * socket, whatever subscription they were about: for the streams that meet them, a reason to
   * resubscribe, not a verdict on their own subscription.
   */
  socketWideErrorCodes?: readonly string[];
  /**
   * The subscription hash by which ccxt picks the one socket of all candle streams (binance:
   * 'multipleOHLCV'): candle-sockets.ts spreads them over sockets of `facts.maxStreamsPerSocket`.
   */
  candleSocketHash?: string;
  /**
   * Most streams one subscribe message may name (ccxt-source.ts batches candle subscriptions into one
   * watchOHLCVForSymbols call; ccxt does not split it): a longer one is refused whole.
   */
  subscribeArgsMax?: number;
  /**
   * The margin mode is the account's, not the position's: positions do not carry it, and the
   * account side reads it with ccxt's fetchMarginMode (account-client.ts).
   */
  marginModePerAccount?: boolean;
};

/** For an exchange we have not studied: what ccxt tells, nothing promised. */
const UNKNOWN_FACTS: ExchangeFacts = {
  closedFlagSent: false,
  pushesQuietIntervals: null,
  candlePushMs: null,
  maxStreamsPerSocket: null,
  subscribesPerSecond: null,
  barAlignment: 'utc',
  oneSecondCandles: false,
  bookChecksum: false,
};

/** When a 429 carries no Retry-After and nothing else is known, wait this long (ccxt-source.ts). */
export const DEFAULT_RATE_LIMIT_PAUSE_MS = 10_000;

const QUIRKS: Record<string, ExchangeQuirks> = {
  binance: {
    facts: {
      // Kline stream: `x` "Is this kline closed?"; "Update Speed: 1000ms for 1s, 2000ms for the other
      // intervals" whether or not anything traded (Binance spot "WebSocket Streams", Kline/Candlestick).
      closedFlagSent: true,
      pushesQuietIntervals: true,
      candlePushMs: 2_000,
      // "A single connection can listen to a maximum of 1024 streams"; "5 incoming messages per
      // second" (WebSocket Limits).
      maxStreamsPerSocket: 1_024,
      subscribesPerSecond: 5,
      barAlignment: 'utc',
      oneSecondCandles: true,
      // Depth diffs chain by U/u update ids; no checksum.
      bookChecksum: false,
    },
    rateLimitPauseMs: DEFAULT_RATE_LIMIT_PAUSE_MS,
    candleSocketHash: 'multipleOHLCV',
  },
  okx: {
    facts: {
      // Candles: `confirm` "0: uncompleted, 1: completed"; pushed while the candle changes, at most
      // every 500 ms (docs-v5 "WS / Candlesticks channel"). A market without trades pushes nothing.
      closedFlagSent: true,
      pushesQuietIntervals: false,
      candlePushMs: 500,
      // "requests to subscribe … limited to 3 requests per second" per connection; no documented
      // stream cap per connection (only the 64 KB request size) (docs-v5 "WebSocket / Overview").
      maxStreamsPerSocket: null,
      subscribesPerSecond: 3,
      barAlignment: 'utc (6H/12H/1D/1W on their …utc channels)',
      // candle1s exists on the socket, but REST answers 51000 "Parameter bar error" for bar=1s
      // (ValueCell-ai/valuecell#543): a 1s series could never be backfilled, so it is not offered
      // (ccxt 4.5.84 has no '1s' in okx.timeframes either).
      oneSecondCandles: false,
      // `books`: seqId/prevSeqId chain plus a CRC32 `checksum` of the top 25 levels (docs-v5 "WS /
      // Order book channel"); ccxt 4.5.84 checks the seqId chain and ignores the checksum.
      bookChecksum: true,
    },
    /**
     * ccxt 4.5.84 bug: okx.watchOHLCV('1d') subscribes `candle1D`, OKX's Hong Kong bar (opens 16:00
     * UTC), while fetchOHLCV('1d') asks REST for `1Dutc` (options.fetchOHLCV.timezone 'UTC' appends
     * "utc" for 6h and longer): a series backfilled over REST and continued over the socket mixed
     * 00:00 and 16:00 candles. The map points both at the UTC bar; the timezone option is set to
     * anything but 'UTC' so fetchOHLCV does not append "utc" a second time ("1Dutcutc").
     */
    utcBars: { '6h': '6Hutc', '12h': '12Hutc', '1d': '1Dutc', '1w': '1Wutc', '1M': '1Mutc', '3M': '3Mutc' },
    ccxtOptions: { fetchOHLCV: { timezone: 'bar names from timeframes (candlewatch)' } },
    // Limits are counted per 2-second window per endpoint, and 50011 comes without Retry-After
    // (docs-v5 "Rate Limits").
    rateLimitPauseMs: 2_000,
    /**
     * ccxt 4.5.84 bug: okx.handleErrorMessage answers any `{"event":"error"}` frame with
     * client.reject(error) and no message hash, so one 60018 ("channel … doesn't exist", sent for one
     * bad subscription) or 60012 ("Illegal request") rejects every watch pending on that socket as a
     * BadRequest — every candle stream sharing it went to 'error' and waited the longest retry delay.
     */
    socketWideErrorCodes: ['60018', '60012'],
  },
  bybit: {
    facts: {
      // Kline: `confirm` "Weather the tick is ended or not"; "Push frequency: 1-60s" — pushed while
      // nothing trades too (v5 "WS / Kline").
      closedFlagSent: true,
      pushesQuietIntervals: true,
      candlePushMs: 60_000,
      // Spot: "up to 10 args for each subscription request"; no documented topic cap per
      // connection; 500 connections per 5 minutes per IP (v5 "WebSocket Connect").
      maxStreamsPerSocket: null,
      subscribesPerSecond: null,
      barAlignment: 'utc',
      oneSecondCandles: false,
      // Orderbook deltas carry `u`/`seq`, no checksum (v5 "WS / Orderbook").
      bookChecksum: false,
    },
    // 10006 "Too many visits!" comes as HTTP 200 with X-Bapi-Limit-Reset-Timestamp; per-second
    // endpoint limits ("Rate Limit Rules").
    rateLimitPauseMs: 1_000,
    // Spot: "up to 10 args for each subscription request", a longer one fails whole ("WebSocket
    // Connect", Limits): 20 candle streams started together never went live (found by bench engine).
    subscribeArgsMax: 10,
    // A unified account (UTA 2.0) sets the margin mode for the whole account: "Get Account Info"
    // `marginMode` ISOLATED_MARGIN / REGULAR_MARGIN / PORTFOLIO_MARGIN, while "Get Position Info"'s
    // `tradeMode` is deprecated there (always 0), and ccxt 4.5.84 leaves the position's marginMode
    // undefined ("tradeMode was deprecated"); its fetchMarginMode reads the account's.
    marginModePerAccount: true,
  },
  bingx: {
    facts: {
      // Kline pushes carry no closed flag, only the current bar, and only when it changes (BingX
      // API docs, Spot/Swap "Websocket Market Data" K-line streams).
      closedFlagSent: false,
      pushesQuietIntervals: false,
      candlePushMs: null,
      // No per-connection topic cap or subscribe rate found in BingX's docs: unknown.
      maxStreamsPerSocket: null,
      subscribesPerSecond: null,
      // Spot REST klines are UTC+8 days unless timeZone=0, which ccxt 4.5.84 sends by default; the
      // socket's bars are UTC.
      barAlignment: 'utc',
      oneSecondCandles: false,
      bookChecksum: false,
    },
    // 100410 comes as HTTP 200 without Retry-After ("rate limitation"; BingX API docs, error codes).
    rateLimitPauseMs: 1_000,
    // ccxt 4.5.84 maps 100410 to OperationFailed (a server failure), not a rate limit.
    errorCodes: { '100410': 'rate-limited' },
    // ccxt 4.5.84 pro/bingx.js handleOHLCV: `safeValue(this.ohlcvs[symbol], rawTimeframe)` with the
    // spot name '1min' while the cache is stored under '1m' (swap names are the unified ones).
    candleCacheLookedUpByExchangeInterval: ['spot'],
  },
  bitget: {
    facts: {
      // Candle channel: a snapshot on subscribe, then updates of the current bar, no closed flag;
      // pushed every 500 ms whether or not it changed (Bitget v2 "Candlestick Channel"). UTC bars
      // through the ccxtOptions below (the plain 6H/12H/1D/1W channels are UTC+8).
      closedFlagSent: false,
      pushesQuietIntervals: true,
      candlePushMs: 500,
      // "1000 channels per connection" (recommended under 50); "10 messages per second" per
      // connection (Bitget v2 "Websocket API" connection limits).
      maxStreamsPerSocket: 1_000,
      subscribesPerSecond: 10,
      barAlignment: 'utc',
      oneSecondCandles: false,
      // books: a CRC32 `checksum` of the top 25 levels (Bitget v2 "Depth Channel").
      bookChecksum: true,
    },
    // 429 {"code":"429","msg":"Too Many Requests"} without Retry-After; limits per second per
    // endpoint (Bitget v2 "Rate limit").
    rateLimitPauseMs: 1_000,
    /**
     * ccxt 4.5.84 bug, as on OKX: bitget.watchOHLCV('1d') subscribes `candle1D`, Bitget's UTC+8 bar
     * (opens 16:00 UTC), while fetchOHLCV('1d') asks REST for `1Dutc`; the socket's bar names are
     * pointed at the UTC channels (Bitget v2 "Candlestick Channel" lists candle6Hutc … candle1Wutc),
     * so socket and REST give the same bars. ccxt maps 'candle1Dutc' pushes back to '1d'.
     */
    ccxtOptions: { timeframes: { '6h': '6Hutc', '12h': '12Hutc', '1d': '1Dutc', '1w': '1Wutc' } },
  },
  kucoinfutures: {
    facts: {
      // /contractMarket/limitCandle: the current bar on each trade, no closed flag; a market without
      // trades is silent (KuCoin docs, futures "Klines" channel).
      closedFlagSent: false,
      pushesQuietIntervals: false,
      candlePushMs: null,
      // 100 topics per connection; 100 client messages per 10 s per connection (KuCoin docs,
      // "WebSocket" connection and rate limits).
      maxStreamsPerSocket: 100,
      subscribesPerSecond: 10,
      barAlignment: 'utc',
      oneSecondCandles: false,
      bookChecksum: false,
    },
    rateLimitPauseMs: 1_000,
    // KuCoin answers 429 {"code":"429000"} with gw-ratelimit-reset (ms) and no Retry-After
    // (KuCoin docs, "Rate limit"); ccxt 4.5.84's kucoin handleErrors throws a plain ExchangeError
    // for it before looking at the HTTP status: it would read as a permanent rejection.
    rateLimitResetMsHeader: 'gw-ratelimit-reset',
    errorCodes: { '429000': 'rate-limited' },
  },
};

/** The kind an exchange error code really means, when ccxt's class hides it (else undefined). */
export function errorKindOfCode(quirks: ExchangeQuirks, message: string): StreamErrorKind | undefined {
  if (!quirks.errorCodes) return undefined;
  const code = /"code"\s*:\s*"?(-?\d+)/.exec(message)?.[1];
  return code === undefined ? undefined : quirks.errorCodes[code];
}

export function quirksOf(exchangeId: string): ExchangeQuirks {
  return QUIRKS[exchangeId] ?? { facts: UNKNOWN_FACTS, rateLimitPauseMs: DEFAULT_RATE_LIMIT_PAUSE_MS };
}

/**
 * The error a watch or REST call should report: a socket-wide error frame (see
 * socketWideErrorCodes) becomes a network error, so the stream resubscribes with its normal backoff;
 * an error code ccxt misclassifies (see errorCodes) becomes the kind it means; anything else is
 * unchanged.
 */
export function quirkError(exchangeId: string, err: unknown): unknown {
  if (!(err instanceof Error)) return err;
  const quirks = quirksOf(exchangeId);
  const code = quirks.socketWideErrorCodes?.find((c) => err.message.includes(`"code":"${c}"`));
  if (code !== undefined)
    return new MarketDataError(
      'network',
      `${exchangeId}: the socket reported error ${code} (for this or another subscription on it); subscribing again`,
    );
  const kind = errorKindOfCode(quirks, err.message);
  return kind === undefined ? err : new MarketDataError(kind, err.message);
}

/** Applies the bar map to a fresh ccxt instance (its `timeframes` object is its own). */
export function applyQuirks(exchangeId: string, ex: Exchange): void {
  const { utcBars } = quirksOf(exchangeId);
  if (utcBars) ex.timeframes = { ...ex.timeframes, ...pickExisting(ex.timeframes, utcBars) };
}

/** Only timeframes ccxt already offers: the map corrects bar names, it adds no timeframe. */
function pickExisting(timeframes: Record<string, unknown> | undefined, bars: Record<string, string>) {
  return Object.fromEntries(Object.entries(bars).filter(([tf]) => timeframes?.[tf] !== undefined));
}

import type { Exchange } from 'ccxt';
import type { ExchangeFacts } from '../../../shared/domain/exchange';
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
  /**
   * Error codes of socket error frames that ccxt turns into a rejection of every pending watch on the
   * socket, whatever subscription they were about: for the streams that meet them, a reason to
   * resubscribe, not a verdict on their own subscription.
   */
  socketWideErrorCodes?: readonly string[];
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
  },
};

export function quirksOf(exchangeId: string): ExchangeQuirks {
  return QUIRKS[exchangeId] ?? { facts: UNKNOWN_FACTS, rateLimitPauseMs: DEFAULT_RATE_LIMIT_PAUSE_MS };
}

/**
 * The error a watch should report: a socket-wide error frame (see socketWideErrorCodes) becomes a
 * network error, so the stream resubscribes with its normal backoff; anything else is unchanged.
 */
export function watchError(exchangeId: string, err: unknown): unknown {
  const codes = quirksOf(exchangeId).socketWideErrorCodes;
  if (!codes || !(err instanceof Error)) return err;
  const code = codes.find((c) => err.message.includes(`"code":"${c}"`));
  if (code === undefined) return err;
  return new MarketDataError(
    'network',
    `${exchangeId}: the socket reported error ${code} (for this or another subscription on it); subscribing again`,
  );
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

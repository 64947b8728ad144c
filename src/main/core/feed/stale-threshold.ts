import { timeframeMs } from '../../../shared/timeframe';

/** Polled tickers, order books and trades are fetched this often. */
export const QUOTE_POLL_MS = 5_000;

/** A poll is late only this long after its interval: one REST answer may take seconds. */
const POLL_SLACK_MS = 10_000;

/** Polling an exchange without websocket candles: often enough to see each candle close, gently. */
export function pollIntervalMs(timeframe: string): number {
  return Math.min(15_000, Math.max(2_000, Math.floor(timeframeMs(timeframe) / 4)));
}

/** What a stream carries and how it gets it, as far as its stale threshold cares. */
export type StaleChannel =
  | { kind: 'candles'; timeframe: string; polling: boolean }
  | { kind: 'ticker' | 'orderbook' | 'trades'; polling: boolean };

/**
 * How long a stream may go without data before it is called stale, per channel. A streamed channel
 * uses the setting (feed.staleTimeoutMs); a candle stream on an exchange silent while nothing
 * trades asks REST before it is called stale (CandleStream.quietCheck). A polled channel gets data
 * once per poll, so its threshold is at least its poll interval (by timeframe for candles: 2 s for
 * 1m … 15 s for 1h and longer) plus slack: with a 5 s setting, a 1h series polled every 15 s was
 * stale before each poll.
 */
export function staleAfterMs(channel: StaleChannel, settingMs: number): number {
  if (!channel.polling) return settingMs;
  const interval = channel.kind === 'candles' ? pollIntervalMs(channel.timeframe) : QUOTE_POLL_MS;
  return Math.max(settingMs, interval + POLL_SLACK_MS);
}

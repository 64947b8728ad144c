import type {
  StreamError,
  StreamErrorKind,
  StreamInfo,
  StreamKind,
  StreamState,
} from '../../shared/domain/stream';
import { formatInteger } from '../format/numbers';

export const STATE_WORDS: Record<StreamState, string> = {
  connecting: 'Connecting',
  live: 'Live',
  stale: 'Stale',
  reconnecting: 'Reconnecting',
  backfilling: 'Backfilling',
  polling: 'Polling',
  error: 'Error',
  stopped: 'Stopped',
};

/** What each state means, for the row's tooltip. */
const STATE_HINTS: Record<StreamState, string> = {
  connecting: 'Opening the connection to the exchange.',
  live: 'Data is flowing.',
  stale:
    'No data message for longer than the stale timeout (and, where the exchange is silent while nothing trades, it shows trades this stream never got): reconnecting.',
  reconnecting: 'Waiting before the next attempt (backoff).',
  backfilling: 'Fetching missed candles over REST; later live candles wait until the hole is filled.',
  polling: 'The exchange has no websocket feed for this: polling over REST.',
  error: 'Failing; retrying with backoff.',
  stopped: 'Not running.',
};

const ERROR_WORDS: Record<StreamErrorKind, string> = {
  network: 'Network problem',
  'exchange-unavailable': 'Exchange unavailable',
  'rate-limited': 'Rate limited by the exchange',
  auth: 'API key refused',
  'bad-symbol': 'Unknown symbol',
  'bad-timeframe': 'Timeframe not offered',
  checksum: 'Order book out of sync',
  malformed: 'Malformed data from the exchange',
  'not-supported': 'Not supported by this exchange',
  stale: 'No data arrived',
  rejected: 'Rejected',
  unknown: 'Unexpected error',
};

/** The state's tooltip, with the silence after which this stream's channel is called stale. */
export function stateHint(
  s: Pick<StreamInfo, 'state' | 'staleAfterMs'>,
  age: (ms: number) => string,
): string {
  const threshold = s.staleAfterMs === null ? '' : ` Called stale after ${age(s.staleAfterMs)} without data.`;
  return `${STATE_HINTS[s.state]}${threshold}`;
}

/**
 * A live stream that is silent because nothing trades: the exchange confirmed it over REST, so it is
 * not a dead stream (null when the stream is not quiet). The silence is measured by the core's own
 * clock (lastMessageAgeMs): the renderer's may differ.
 */
export function quietInWords(
  s: Pick<StreamInfo, 'quietSince' | 'lastMessageAgeMs'>,
  age: (ms: number) => string,
): string | null {
  if (s.quietSince === null) return null;
  const silent = s.lastMessageAgeMs === null ? '' : ` for ${age(s.lastMessageAgeMs)}`;
  return `quiet market: no trades${silent} (the exchange confirms)`;
}

export function errorInWords(error: StreamError): string {
  const head = ERROR_WORDS[error.kind];
  const message = error.message.trim();
  return message && message.toLowerCase() !== head.toLowerCase() ? `${head}: ${message}` : head;
}

const KIND_WORDS: Record<Exclude<StreamKind, 'candles'>, string> = {
  ticker: 'ticker',
  orderbook: 'order book',
  trades: 'trades',
  balance: 'balances',
  orders: 'orders',
  fills: 'fills',
  positions: 'positions',
  funding: 'funding',
};

/** Streams of the account (balances, orders…) rather than of a market. */
export const isAccountStream = (s: Pick<StreamInfo, 'kind'>) =>
  s.kind === 'balance' ||
  s.kind === 'orders' ||
  s.kind === 'fills' ||
  s.kind === 'positions' ||
  s.kind === 'funding';

/** "BTC/USDT 1m", "BTC/USDT ticker", "BTC/USDT order book", "account balances". */
export function streamLabel(s: Pick<StreamInfo, 'symbol' | 'kind' | 'timeframe'>): string {
  if (s.kind === 'candles') return `${s.symbol} ${s.timeframe ?? ''}`.trim();
  if (isAccountStream(s)) return `account ${KIND_WORDS[s.kind]}`;
  return `${s.symbol} ${KIND_WORDS[s.kind]}`;
}

/**
 * How far the first start of an exchange's candle streams is, in words, while any is still on it:
 * each new series fetches its warm-up history over REST before it goes live, and the exchange's
 * weight limit paces those calls (3,000 series on Binance take about a minute), so a large watchlist
 * is never silently "not live yet". Null once every stream has started.
 */
export function warmupInWords(
  streams: readonly Pick<StreamInfo, 'kind' | 'state' | 'reconnects'>[],
): string | null {
  const candles = streams.filter((s) => s.kind === 'candles' && s.state !== 'stopped');
  const first = (state: StreamState) => candles.filter((s) => s.state === state && s.reconnects === 0).length;
  const warming = first('backfilling');
  const connecting = first('connecting');
  if (warming + connecting === 0) return null;
  const live = candles.filter((s) => s.state === 'live' || s.state === 'polling').length;
  const parts = [`${formatInteger(live)} live`];
  if (warming > 0)
    parts.push(
      `${formatInteger(warming)} fetching their warm-up history over REST, paced by the exchange's rate limit`,
    );
  if (connecting > 0) parts.push(`${formatInteger(connecting)} connecting`);
  return `Starting ${formatInteger(candles.length)} candle streams: ${parts.join(', ')}.`;
}

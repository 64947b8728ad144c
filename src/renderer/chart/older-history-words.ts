import { formatInteger } from '../format/numbers';
import type { OlderHistory } from './chart-controller';

/** What the chart's status line says about scroll-back, after the candle count; '' when nothing. */
export function olderHistoryWords(older: OlderHistory, exchangeName: string): string {
  switch (older.kind) {
    case 'more':
      return '';
    case 'loading':
      if (older.from === 'store') return 'loading older candles…';
      return `loading older candles from ${exchangeName}…${older.fetched > 0 ? ` ${formatInteger(older.fetched)} fetched so far` : ''}`;
    case 'end':
      if (older.reason === 'exchange') return `start of ${exchangeName}'s history`;
      if (older.reason === 'retention') return 'start of kept history (retention setting)';
      return 'start of stored history';
    case 'failed':
      return 'older candles could not be loaded';
    case 'waiting':
      return `${exchangeName} is limiting requests`;
  }
}

/**
 * The banner while scroll-back waits out a rate limit, counting down whole seconds (never "0 s":
 * the retry is on its way by then).
 */
export function olderRetryWords(exchangeName: string, msLeft: number): string {
  const seconds = Math.max(1, Math.ceil(msLeft / 1000));
  return `${exchangeName} is limiting requests; loading older candles again in ${formatInteger(seconds)} s`;
}

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
  }
}

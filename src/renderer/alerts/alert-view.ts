import type { Alert, AlertFilter } from '../../shared/domain/alert';
import { symbolSchema } from '../../shared/domain/ids';
import type { Signal } from '../../shared/domain/rule';
import type { UiActions } from '../state/ui-store';

export const SIGNAL_TONE: Record<Signal, 'up' | 'down' | 'info'> = { BUY: 'up', SELL: 'down', INFO: 'info' };

export type AlertSortKey = 'firedAt' | 'symbol' | 'ruleName' | 'signal' | 'price' | 'strength' | 'status';
export type AlertSort = { key: AlertSortKey; descending: boolean };

export function sortAlerts(alerts: readonly Alert[], sort: AlertSort): Alert[] {
  const dir = sort.descending ? -1 : 1;
  return [...alerts].sort((a, b) => {
    const x = a[sort.key];
    const y = b[sort.key];
    const c = typeof x === 'number' && typeof y === 'number' ? x - y : String(x).localeCompare(String(y));
    // Ties keep the newest first, whatever the column.
    return c !== 0 ? c * dir : b.id - a.id;
  });
}

/** The filter form as typed; dates are `yyyy-mm-dd` of the local calendar. */
export type AlertFilterForm = {
  symbol: string;
  ruleId: string;
  signal: '' | Signal;
  status: '' | Alert['status'];
  fromDate: string;
  toDate: string;
};

export const EMPTY_FILTER: AlertFilterForm = {
  symbol: '',
  ruleId: '',
  signal: '',
  status: '',
  fromDate: '',
  toDate: '',
};

const localMidnight = (date: string, addDays = 0) => {
  const [y, m, d] = date.split('-').map(Number);
  return new Date(y!, (m ?? 1) - 1, (d ?? 1) + addDays).getTime();
};

/**
 * The contract filter, plus the part it cannot express: a symbol typed halfway ("BTC") is matched
 * here on the loaded rows; a full symbol goes to the core.
 */
export function toContractFilter(form: AlertFilterForm): {
  filter: AlertFilter;
  symbolContains: string | null;
} {
  const filter: AlertFilter = {};
  let symbolContains: string | null = null;
  const symbol = form.symbol.trim().toUpperCase();
  if (symbol) {
    if (symbolSchema.safeParse(symbol).success) filter.symbol = symbol;
    else symbolContains = symbol;
  }
  if (form.ruleId) filter.ruleId = Number(form.ruleId);
  if (form.signal) filter.signal = form.signal;
  if (form.status) filter.status = form.status;
  if (form.fromDate) filter.from = localMidnight(form.fromDate);
  // The "to" day is included: the filter ends at the next midnight (not +24 h: DST days differ).
  if (form.toDate) filter.to = localMidnight(form.toDate, 1);
  return { filter, symbolContains };
}

/**
 * Shows what an alert was about: a rule's alert opens its chart at the candle that fired it; a
 * fill's (it has no timeframe) opens the Account tab at that fill.
 */
export function openAlert(ui: Pick<UiActions, 'openChart' | 'openFill'>, a: Alert): void {
  if (a.kind === 'fill') ui.openFill({ exchange: a.exchange, alertId: a.id, time: a.candleTime });
  else
    ui.openChart({ exchange: a.exchange, symbol: a.symbol }, { timeframe: a.timeframe, time: a.candleTime });
}

/** The words of the button that opens it. */
export const openAlertLabel = (a: Alert): string => (a.kind === 'fill' ? 'Open in Account' : 'Open chart');

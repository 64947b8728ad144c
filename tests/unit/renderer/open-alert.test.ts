import { describe, expect, it } from 'vitest';
import { openAlert, openAlertLabel } from '../../../src/renderer/alerts/alert-view';
import { createUiStore } from '../../../src/renderer/state/ui-store';
import type { Alert } from '../../../src/shared/domain/alert';

const alert = (over: Partial<Alert>): Alert => ({
  id: 7,
  kind: 'rule',
  ruleId: 1,
  ruleName: 'r',
  signal: 'INFO',
  exchange: 'binance',
  symbol: 'BTC/USDT',
  timeframe: '5m',
  candleTime: 1_000,
  price: 1,
  values: {},
  strength: 1,
  strengthBasis: '',
  message: 'm',
  firedAt: 1_000,
  status: 'active',
  statusAt: 1_000,
  urgent: false,
  ...over,
});
const fill = alert({
  id: 9,
  kind: 'fill',
  ruleId: null,
  ruleName: 'Order filled',
  timeframe: '',
  candleTime: 5_000,
});

describe('opening an alert', () => {
  it("a rule's alert opens its chart at its timeframe and candle", () => {
    const ui = createUiStore(undefined);
    openAlert(ui.getState(), alert({}));
    expect(ui.getState()).toMatchObject({
      chart: { exchange: 'binance', symbol: 'BTC/USDT' },
      timeframe: '5m',
      focus: { time: 1_000 },
      bottomTab: 'alerts',
    });
    expect(openAlertLabel(alert({}))).toBe('Open chart');
  });

  it("a fill's alert opens the Account tab at that fill and leaves the chart alone", () => {
    const ui = createUiStore(undefined);
    ui.getState().openChart({ exchange: 'sim', symbol: 'ETH/USDT' }, { timeframe: '1h' });
    openAlert(ui.getState(), fill);
    expect(ui.getState()).toMatchObject({
      bottomTab: 'account',
      accountFocus: { exchange: 'binance', alertId: 9, time: 5_000 },
      chart: { exchange: 'sim', symbol: 'ETH/USDT' },
      timeframe: '1h',
    });
    expect(openAlertLabel(fill)).toBe('Open in Account');
  });

  it('a timeframe that is none never reaches the chart (it would be written to the watchlist)', () => {
    const ui = createUiStore(undefined);
    ui.getState().setTimeframe('15m');
    ui.getState().openChart({ exchange: 'binance', symbol: 'SOL/USDT' }, { timeframe: '' });
    expect(ui.getState().timeframe).toBe('15m');
    ui.getState().setTimeframe('');
    ui.getState().setTimeframe('soon');
    expect(ui.getState().timeframe).toBe('15m');
  });
});

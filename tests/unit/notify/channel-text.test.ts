import { describe, expect, it } from 'vitest';
import { alertTitle, messageText } from '../../../src/main/core/notify/channel';
import type { Alert } from '../../../src/shared/domain/alert';

const alert = (over: Partial<Alert> = {}): Alert => ({
  id: 1,
  kind: 'rule',
  ruleId: 1,
  ruleName: 'BTC above 100k',
  signal: 'BUY',
  exchange: 'binance',
  symbol: 'BTC/USDT',
  timeframe: '1m',
  candleTime: Date.UTC(2025, 0, 6),
  price: 100_100,
  values: {},
  strength: 1,
  strengthBasis: 'test',
  message: 'close crossed above 100000',
  firedAt: 0,
  status: 'active',
  statusAt: 0,
  urgent: false,
  ...over,
});

const fill = alert({
  kind: 'fill',
  ruleId: null,
  ruleName: 'Order filled',
  signal: 'INFO',
  symbol: 'SOL/USDT',
  timeframe: '',
  message: 'Bought 2 SOL at 150 USDT',
});

describe('alert texts', () => {
  it('titles a rule alert with its signal, symbol, timeframe and rule', () => {
    expect(alertTitle(alert())).toBe('BUY BTC/USDT 1m · BTC above 100k');
  });

  it('titles a fill, which has no timeframe, without a double space', () => {
    expect(alertTitle(fill)).toBe('INFO SOL/USDT · Order filled');
    expect(messageText({ kind: 'alert', alert: fill, sound: null }).split('\n')[0]).toBe(
      'INFO SOL/USDT · Order filled',
    );
  });
});

import { describe, expect, it } from 'vitest';
import { alertsToCsv } from '../../../src/renderer/alerts/alerts-csv';
import { EMPTY_FILTER, sortAlerts, toContractFilter } from '../../../src/renderer/alerts/alert-view';
import { csvField } from '../../../src/shared/csv';
import type { Alert } from '../../../src/shared/domain/alert';

const alert = (id: number, patch: Partial<Alert> = {}): Alert => ({
  id,
  kind: 'rule',
  ruleId: 1,
  ruleName: 'BTC above 100k',
  signal: 'BUY',
  exchange: 'binance',
  symbol: 'BTC/USDT',
  timeframe: '1m',
  candleTime: 1_000 * id,
  price: 100_000 + id,
  values: {},
  strength: 0.5,
  strengthBasis: 'distance',
  message: 'close crossed above 100000',
  firedAt: 2_000 * id,
  status: 'active',
  statusAt: 2_000 * id,
  urgent: false,
  ...patch,
});

describe('alert history filters', () => {
  it('sends a full symbol to the core and matches a partial one on the rows', () => {
    expect(toContractFilter({ ...EMPTY_FILTER, symbol: 'btc/usdt' })).toEqual({
      filter: { symbol: 'BTC/USDT' },
      symbolContains: null,
    });
    expect(toContractFilter({ ...EMPTY_FILTER, symbol: 'btc' })).toEqual({
      filter: {},
      symbolContains: 'BTC',
    });
  });

  it('turns local dates into [midnight, next midnight)', () => {
    const { filter } = toContractFilter({
      ...EMPTY_FILTER,
      fromDate: '2026-03-01',
      toDate: '2026-03-02',
      signal: 'SELL',
      ruleId: '7',
    });
    expect(filter).toEqual({
      from: new Date(2026, 2, 1).getTime(),
      to: new Date(2026, 2, 3).getTime(),
      signal: 'SELL',
      ruleId: 7,
    });
  });

  it('sorts by any column, newest first among equals', () => {
    const rows = [alert(1, { price: 5 }), alert(2, { price: 9 }), alert(3, { price: 5 })];
    expect(sortAlerts(rows, { key: 'price', descending: false }).map((a) => a.id)).toEqual([3, 1, 2]);
    expect(sortAlerts(rows, { key: 'firedAt', descending: true }).map((a) => a.id)).toEqual([3, 2, 1]);
  });
});

describe('alert CSV', () => {
  it('has the export columns and quotes what needs quoting', () => {
    const csv = alertsToCsv([alert(1, { message: 'crossed, "fast"\nnow' })]);
    const [header, row] = csv.split('\r\n');
    expect(header).toBe(
      'firedAt,candleTime,rule,signal,exchange,symbol,timeframe,price,status,message,strength,kind',
    );
    expect(row).toBe(
      '2000,1000,BTC above 100k,BUY,binance,BTC/USDT,1m,100001,active,"crossed, ""fast""\nnow",0.5,rule',
    );
  });

  it('defuses text a spreadsheet would run as a formula', () => {
    expect(csvField('=HYPERLINK("x")')).toBe(`"'=HYPERLINK(""x"")"`);
    expect(csvField(-5)).toBe('-5');
  });
});

import { describe, expect, it } from 'vitest';
import { ExportUsageError, parseExportArgs, parseTime } from '../../../src/main/headless/export-cli';

const base = ['--data-dir', 'data', '--exchange', 'Binance', '--symbol', 'BTC/USDT', '--timeframe', '1m'];

describe('parseExportArgs', () => {
  it('reads the series, resolves the data folder and defaults to all of it as CSV', () => {
    expect(parseExportArgs(base, '/home/me')).toEqual({
      kind: 'candles',
      dataDir: '/home/me/data',
      series: { exchange: 'binance', symbol: 'BTC/USDT', timeframe: '1m' },
      from: 0,
      to: Number.MAX_SAFE_INTEGER,
      format: 'csv',
    });
  });

  it('takes --from, --to and --format, with = or a separate value', () => {
    const req = parseExportArgs(
      [...base, '--from=2024-01-01', '--to', '1704153600000', '--format', 'json'],
      '/',
    );
    expect(req).toMatchObject({ from: Date.UTC(2024, 0, 1), to: 1704153600000, format: 'json' });
  });

  it('reads --alerts with a format and no series', () => {
    expect(parseExportArgs(['--alerts', '--data-dir', 'd', '--format', 'json'], '/x')).toEqual({
      kind: 'alerts',
      dataDir: '/x/d',
      format: 'json',
    });
  });

  it('returns null for help', () => {
    expect(parseExportArgs(['--help'], '/')).toBeNull();
  });

  it.each([
    [[...base.slice(2)], /--data-dir is required/],
    [[...base, '--format', 'xml'], /--format must be csv or json/],
    [[...base, '--from', '2024-02-30'], /--from "2024-02-30" is not a date/],
    [[...base, '--from', '2024-02-02', '--to', '2024-02-01'], /--from is after --to/],
    [[...base, '--to'], /--to needs a value/],
    [[...base, '--from', '--to', '1'], /--from needs a value/],
    [[...base, '--exchange', 'kraken'], /--exchange is given twice/],
    [[...base, '--limit', '5'], /unknown option "--limit"/],
    [['--alerts', '--data-dir', 'd', '--from', '2024-01-01'], /--alerts exports every alert: drop --from/],
    [['--alerts', '--alerts', '--data-dir', 'd'], /--alerts is given twice/],
    [['--data-dir', 'd', '--exchange', 'binance', '--symbol', 'BTCUSDT', '--timeframe', '1m'], /BASE\/QUOTE/],
    [
      ['--data-dir', 'd', '--exchange', 'binance', '--symbol', 'BTC/USDT', '--timeframe', '7x'],
      /--timeframe/,
    ],
  ])('explains a bad command line: %j', (argv, message) => {
    expect(() => parseExportArgs(argv, '/')).toThrow(ExportUsageError);
    expect(() => parseExportArgs(argv, '/')).toThrow(message);
  });
});

describe('parseTime', () => {
  it('reads dates and date-times as UTC unless an offset is given, and epoch ms', () => {
    expect(parseTime('2024-05-01', '--from')).toBe(Date.UTC(2024, 4, 1));
    expect(parseTime('2024-05-01T12:30', '--from')).toBe(Date.UTC(2024, 4, 1, 12, 30));
    expect(parseTime('2024-05-01 12:30:15', '--from')).toBe(Date.UTC(2024, 4, 1, 12, 30, 15));
    expect(parseTime('2024-05-01T12:30:00.250Z', '--from')).toBe(Date.UTC(2024, 4, 1, 12, 30, 0, 250));
    expect(parseTime('2024-05-01T12:30+02:00', '--from')).toBe(Date.UTC(2024, 4, 1, 10, 30));
    expect(parseTime('1714566600000', '--from')).toBe(1714566600000);
  });

  it.each(['yesterday', '2024-13-01', '2024-04-31', '2024-01-01T25:00', '01/05/2024', ''])(
    'refuses %j',
    (text) => {
      expect(() => parseTime(text, '--to')).toThrow(/--to .* is not a date/);
    },
  );
});

import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ALERT_EXPORT_COLUMNS } from '../../../src/main/core/alerts/alert-export';
import { silentLogger } from '../../../src/main/core/base/log';
import { AlertRepository } from '../../../src/main/core/store/alert-repository';
import { BatchedCandleWriter } from '../../../src/main/core/store/batched-candle-writer';
import { CandleRepository } from '../../../src/main/core/store/candle-repository';
import { openDatabase, type Database } from '../../../src/main/core/store/database';
import { SeriesRepository } from '../../../src/main/core/store/series-repository';
import { BTC_1M, ETH_1M, makeCandles, MINUTE, T0, tempDir, type TempDir } from './store-fixtures';

const CLI = join(process.cwd(), 'src/main/headless/export-cli.ts');

/** Runs the real CLI the way `npm run export` does (node --import tsx), in its own process. */
function runCli(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CLI, ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

let dir: TempDir | undefined;
let db: Database | undefined;
let writer: BatchedCandleWriter | undefined;
afterEach(() => {
  writer?.close();
  db?.close();
  writer = undefined;
  db = undefined;
  dir?.cleanup();
});

/** A data folder with an open writer, as a running instance has it. */
const running = (seed: number) => {
  dir = tempDir();
  db = openDatabase(dir.path);
  const series = new SeriesRepository(db);
  writer = new BatchedCandleWriter(db, series, new CandleRepository(db, series), silentLogger(), {
    intervalMs: 5,
    maxBatchRows: 5_000,
  });
  writer.enqueue(BTC_1M, makeCandles(T0, seed));
  writer.enqueue(ETH_1M, makeCandles(T0, 3));
  writer.flush();
  return {
    path: dir.path,
    writer,
    series: (key = BTC_1M) => [
      '--exchange',
      key.exchange,
      '--symbol',
      key.symbol,
      '--timeframe',
      key.timeframe,
    ],
  };
};

describe('npm run export', () => {
  it('prints CSV and JSON of a range while the instance keeps writing, without disturbing it', async () => {
    const { path, writer, series } = running(30_000);
    // The running instance closes a candle every few milliseconds during the whole export.
    let next = T0 + 30_000 * MINUTE;
    const ticker = setInterval(() => {
      writer.enqueue(BTC_1M, makeCandles(next, 20));
      next += 20 * MINUTE;
    }, 2);
    try {
      const [csv, json, window] = await Promise.all([
        runCli(['--data-dir', path, ...series()]),
        runCli(['--data-dir', path, ...series(), '--format', 'json']),
        runCli([
          '--data-dir',
          path,
          ...series(),
          '--from',
          new Date(T0 + 10 * MINUTE).toISOString(),
          '--to',
          String(T0 + 12 * MINUTE),
        ]),
      ]);
      expect([csv.code, json.code, window.code, csv.stderr]).toEqual([0, 0, 0, '']);

      const lines = csv.stdout.trimEnd().split('\n');
      expect(lines[0]).toBe('timestamp,open,high,low,close,volume');
      const times = lines.slice(1).map((l) => Number(l.split(',')[0]));
      // A consistent snapshot: every seeded candle, in order, no hole, no duplicate.
      expect(times.length).toBeGreaterThanOrEqual(30_000);
      times.forEach((t, i) => expect(t).toBe(T0 + i * MINUTE));
      expect(lines[1]).toBe(makeCandles(T0, 1)[0]!.join(','));

      const parsed = JSON.parse(json.stdout) as { timestamp: number }[];
      expect(parsed.length).toBeGreaterThanOrEqual(30_000);
      const [t, open, high, low, close, volume] = makeCandles(T0 + 29_999 * MINUTE, 1)[0]!;
      expect(parsed[29_999]).toEqual({ timestamp: t, open, high, low, close, volume });

      expect(window.stdout).toBe(
        `timestamp,open,high,low,close,volume\n${makeCandles(T0 + 10 * MINUTE, 3)
          .map((c) => c.join(','))
          .join('\n')}\n`,
      );
    } finally {
      clearInterval(ticker);
    }
    await writer.idle();
    expect(writer.lastError).toBeNull();
    expect(db!.prepare('SELECT count(*) FROM candles').pluck().get()).toBe((next - T0) / MINUTE + 3);
  });

  it('explains a missing database, an unknown series and a bad date, with exit codes', async () => {
    const { path, series } = running(10);
    const missing = await runCli(['--data-dir', join(path, 'nowhere'), ...series()]);
    expect(missing).toMatchObject({ code: 1, stdout: '' });
    expect(missing.stderr).toMatch(/No Candlewatch database at .*nowhere.*check --data-dir/);

    const unknown = await runCli(['--data-dir', path, ...series({ ...BTC_1M, symbol: 'DOGE/USDT' })]);
    expect(unknown).toMatchObject({ code: 1, stdout: '' });
    expect(unknown.stderr).toMatch(
      /No candles stored for binance DOGE\/USDT 1m\. Stored for binance: BTC\/USDT 1m, ETH\/USDT 1m\./,
    );

    const badDate = await runCli(['--data-dir', path, ...series(), '--from', '2024-02-30']);
    expect(badDate).toMatchObject({ code: 2, stdout: '' });
    expect(badDate.stderr).toMatch(/--from "2024-02-30" is not a date/);
    expect(badDate.stderr).toContain('Usage: npm run export');

    const help = await runCli(['--help']);
    expect(help).toMatchObject({ code: 0, stderr: '' });
    expect(help.stdout).toContain('Exit codes');
  });

  it('prints the stored alerts with --alerts, and refuses series options with it', async () => {
    const { path } = running(1);
    new AlertRepository(db!).insert(
      {
        kind: 'rule',
        ruleId: null,
        ruleName: 'BTC above 100k',
        signal: 'BUY',
        ...BTC_1M,
        candleTime: T0,
        price: 100_001.5,
        values: { close: 100_001.5 },
        strength: 1,
        strengthBasis: 'crossed the level',
        message: 'BTC/USDT crossed 100,000',
        firedAt: T0 + MINUTE,
        urgent: false,
        status: 'active',
      },
      'fired',
    );
    const csv = await runCli(['--data-dir', path, '--alerts']);
    expect(csv).toMatchObject({ code: 0, stderr: '' });
    const [header, row, ...rest] = csv.stdout.trimEnd().split('\n');
    expect(header).toBe(ALERT_EXPORT_COLUMNS.join(','));
    expect(row).toContain(
      `${T0 + MINUTE},${T0},BTC above 100k,BUY,binance,BTC/USDT,1m,100001.5,active,"BTC/USDT crossed 100,000"`,
    );
    expect(rest).toEqual([]);
    const json = await runCli(['--data-dir', path, '--alerts', '--format', 'json']);
    expect(JSON.parse(json.stdout)).toMatchObject([{ rule: 'BTC above 100k', firedAt: T0 + MINUTE }]);

    const mixed = await runCli(['--data-dir', path, '--alerts', '--symbol', 'BTC/USDT']);
    expect(mixed).toMatchObject({ code: 2, stdout: '' });
    expect(mixed.stderr).toMatch(/--alerts exports every alert: drop --symbol/);
  });
});

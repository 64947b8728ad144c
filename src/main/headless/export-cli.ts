import { resolve } from 'node:path';
import { Readable, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { pathToFileURL } from 'node:url';
import type { z } from 'zod';
import { exchangeIdSchema, symbolSchema, timeframeSchema } from '../../shared/domain/ids';
import type { SeriesKey } from '../../shared/domain/market';
import { exportAlerts } from '../core/alerts/alert-export';
import { CandleRepository } from '../core/store/candle-repository';
import { openDatabase, schemaVersion } from '../core/store/database';
import { formatCandles, type ExportFormat } from '../core/store/export';
import { SeriesRepository } from '../core/store/series-repository';
import { argTokens } from './arg-tokens';

export const EXPORT_USAGE = `Usage: npm run export -- --data-dir DIR --exchange X --symbol S --timeframe T [options]
       npm run export -- --data-dir DIR --alerts [--format F]

Prints the stored closed candles of one series on stdout, oldest first; with --alerts, every
stored alert instead.

Options:
  --data-dir DIR     the data folder of a Candlewatch instance (it may be running)
  --exchange X       exchange id, like binance
  --symbol S         like BTC/USDT
  --timeframe T      like 1m or 4h
  --from TIME        first open time to include: ISO 8601 (UTC unless an offset is given) or epoch ms
  --to TIME          last open time to include, same forms
  --format F         csv (default) or json
  --alerts           export alerts: firedAt,candleTime,rule,signal,exchange,symbol,timeframe,price,
                     status,message,strength (times in epoch ms)
  -h, --help         this text

CSV columns: timestamp,open,high,low,close,volume (timestamp = open time in epoch ms).
Exit codes: 0 done, 1 nothing to export from (no database, unknown series), 2 bad command line.`;

/** Exit codes, documented in EXPORT_USAGE. */
export const EXIT = { ok: 0, failed: 1, usage: 2 } as const;

export type CandleExportRequest = {
  kind: 'candles';
  dataDir: string;
  series: SeriesKey;
  from: number;
  to: number;
  format: ExportFormat;
};
export type AlertExportRequest = { kind: 'alerts'; dataDir: string; format: ExportFormat };
export type ExportRequest = CandleExportRequest | AlertExportRequest;

export class ExportUsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ExportUsageError';
  }
}

const VALUE_FLAGS = ['data-dir', 'exchange', 'symbol', 'timeframe', 'from', 'to', 'format'];

/** Parses the command line; `null` means help was asked for. */
export function parseExportArgs(argv: readonly string[], cwd: string): ExportRequest | null {
  const values = new Map<string, string>();
  for (const token of argTokens(argv, { values: VALUE_FLAGS, switches: ['alerts'] })) {
    if (token.kind === 'help') return null;
    if (token.kind === 'stray') throw new ExportUsageError(`unknown option "${token.raw}"`);
    const { flag, value } = token;
    if (flag === '--alerts') {
      if (values.has(flag)) throw new ExportUsageError('option --alerts is given twice');
      values.set(flag, '');
      continue;
    }
    if (value === undefined || value === '') throw new ExportUsageError(`option ${flag} needs a value`);
    if (values.has(flag)) throw new ExportUsageError(`option ${flag} is given twice`);
    values.set(flag, value);
  }
  const required = (flag: string): string => {
    const v = values.get(flag);
    if (v === undefined) throw new ExportUsageError(`${flag} is required`);
    return v;
  };
  const field = <S extends z.ZodType>(flag: string, schema: S): z.output<S> => {
    const parsed = schema.safeParse(required(flag));
    if (!parsed.success)
      throw new ExportUsageError(`${flag}: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
    return parsed.data;
  };
  const dataDir = resolve(cwd, required('--data-dir'));
  const format = values.get('--format') ?? 'csv';
  if (format !== 'csv' && format !== 'json') {
    throw new ExportUsageError(`--format must be csv or json, not "${format}"`);
  }
  if (values.has('--alerts')) {
    const series = ['--exchange', '--symbol', '--timeframe', '--from', '--to'].filter((f) => values.has(f));
    if (series.length > 0)
      throw new ExportUsageError(`--alerts exports every alert: drop ${series.join(', ')}`);
    return { kind: 'alerts', dataDir, format };
  }
  const series: SeriesKey = {
    exchange: field('--exchange', exchangeIdSchema),
    symbol: field('--symbol', symbolSchema),
    timeframe: field('--timeframe', timeframeSchema),
  };
  const from = values.has('--from') ? parseTime(values.get('--from')!, '--from') : 0;
  const to = values.has('--to') ? parseTime(values.get('--to')!, '--to') : Number.MAX_SAFE_INTEGER;
  if (from > to) throw new ExportUsageError('--from is after --to');
  return { kind: 'candles', dataDir, series, from, to, format };
}

const ISO =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,3})?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

/** ISO 8601 (a time without offset is UTC, like every time Candlewatch stores) or epoch ms. */
export function parseTime(text: string, flag: string): number {
  if (/^\d+$/.test(text)) return Number(text);
  const m = ISO.exec(text);
  const bad = () =>
    new ExportUsageError(
      `${flag} "${text}" is not a date: use ISO 8601 like 2024-05-01 or 2024-05-01T12:00Z, or epoch ms`,
    );
  if (!m) throw bad();
  const hasTime = m[4] !== undefined;
  const time = Date.parse(
    hasTime && m[7] === undefined ? `${text.replace(' ', 'T')}Z` : text.replace(' ', 'T'),
  );
  // Date.parse rolls 2024-02-30 over into March: check the calendar date survived.
  const day = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  const sameDay =
    day.getUTCFullYear() === Number(m[1]) &&
    day.getUTCMonth() === Number(m[2]) - 1 &&
    day.getUTCDate() === Number(m[3]);
  if (Number.isNaN(time) || !sameDay) throw bad();
  return time;
}

/**
 * Streams the candles of one series from a read-only connection: WAL gives it a consistent snapshot
 * while a running instance keeps writing, and it never takes a write lock.
 */
export async function exportCandles(req: CandleExportRequest, out: Writable): Promise<void> {
  const db = openDatabase(req.dataDir, { readonly: true });
  try {
    if (schemaVersion(db) < 2)
      throw new ExportFailure(`The database in ${req.dataDir} holds no candles yet.`);
    const seriesRepo = new SeriesRepository(db);
    const id = seriesRepo.find(req.series);
    if (id === undefined) {
      const stored = seriesRepo
        .all()
        .filter((s) => s.exchange === req.series.exchange)
        .slice(0, 20)
        .map((s) => `${s.symbol} ${s.timeframe}`);
      throw new ExportFailure(
        `No candles stored for ${req.series.exchange} ${req.series.symbol} ${req.series.timeframe}. ` +
          (stored.length > 0
            ? `Stored for ${req.series.exchange}: ${stored.join(', ')}.`
            : `Nothing is stored for ${req.series.exchange}.`),
      );
    }
    const candles = new CandleRepository(db, seriesRepo);
    const rows = candles.iterate(id, req.from, req.to);
    try {
      // pipeline waits for the reader at each chunk; the output stays open (it is stdout).
      await pipeline(Readable.from(formatCandles(rows, req.format)), out, { end: false });
    } catch (err) {
      // The reader went away (`| head`): a normal end for a CLI, not a failure.
      const code = (err as NodeJS.ErrnoException).code;
      if (code !== 'EPIPE' && code !== 'ERR_STREAM_PREMATURE_CLOSE' && code !== 'ERR_STREAM_DESTROYED')
        throw err;
    } finally {
      rows.return?.();
    }
  } finally {
    db.close();
  }
}

/** Alerts number in the thousands, not millions: the signals module writes them in one pass. */
function exportAlertsTo(req: AlertExportRequest, out: Writable): void {
  const db = openDatabase(req.dataDir, { readonly: true });
  try {
    exportAlerts(db, req.format, (chunk) => out.write(chunk));
  } finally {
    db.close();
  }
}

/** An expected failure: its message is the whole explanation, printed without a stack. */
export class ExportFailure extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ExportFailure';
  }
}

export async function runExportCli(
  argv: readonly string[],
  io: { cwd: string; stdout: Writable; stderr: Writable },
): Promise<number> {
  let req: ExportRequest | null;
  try {
    req = parseExportArgs(argv, io.cwd);
  } catch (err) {
    if (!(err instanceof ExportUsageError)) throw err;
    io.stderr.write(`candlewatch export: ${err.message}\n\n${EXPORT_USAGE}\n`);
    return EXIT.usage;
  }
  if (req === null) {
    io.stdout.write(`${EXPORT_USAGE}\n`);
    return EXIT.ok;
  }
  try {
    if (req.kind === 'candles') await exportCandles(req, io.stdout);
    else exportAlertsTo(req, io.stdout);
    return EXIT.ok;
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    io.stderr.write(`candlewatch export: ${message}\n`);
    return EXIT.failed;
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  // A closed pipe (`| head`) is a normal end for a CLI, not a crash.
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code !== 'EPIPE') throw err;
  });
  process.exitCode = await runExportCli(process.argv.slice(2), {
    cwd: process.env.INIT_CWD ?? process.cwd(),
    stdout: process.stdout,
    stderr: process.stderr,
  });
}

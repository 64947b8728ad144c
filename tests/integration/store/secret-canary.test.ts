import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { createCore, type Core } from '../../../src/main/core/app';
import { createLogger } from '../../../src/main/core/base/log';
import { createHeadlessSecretBox } from '../../../src/main/core/secrets/headless-secret-box';
import type { SecretBox } from '../../../src/main/core/secrets/ports';
import { BatchedCandleWriter } from '../../../src/main/core/store/batched-candle-writer';
import { CandleRepository } from '../../../src/main/core/store/candle-repository';
import { openDatabase } from '../../../src/main/core/store/database';
import { SeriesRepository } from '../../../src/main/core/store/series-repository';
import { runExportCli } from '../../../src/main/headless/export-cli';
import { BTC_1M, makeCandles, T0, tempDir, type TempDir } from './store-fixtures';

let dir: TempDir | undefined;
let core: Core | undefined;
afterEach(async () => {
  await core?.stop();
  dir?.cleanup();
});

const canary = (label: string) => `CANARY-${label}-${randomBytes(12).toString('hex')}`;

/** The headless box, except that it echoes the plaintext in its error for one exchange, as ccxt echoes requests. */
const echoingBox = (inner: SecretBox): SecretBox => ({
  ...inner,
  encrypt: (plain) => {
    if (plain.startsWith('CANARY-ECHO')) throw new Error(`keyring rejected the value ${plain}`);
    return inner.encrypt(plain);
  },
});

/** Every file of the data folder, the database and its -wal included, as bytes. */
const dataFiles = (path: string) =>
  readdirSync(path).map((name) => ({ name, bytes: readFileSync(join(path, name)) }));

const exportText = async (dataDir: string, format: 'csv' | 'json') => {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const chunks: Buffer[] = [];
  stdout.on('data', (c: Buffer) => chunks.push(c));
  stderr.on('data', (c: Buffer) => chunks.push(c));
  const argv = ['--data-dir', dataDir, '--exchange', 'binance', '--symbol', 'BTC/USDT', '--timeframe', '1m'];
  const code = await runExportCli([...argv, '--format', format], { cwd: '/', stdout, stderr });
  expect(code).toBe(0);
  return Buffer.concat(chunks).toString();
};

describe('a canary API key', () => {
  it('appears nowhere in plaintext: database, -wal, logs, exports, events, error messages', async () => {
    dir = tempDir();
    const key = canary('KEY');
    const secret = canary('SECRET');
    const echoed = canary('ECHO');
    const logLines: string[] = [];
    const log = createLogger((r) => logLines.push(JSON.stringify(r)), { level: 'debug' });
    core = createCore({
      dataDir: dir.path,
      mode: 'headless',
      version: '0.0.0-test',
      log,
      secretBox: echoingBox(createHeadlessSecretBox({ dataDir: dir.path, env: {} })),
    });
    const events: string[] = [];
    core.events.subscribe((name, payload) => events.push(`${name} ${JSON.stringify(payload)}`));
    const answers: string[] = [];
    const call = async (method: string, input: unknown) => {
      const r = await core!.dispatch(method, input);
      answers.push(JSON.stringify(r));
      return r;
    };

    expect((await call('secrets:set', { exchange: 'binance', fields: { apiKey: key, secret } })).ok).toBe(
      true,
    );
    // Failures that carry the values: an encryption error echoing one, and malformed inputs.
    const echoedFailure = await call('secrets:set', { exchange: 'kraken', fields: { apiKey: echoed } });
    expect(echoedFailure).toMatchObject({ ok: false, error: { code: 'unavailable' } });
    await call('secrets:set', { exchange: 'binance', fields: { apiKey: key, passphrase: secret } });
    await call('secrets:set', { exchange: `bin ${key}`, fields: { apiKey: key } });
    await call('secrets:status', {});
    await call('settings:update', { exchanges: { binance: { enabled: true, sandbox: false, ccxt: {} } } });
    await call('store:stats', {});

    // Candles written beside the running core, then exported both ways.
    const side = openDatabase(dir.path);
    const series = new SeriesRepository(side);
    const writer = new BatchedCandleWriter(side, series, new CandleRepository(side, series), log);
    writer.enqueue(BTC_1M, makeCandles(T0, 50));
    writer.close();
    side.close();
    const exports = [await exportText(dir.path, 'csv'), await exportText(dir.path, 'json')];

    const whileRunning = dataFiles(dir.path);
    expect(whileRunning.map((f) => f.name)).toContain('candlewatch.sqlite-wal');
    core.events.flush();
    await core.stop();
    core = undefined;
    const afterStop = dataFiles(dir.path);
    expect(existsSync(join(dir.path, 'candlewatch.sqlite'))).toBe(true);

    const texts = [...logLines, ...events, ...answers, ...exports];
    expect(texts.join('\n')).toContain('[redacted]'); // the echoed error was there, masked
    expect(logLines.some((l) => l.includes('credentials saved'))).toBe(true);
    for (const value of [key, secret, echoed]) {
      for (const text of texts) expect(text).not.toContain(value);
      for (const file of [...whileRunning, ...afterStop]) {
        expect(file.bytes.includes(Buffer.from(value)), `${file.name} holds ${value}`).toBe(false);
      }
    }
  });
});

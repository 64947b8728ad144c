import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createCore, type Core } from '../../../src/main/core/app';
import { createLogger } from '../../../src/main/core/base/log';
import { openDatabase } from '../../../src/main/core/store/database';
import { findCanaries } from '../../support/canary';
import { tempDir, type TempDir } from './store-fixtures';

let dir: TempDir | undefined;
let core: Core | undefined;
afterEach(async () => {
  await core?.stop();
  core = undefined;
  dir?.cleanup();
});

const canary = (label: string) => `CANARY-${label}-${randomBytes(12).toString('hex')}`;
const dataBytes = (path: string) =>
  readdirSync(path)
    .map((name) => readFileSync(join(path, name)).toString('latin1'))
    .join('\n');

describe('API keys an older version stored in the exchange settings', () => {
  it('move into the encrypted store and leave the database file and its WAL', async () => {
    dir = tempDir();
    const key = canary('KEY');
    const secret = canary('SECRET');
    // What settings:update accepted before the exchange settings were a closed list.
    const db = openDatabase(dir.path);
    db.prepare('INSERT INTO settings (section, value) VALUES (?, ?)').run(
      'exchanges',
      JSON.stringify({
        binance: {
          enabled: true,
          sandbox: false,
          ccxt: { apiKey: key, secret, verbose: true, timeout: 7_000 },
        },
      }),
    );
    db.close();
    expect(findCanaries(dataBytes(dir.path), [key])).toEqual([key]);

    const lines: string[] = [];
    core = createCore({
      dataDir: dir.path,
      mode: 'headless',
      version: '0.0.0-test',
      log: createLogger((r) => lines.push(JSON.stringify(r)), { level: 'debug' }),
    });
    const settings = await core.dispatch('settings:get', {});
    expect(settings).toMatchObject({
      ok: true,
      value: { exchanges: { binance: { enabled: true, ccxt: { timeout: 7_000 } } } },
    });
    expect(JSON.stringify(settings)).not.toContain('apiKey');
    const status = await core.dispatch('secrets:status', {});
    expect(status).toMatchObject({
      ok: true,
      value: { exchanges: [{ exchange: 'binance', fields: expect.arrayContaining(['apiKey', 'secret']) }] },
    });
    expect(lines.join('\n')).toContain('moved API keys found in plaintext');
    await core.stop();
    core = undefined;
    expect(findCanaries(dataBytes(dir.path) + lines.join('\n'), [key, secret])).toEqual([]);
  });

  it('keeps a key already entered under Settings → API keys over the plaintext one', async () => {
    dir = tempDir();
    const first = createCore({
      dataDir: dir.path,
      mode: 'headless',
      version: '0',
      log: createLogger(() => {}),
    });
    await first.dispatch('secrets:set', { exchange: 'okx', fields: { apiKey: 'entered-in-settings-key' } });
    await first.stop();
    const db = openDatabase(dir.path);
    db.prepare(
      'INSERT INTO settings (section, value) VALUES (?, ?) ON CONFLICT(section) DO UPDATE SET value = excluded.value',
    ).run(
      'exchanges',
      JSON.stringify({ okx: { enabled: true, sandbox: false, ccxt: { apiKey: 'old-plaintext-key' } } }),
    );
    db.close();
    core = createCore({ dataDir: dir.path, mode: 'headless', version: '0', log: createLogger(() => {}) });
    const redacted = core.redact('entered-in-settings-key old-plaintext-key');
    expect(redacted).toBe('[redacted] old-plaintext-key');
    expect(dataBytes(dir.path)).not.toContain('old-plaintext-key');
  });
});

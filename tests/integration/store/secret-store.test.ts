import BetterSqlite3 from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { createCore, type Core } from '../../../src/main/core/app';
import { silentLogger } from '../../../src/main/core/base/log';
import { createHeadlessSecretBox, SECRET_ENV } from '../../../src/main/core/secrets/headless-secret-box';
import type { SecretBox } from '../../../src/main/core/secrets/ports';
import { Redactor } from '../../../src/main/core/secrets/redactor';
import { SecretStore } from '../../../src/main/core/secrets/secret-store';
import { databaseFile, openDatabase } from '../../../src/main/core/store/database';
import { SecretRepository } from '../../../src/main/core/store/secret-repository';
import { tempDir, type TempDir } from './store-fixtures';

let dir: TempDir | undefined;
let core: Core | undefined;
afterEach(async () => {
  await core?.stop();
  core = undefined;
  dir?.cleanup();
});

const ENV = { [SECRET_ENV]: 'a long enough test secret' };

/** Stands in for Electron's safeStorage: reversible, with a chosen backend name and weakness. */
const fakeSafeStorage = (backend: string, weak: boolean): SecretBox => ({
  backend: () => backend,
  isWeak: () => weak,
  encrypt: (plain) => Buffer.from(`${backend}:${Buffer.from(plain).toString('base64')}`),
  decrypt: (blob) => {
    const [name, body] = blob.toString().split(':');
    if (name !== backend) throw new Error(`blob of ${name} cannot be opened by ${backend}`);
    return Buffer.from(body ?? '', 'base64').toString();
  },
});

const start = (secretBox: SecretBox) => {
  dir ??= tempDir();
  core = createCore({
    dataDir: dir.path,
    mode: 'headless',
    version: '0.0.0-test',
    log: silentLogger(),
    secretBox,
  });
  return core;
};
const restart = async (secretBox: SecretBox) => {
  await core?.stop();
  return start(secretBox);
};
const call = async (c: Core, method: string, input: unknown) => {
  const r = await c.dispatch(method, input);
  if (!r.ok) throw new Error(`${r.error.code}: ${r.error.message}`);
  return r.value;
};
const blobs = () => {
  const db = new BetterSqlite3(databaseFile(dir!.path), { readonly: true });
  const rows = db
    .prepare('SELECT exchange, field, blob, backend FROM secrets ORDER BY exchange, field')
    .all();
  db.close();
  return rows;
};

describe('secrets through the contract', () => {
  it('stores, reports (never values) and deletes credentials', async () => {
    dir = tempDir();
    const c = start(createHeadlessSecretBox({ dataDir: dir.path, env: ENV }));
    const saved = await call(c, 'secrets:set', {
      exchange: 'Binance',
      fields: { apiKey: '  key-123456789  ', secret: 'secret-abcdefgh' },
    });
    expect(saved).toEqual({
      exchange: 'binance',
      fields: ['apiKey', 'secret'],
      backend: 'env-key',
      weak: false,
      backendChanged: false,
      readable: true,
      updatedAt: expect.any(Number),
    });
    const status = await call(c, 'secrets:status', {});
    expect(status).toEqual({ backend: 'env-key', weak: false, exchanges: [saved] });
    expect(JSON.stringify(status)).not.toMatch(/key-123456789|secret-abcdefgh/);
    expect(await call(c, 'secrets:delete', { exchange: 'binance', fields: ['secret'] })).toEqual({
      deleted: 1,
    });
    expect(await call(c, 'secrets:status', {})).toMatchObject({ exchanges: [{ fields: ['apiKey'] }] });
    expect(await call(c, 'secrets:delete', { exchange: 'binance' })).toEqual({ deleted: 1 });
    expect(await call(c, 'secrets:status', {})).toMatchObject({ exchanges: [] });
  });

  it('refuses unknown fields, empty values and an empty set', async () => {
    const c = start(fakeSafeStorage('keychain', false));
    for (const bad of [
      { exchange: 'binance', fields: { apiKey: 'k', passphrase: 'p' } },
      { exchange: 'binance', fields: { apiKey: '   ' } },
      { exchange: 'binance', fields: {} },
    ]) {
      expect(await c.dispatch('secrets:set', bad)).toMatchObject({
        ok: false,
        error: { code: 'invalid-input' },
      });
    }
    expect(blobs()).toEqual([]);
  });

  it('on a weak backend, saves nothing until the risk is accepted', async () => {
    const c = start(fakeSafeStorage('basic_text', true));
    expect(await call(c, 'secrets:status', {})).toEqual({ backend: 'basic_text', weak: true, exchanges: [] });
    const refused = await c.dispatch('secrets:set', {
      exchange: 'binance',
      fields: { apiKey: 'key-123456789' },
    });
    expect(refused).toMatchObject({
      ok: false,
      error: { code: 'conflict', message: expect.stringMatching(/acceptWeakBackend/) },
    });
    expect(blobs()).toEqual([]);
    const saved = await call(c, 'secrets:set', {
      exchange: 'binance',
      fields: { apiKey: 'key-123456789' },
      acceptWeakBackend: true,
    });
    expect(saved).toMatchObject({ backend: 'basic_text', weak: true, readable: true });
  });

  it('reports a backend change and never wipes or rewrites the stored blobs', async () => {
    start(fakeSafeStorage('gnome_libsecret', false));
    await call(core!, 'secrets:set', {
      exchange: 'binance',
      fields: { apiKey: 'key-123456789', secret: 'sec-123456789' },
    });
    const before = blobs();

    const c = await restart(fakeSafeStorage('basic_text', true));
    expect(await call(c, 'secrets:status', {})).toEqual({
      backend: 'basic_text',
      weak: true,
      exchanges: [
        {
          exchange: 'binance',
          fields: ['apiKey', 'secret'],
          backend: 'gnome_libsecret',
          weak: false,
          backendChanged: true,
          readable: false,
          updatedAt: expect.any(Number),
        },
      ],
    });
    expect(blobs()).toEqual(before);

    // Back on the original keyring, everything reads again.
    const again = await restart(fakeSafeStorage('gnome_libsecret', false));
    expect(await call(again, 'secrets:status', {})).toMatchObject({
      exchanges: [{ backendChanged: false, readable: true }],
    });
    expect(blobs()).toEqual(before);
  });

  it('explains a key file it refuses, and saves nothing', async () => {
    dir = tempDir();
    const c = start({
      ...createHeadlessSecretBox({ dataDir: dir.path, env: {} }),
      encrypt: () => {
        throw new Error('secret.key can be read by other users (mode 0644); it must be 0600');
      },
    });
    const r = await c.dispatch('secrets:set', { exchange: 'binance', fields: { apiKey: 'key-123456789' } });
    expect(r).toMatchObject({
      ok: false,
      error: { code: 'unavailable', message: expect.stringMatching(/mode 0644/) },
    });
    expect(blobs()).toEqual([]);
  });
});

describe('SecretStore inside the main process', () => {
  it('hands decrypted credentials to the exchange layer and masks them from the first moment', () => {
    dir = tempDir();
    const db = openDatabase(dir.path);
    const box = createHeadlessSecretBox({ dataDir: dir.path, env: ENV });
    const redactor = new Redactor();
    const store = new SecretStore(new SecretRepository(db), box, redactor, silentLogger());
    store.set({ exchange: 'okx', fields: { apiKey: 'okx-key-123456', password: 'okx-pass-123456' } });
    expect(store.credentials('okx')).toEqual({ apiKey: 'okx-key-123456', password: 'okx-pass-123456' });
    expect(store.credentials('binance')).toEqual({});
    expect(redactor.redact('okx-pass-123456')).toBe('[redacted]');

    // A new session learns the stored values at start, before anything could log them.
    const fresh = new Redactor();
    new SecretStore(new SecretRepository(db), box, fresh, silentLogger());
    expect(fresh.redact('key okx-key-123456 pass okx-pass-123456')).toBe('key [redacted] pass [redacted]');
    db.close();
  });
});

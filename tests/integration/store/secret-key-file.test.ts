import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createCore, type Core } from '../../../src/main/core/app';
import { silentLogger } from '../../../src/main/core/base/log';
import { SECRET_KEY_FILE } from '../../../src/main/core/secrets/headless-secret-box';
import { tempDir, type TempDir } from './store-fixtures';

let dir: TempDir | undefined;
let core: Core | undefined;
afterEach(async () => {
  await core?.stop();
  core = undefined;
  dir?.cleanup();
});

const start = (path: string) =>
  createCore({ dataDir: path, mode: 'headless', version: '0', log: silentLogger() });

describe('a headless data folder whose secret.key went missing', () => {
  it('is not given a new key while credentials need the old one, until the user resets them', async () => {
    dir = tempDir();
    const keyFile = join(dir.path, SECRET_KEY_FILE);
    // CANDLEWATCH_SECRET would take precedence over the file: this test is about the file.
    const saved = process.env['CANDLEWATCH_SECRET'];
    delete process.env['CANDLEWATCH_SECRET'];
    try {
      core = start(dir.path);
      expect(
        (await core.dispatch('secrets:set', { exchange: 'binance', fields: { apiKey: 'abcdefgh1234' } })).ok,
      ).toBe(true);
      await core.stop();
      rmSync(keyFile);

      core = start(dir.path);
      const refused = await core.dispatch('secrets:set', {
        exchange: 'okx',
        fields: { apiKey: 'ijklmnop5678' },
      });
      expect(refused).toMatchObject({ ok: false, error: { code: 'unavailable' } });
      expect(JSON.stringify(refused)).toContain('Restore the file from a backup');
      expect(existsSync(keyFile)).toBe(false);
      expect(await core.dispatch('secrets:status', {})).toMatchObject({
        ok: true,
        value: { exchanges: [{ exchange: 'binance', readable: false }] },
      });

      // The reset the message describes: delete the stored credentials, then enter them again.
      expect((await core.dispatch('secrets:delete', { exchange: 'binance' })).ok).toBe(true);
      expect(
        (await core.dispatch('secrets:set', { exchange: 'okx', fields: { apiKey: 'ijklmnop5678' } })).ok,
      ).toBe(true);
      expect(existsSync(keyFile)).toBe(true);
    } finally {
      if (saved !== undefined) process.env['CANDLEWATCH_SECRET'] = saved;
    }
  });
});

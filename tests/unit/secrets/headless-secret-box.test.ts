import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  createHeadlessSecretBox,
  SECRET_ENV,
  SECRET_KEY_FILE,
} from '../../../src/main/core/secrets/headless-secret-box';

let dir: string | undefined;
const dataDir = () => (dir = mkdtempSync(join(tmpdir(), 'cw-secretbox-')));
afterEach(() => dir && rmSync(dir, { recursive: true, force: true }));

const posixOnly = process.platform === 'win32' ? it.skip : it;

describe('headless SecretBox', () => {
  it('with CANDLEWATCH_SECRET: round-trips, never outputs the plaintext, and needs the same secret', () => {
    const env = { [SECRET_ENV]: 'correct horse battery staple' };
    const box = createHeadlessSecretBox({ dataDir: dataDir(), env });
    expect(box.backend()).toBe('env-key');
    expect(box.isWeak()).toBe(false);
    const blob = box.encrypt('my-api-secret');
    expect(blob.includes(Buffer.from('my-api-secret'))).toBe(false);
    expect(box.encrypt('my-api-secret').equals(blob)).toBe(false); // a fresh IV every time
    expect(createHeadlessSecretBox({ dataDir: dir!, env }).decrypt(blob)).toBe('my-api-secret');
    const other = createHeadlessSecretBox({
      dataDir: dir!,
      env: { [SECRET_ENV]: 'another long secret value' },
    });
    expect(() => other.decrypt(blob)).toThrow(/does not decrypt with the current key/);
  });

  it('refuses to replace a missing key file while encrypted credentials exist, saying how to recover', () => {
    const d = dataDir();
    const box = createHeadlessSecretBox({ dataDir: d, env: {}, hasStoredSecrets: () => true });
    expect(() => box.encrypt('x')).toThrow(
      /is missing, but encrypted credentials are stored.*Restore the file/s,
    );
    expect(() => box.encrypt('x')).toThrow(/delete the stored credentials/);
    expect(() => statSync(join(d, SECRET_KEY_FILE))).toThrow();
    // With nothing stored there is nothing to lose: a new key is created.
    const fresh = createHeadlessSecretBox({ dataDir: d, env: {}, hasStoredSecrets: () => false });
    expect(fresh.decrypt(fresh.encrypt('x'))).toBe('x');
  });

  it('refuses a CANDLEWATCH_SECRET too short to be a key', () => {
    const box = createHeadlessSecretBox({ dataDir: dataDir(), env: { [SECRET_ENV]: 'hunter2' } });
    expect(() => box.encrypt('x')).toThrow(/CANDLEWATCH_SECRET is too short \(7 characters\)/);
  });

  posixOnly('without it: creates a 0600 key file on first use and reuses it', () => {
    const d = dataDir();
    const box = createHeadlessSecretBox({ dataDir: d, env: {} });
    expect(box.backend()).toBe('key-file');
    const blob = box.encrypt('value');
    const file = join(d, SECRET_KEY_FILE);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readFileSync(file)).toHaveLength(32);
    expect(createHeadlessSecretBox({ dataDir: d, env: {} }).decrypt(blob)).toBe('value');
  });

  posixOnly('refuses a key file other users can read, saying how to fix it, and leaves it alone', () => {
    const d = dataDir();
    createHeadlessSecretBox({ dataDir: d, env: {} }).encrypt('value');
    const file = join(d, SECRET_KEY_FILE);
    const key = readFileSync(file);
    chmodSync(file, 0o644);
    const box = createHeadlessSecretBox({ dataDir: d, env: {} });
    expect(() => box.encrypt('x')).toThrow(/can be read by other users \(mode 0644\).*chmod 600/);
    expect(readFileSync(file).equals(key)).toBe(true);
  });

  posixOnly('refuses a key file of the wrong size', () => {
    const d = dataDir();
    writeFileSync(join(d, SECRET_KEY_FILE), 'short', { mode: 0o600 });
    expect(() => createHeadlessSecretBox({ dataDir: d, env: {} }).encrypt('x')).toThrow(
      /expected 32 bytes, found 5/,
    );
  });

  it('refuses a blob that is not its format', () => {
    const box = createHeadlessSecretBox({
      dataDir: dataDir(),
      env: { [SECRET_ENV]: 'correct horse battery staple' },
    });
    expect(() => box.decrypt(Buffer.from('v10 electron safeStorage blob'))).toThrow(
      /not in the headless key format/,
    );
  });
});

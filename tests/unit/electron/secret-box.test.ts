import { describe, expect, it } from 'vitest';
import { createSafeStorageSecretBox, type SafeStorageLike } from '../../../src/main/electron/secret-box';

/** safeStorage stand-in: "encrypts" by reversing bytes behind a header, like a real backend would refuse foreign blobs. */
function fakeSafeStorage(backend: string, available = true): SafeStorageLike {
  const header = Buffer.from('v10');
  return {
    isEncryptionAvailable: () => available,
    getSelectedStorageBackend: () => backend,
    encryptString: (plain) => Buffer.concat([header, Buffer.from(plain, 'utf8').reverse()]),
    decryptString: (blob) => {
      if (!blob.subarray(0, 3).equals(header)) {
        throw new Error(
          `Error while decrypting the ciphertext provided to safeStorage.decryptString: ${blob.toString('hex')}`,
        );
      }
      return Buffer.from(blob.subarray(3)).reverse().toString('utf8');
    },
  };
}

describe('safeStorage secret box', () => {
  it('round-trips a secret without the plaintext in the blob', () => {
    const box = createSafeStorageSecretBox(fakeSafeStorage('gnome_libsecret'), 'linux');
    const blob = box.encrypt('api-secret-123');
    expect(blob.toString('utf8')).not.toContain('api-secret-123');
    expect(box.decrypt(blob)).toBe('api-secret-123');
  });

  it.each([
    ['linux', 'gnome_libsecret', 'gnome_libsecret', false],
    ['linux', 'kwallet6', 'kwallet6', false],
    ['linux', 'basic_text', 'basic_text', true],
    ['linux', 'unknown', 'unknown', true],
    ['darwin', 'unknown', 'keychain', false],
    ['win32', 'unknown', 'dpapi', false],
  ] as const)('on %s with %s: backend %s, weak %s', (platform, selected, backend, weak) => {
    const box = createSafeStorageSecretBox(fakeSafeStorage(selected), platform);
    expect(box.backend()).toBe(backend);
    expect(box.isWeak()).toBe(weak);
  });

  it('refuses to encrypt when the OS offers no encryption', () => {
    const box = createSafeStorageSecretBox(fakeSafeStorage('basic_text', false), 'linux');
    expect(() => box.encrypt('x')).toThrow(/no encryption/);
  });

  it('explains an undecryptable blob without quoting it', () => {
    const box = createSafeStorageSecretBox(fakeSafeStorage('kwallet5'), 'linux');
    const blob = Buffer.from('foreign-blob');
    let message = '';
    try {
      box.decrypt(blob);
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toMatch(/could not be decrypted with the kwallet5 key store/);
    expect(message).not.toContain(blob.toString('hex'));
    expect(message).not.toContain('foreign-blob');
  });
});

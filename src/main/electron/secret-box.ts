import type { SecretBox } from '../core/secrets/ports';

/** The part of Electron's safeStorage the secret box uses. */
export type SafeStorageLike = {
  isEncryptionAvailable(): boolean;
  encryptString(plainText: string): Buffer;
  decryptString(encrypted: Buffer): string;
  getSelectedStorageBackend(): string;
};

/**
 * Core's SecretBox on Electron's safeStorage: Keychain on macOS, DPAPI on Windows, the desktop's
 * secret service or KWallet on Linux. On Linux without either, Chromium falls back to
 * `basic_text` (a key hard-coded in Chromium, i.e. obfuscation only): that backend, and `unknown`
 * (no backend could be confirmed), count as weak so keys are only stored after the user accepts it.
 */
export function createSafeStorageSecretBox(
  safeStorage: SafeStorageLike,
  platform: NodeJS.Platform,
): SecretBox {
  const backend = (): string => {
    if (platform === 'darwin') return 'keychain';
    if (platform === 'win32') return 'dpapi';
    // Only meaningful after app 'ready' on Linux; before that Electron answers 'unknown'.
    return safeStorage.getSelectedStorageBackend();
  };
  return {
    backend,
    isWeak() {
      if (platform !== 'linux') return false;
      const selected = backend();
      return selected === 'basic_text' || selected === 'unknown';
    },
    encrypt(plain) {
      if (!safeStorage.isEncryptionAvailable()) {
        throw new Error('The OS offers no encryption for secrets right now, so the secret was not saved.');
      }
      return safeStorage.encryptString(plain);
    },
    decrypt(blob) {
      try {
        return safeStorage.decryptString(blob);
      } catch {
        // Neither the blob nor the platform message (which can quote it) goes into the error.
        throw new Error(
          `A stored secret could not be decrypted with the ${backend()} key store; enter the API key again.`,
        );
      }
    },
  };
}

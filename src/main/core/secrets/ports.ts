/**
 * Encrypts secrets at rest. Electron implements it with safeStorage; headless mode with a key from
 * CANDLEWATCH_SECRET or a 0600 key file. Plaintext never reaches SQLite.
 */
export type SecretBox = {
  /** e.g. 'keychain', 'dpapi', 'gnome_libsecret', 'kwallet5', 'basic_text', 'env-key' */
  backend(): string;
  /** true for Linux's basic_text fallback: keys are then only saved after the user accepts the risk */
  isWeak(): boolean;
  encrypt(plain: string): Buffer;
  decrypt(blob: Buffer): string;
};

import { createCipheriv, createDecipheriv, randomBytes, scryptSync } from 'node:crypto';
import {
  closeSync,
  existsSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readFileSync,
  statSync,
  writeSync,
} from 'node:fs';
import { dirname, join } from 'node:path';
import type { SecretBox } from './ports';

export const SECRET_ENV = 'CANDLEWATCH_SECRET';
export const SECRET_KEY_FILE = 'secret.key';

const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const FORMAT = 1;
const MIN_ENV_SECRET = 16;
// A fixed, versioned salt: the key must be re-derivable from the variable alone on every start.
const SCRYPT_SALT = 'candlewatch/secret-box/v1';

export class SecretKeyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SecretKeyError';
  }
}

/**
 * The SecretBox of headless mode: AES-256-GCM with a key derived by scrypt from CANDLEWATCH_SECRET
 * or, without it, 32 random bytes in `secret.key` in the data folder (created 0600, refused when
 * others may read it). The key is loaded on first use, so an install that stores no credential never
 * needs one. Blob: format byte, 12-byte IV, 16-byte GCM tag, ciphertext.
 */
export function createHeadlessSecretBox(opts: {
  dataDir: string;
  env?: Record<string, string | undefined>;
  /** true when encrypted credentials exist: a missing key file is then refused, not replaced */
  hasStoredSecrets?: () => boolean;
}): SecretBox {
  const envSecret = (opts.env ?? process.env)[SECRET_ENV];
  const keyFile = join(opts.dataDir, SECRET_KEY_FILE);
  let key: Buffer | undefined;
  const getKey = (): Buffer =>
    (key ??=
      envSecret !== undefined
        ? keyFromEnv(envSecret)
        : keyFromFile(keyFile, opts.hasStoredSecrets ?? (() => false)));

  return {
    backend: () => (envSecret !== undefined ? 'env-key' : 'key-file'),
    isWeak: () => false,
    encrypt(plain) {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', getKey(), iv);
      const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
      return Buffer.concat([Buffer.from([FORMAT]), iv, cipher.getAuthTag(), body]);
    },
    decrypt(blob) {
      if (blob.length < 1 + IV_BYTES + TAG_BYTES || blob[0] !== FORMAT) {
        throw new SecretKeyError('stored credential is not in the headless key format');
      }
      const iv = blob.subarray(1, 1 + IV_BYTES);
      const tag = blob.subarray(1 + IV_BYTES, 1 + IV_BYTES + TAG_BYTES);
      const decipher = createDecipheriv('aes-256-gcm', getKey(), iv);
      decipher.setAuthTag(tag);
      try {
        return Buffer.concat([
          decipher.update(blob.subarray(1 + IV_BYTES + TAG_BYTES)),
          decipher.final(),
        ]).toString('utf8');
      } catch {
        throw new SecretKeyError(
          `stored credential does not decrypt with the current key (was ${SECRET_ENV} or ${SECRET_KEY_FILE} changed?)`,
        );
      }
    },
  };
}

function keyFromEnv(secret: string): Buffer {
  if (secret.length < MIN_ENV_SECRET) {
    throw new SecretKeyError(
      `${SECRET_ENV} is too short (${secret.length} characters): use at least ${MIN_ENV_SECRET}, e.g. the output of \`openssl rand -base64 32\`.`,
    );
  }
  return scryptSync(secret, SCRYPT_SALT, KEY_BYTES, { N: 2 ** 15, r: 8, p: 1, maxmem: 64 * 1024 * 1024 });
}

function keyFromFile(file: string, hasStoredSecrets: () => boolean): Buffer {
  let created = false;
  // A new key cannot open what the old one encrypted, and credentials saved afterwards would use the
  // new one: restoring the old file later would then lock those out instead. So no silent new key.
  if (!existsSync(file) && hasStoredSecrets()) {
    throw new SecretKeyError(
      `${file} is missing, but encrypted credentials are stored that only it can open. ` +
        `Restore the file from a backup (or set ${SECRET_ENV} if you used it) and restart; ` +
        'or, to start afresh, delete the stored credentials (Settings → API keys → Remove, or secrets:delete ' +
        'for each exchange and for "telegram") and enter them again: a new key file is then created.',
    );
  }
  try {
    mkdirSync(dirname(file), { recursive: true });
    // 'wx' fails if the file exists, so two starts racing cannot both write a different key.
    const fd = openSync(file, 'wx', 0o600);
    try {
      writeSync(fd, randomBytes(KEY_BYTES));
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    created = true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
  const stat = statSync(file);
  // POSIX modes mean nothing on Windows, where the data folder's ACL (the user profile) protects it.
  if (!created && process.platform !== 'win32' && (stat.mode & 0o077) !== 0) {
    const mode = (stat.mode & 0o777).toString(8).padStart(4, '0');
    throw new SecretKeyError(
      `${file} can be read by other users (mode ${mode}); it must be 0600. Fix it with: chmod 600 "${file}"`,
    );
  }
  const key = readFileSync(file);
  if (key.length !== KEY_BYTES) {
    throw new SecretKeyError(
      `${file} is not a Candlewatch key (expected ${KEY_BYTES} bytes, found ${key.length}).`,
    );
  }
  return key;
}

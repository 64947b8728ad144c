import type * as Ccxt from 'ccxt';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/**
 * ccxt's own modules, loaded one by one instead of through its index. `import 'ccxt'` loads every
 * exchange class it has (100+): node + ccxt was 149 MB of RSS before any stream, 84 MB with only the
 * exchange in use. The package's `exports` map offers nothing but its index, so the files are
 * required by absolute path (Node ≥ 22.12 requires ES modules synchronously). The error classes come
 * from the file the index re-exports (js/src/base/errors.js): one module instance, so `instanceof`
 * holds against whatever another part of the process imported from 'ccxt'.
 */
// Not named `require`: the bundler's own ESM shim declares that name in the same chunk.
const load = createRequire(import.meta.url);
/** the package folder: the index resolves to <root>/dist/ccxt.cjs for require */
const root = dirname(dirname(load.resolve('ccxt')));

type ErrorName =
  | 'AccountSuspended'
  | 'AuthenticationError'
  | 'BadRequest'
  | 'BadSymbol'
  | 'ChecksumError'
  | 'DDoSProtection'
  | 'ExchangeClosedByUser'
  | 'ExchangeError'
  | 'ExchangeNotAvailable'
  | 'InvalidNonce'
  | 'NetworkError'
  | 'NotSupported'
  | 'OnMaintenance'
  | 'OperationFailed'
  | 'PermissionDenied'
  | 'RateLimitExceeded';

/** The ccxt error classes the core tells apart. */
export const ccxtErrors = load(join(root, 'js/src/base/errors.js')) as Pick<typeof Ccxt, ErrorName>;

/** A module of the ccxt package by its path inside it ('js/src/pro/binance.js'); undefined if absent. */
export function requireCcxtFile(path: string): unknown {
  const file = join(root, path);
  return existsSync(file) ? load(file) : undefined;
}

import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * Why no `electron-rebuild` step exists (docs/storage.md): better-sqlite3 13 ships one Node-API
 * binary per platform, and a Node-API module loads in any runtime with that ABI — Node and Electron
 * alike — so the file tests load is the file the packaged app loads (unpacked from asar).
 */
const require = createRequire(import.meta.url);
const packageDir = dirname(require.resolve('better-sqlite3/package.json'));
const binding = require(join(packageDir, 'lib/binding.js')) as { getPrebuildPath(): string | null };

const DESKTOP_TARGETS = [
  'linux-x64',
  'linux-arm64',
  'darwin-x64',
  'darwin-arm64',
  'win32-x64',
  'win32-arm64',
];

describe('better-sqlite3 native binding', () => {
  it.each(DESKTOP_TARGETS)('has a Node-API prebuild for %s', (target) => {
    const file = join(packageDir, 'prebuilds', `${target}.node`);
    expect(existsSync(file)).toBe(true);
    // The Node-API entry point: a module built against V8/NAN headers would export node_register_module_vNN.
    expect(readFileSync(file).includes('napi_register_module_v1')).toBe(true);
  });

  it('is loaded from the prebuilds here, not from a local compile', () => {
    expect(existsSync(join(packageDir, 'build'))).toBe(false);
    expect(binding.getPrebuildPath()).toMatch(/prebuilds[\\/][a-z0-9]+-(x64|arm64)\.node$/);
  });
});

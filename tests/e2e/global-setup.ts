import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { CHROMIUM_PATH } from './support/chromium';

/**
 * Runs once before the e2e files: the tests drive the real build (out/) in Debian's Chromium, so both
 * must exist. CANDLEWATCH_E2E_SKIP_BUILD=1 reuses an existing out/ while iterating on the tests.
 */
export default function setup(): void {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(
      `The e2e tests need Debian's Chromium at ${CHROMIUM_PATH}, which is missing. ` +
        'Install it with `apt-get install -y chromium` (as root), then run the tests again.',
    );
  }
  if (process.env.CANDLEWATCH_E2E_SKIP_BUILD === '1') return;
  // The same Node that runs vitest (Node ≥ 22 from the `node` devDependency) runs the build.
  execFileSync(process.execPath, [resolve('node_modules/electron-vite/bin/electron-vite.js'), 'build'], {
    stdio: ['ignore', 'inherit', 'inherit'],
  });
}

/**
 * `npm run serve` from source for the integration tests: the integration project builds nothing, so
 * the UI folder is a stub page (the tests talk to the WebSocket, not the page). Same startServe as
 * src/main/headless/index.ts; SIGTERM shuts down cleanly like it.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServe } from '../../src/main/headless/serve';

const rendererDir = mkdtempSync(join(tmpdir(), 'cw-ui-stub-'));
writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>stub</title>');
const outcome = await startServe({
  argv: process.argv.slice(2),
  cwd: process.cwd(),
  env: process.env,
  platform: process.platform,
  home: homedir(),
  rendererDir,
  version: '0.0.0-test',
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
});
if (outcome.kind === 'exit') process.exit(outcome.code);
else process.once('SIGTERM', () => void outcome.serve.stop().then(() => process.exit(0)));

import { homedir } from 'node:os';
import { fileURLToPath } from 'node:url';
import { version } from '../../../package.json';
import { EXIT_FAILURE, startServe } from './serve';

/** How long a clean shutdown may take before the process gives up and exits anyway. */
const SHUTDOWN_TIMEOUT_MS = 10_000;

async function main(): Promise<void> {
  const outcome = await startServe({
    argv: process.argv.slice(2),
    cwd: process.cwd(),
    env: process.env,
    platform: process.platform,
    home: homedir(),
    // This file is bundled as out/main/headless.js; the renderer is built next to it.
    rendererDir: fileURLToPath(new URL('../renderer', import.meta.url)),
    version,
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
  });
  if (outcome.kind === 'exit') {
    process.exitCode = outcome.code;
    return;
  }

  const shutdown = (signal: NodeJS.Signals) => {
    process.stderr.write(`candlewatch serve: ${signal}, shutting down\n`);
    setTimeout(() => {
      process.stderr.write('candlewatch serve: shutdown took too long, exiting anyway\n');
      process.exit(EXIT_FAILURE);
    }, SHUTDOWN_TIMEOUT_MS).unref();
    outcome.serve.stop().then(
      () => process.exit(0),
      (err: unknown) => {
        process.stderr.write(`candlewatch serve: shutdown failed: ${String(err)}\n`);
        process.exit(EXIT_FAILURE);
      },
    );
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
}

main().catch((err: unknown) => {
  process.stderr.write(
    `candlewatch serve: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
  );
  process.exit(EXIT_FAILURE);
});

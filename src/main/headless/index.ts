import { homedir } from 'node:os';
import { fileURLToPath } from 'node:url';
import { version } from '../../../package.json';
import { missingEnv, missingV8Flags } from './v8-flags';

/** set on the re-executed process: it never re-executes again, whatever its flags say */
const REEXEC_MARK = 'CANDLEWATCH_V8_FLAGS_ADDED';

// Heap sizes only take effect on the node command line, and malloc reads its arena limit once at
// start (see v8-flags.ts): without them, replace this process by node with them, same pid, stdio,
// arguments and environment, before anything heavy loads (serve and ccxt are imported below, after
// this). process.execve does not exist on Windows (nor before Node 22.15): there the process runs
// on with the defaults.
const missing = missingV8Flags(process.execArgv, process.env['NODE_OPTIONS']);
const addedEnv = missingEnv(process.env);
const tuning = [...missing, ...Object.entries(addedEnv).map(([name, value]) => `${name}=${value}`)];
if (tuning.length > 0 && process.env[REEXEC_MARK] === undefined && process.execve) {
  try {
    process.execve(
      process.execPath,
      [process.execPath, ...process.execArgv, ...missing, ...process.argv.slice(1)],
      { ...process.env, ...addedEnv, [REEXEC_MARK]: tuning.join(' ') },
    );
  } catch (err) {
    // Only a memory tuning is lost: serve on rather than refuse to start.
    process.stderr.write(`candlewatch serve: running without ${tuning.join(' ')}: ${String(err)}\n`);
  }
}
const { EXIT_FAILURE, startServe } = await import('./serve');

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

import { mkdirSync } from 'node:fs';
import { hostname } from 'node:os';
import { startClusterNode, type ClusterNode } from '../core/cluster/cluster-node';
import { describePgUrl } from '../core/store/postgres/pg-database';
import { createCore, type Core } from '../core/app';
import { ConfigFileError, readConfigFile, type ConfigFile } from '../core/config/config-file';
import { createLogger, stderrSink, type LogSink } from '../core/base/log';
import { parseServeArgs, UsageError, USAGE } from './cli-args';
import { defaultDataDir } from './default-data-dir';
import { isLoopbackHost } from './host-policy';
import { startHeadlessServer } from './server';

export type ServeEnvironment = {
  argv: readonly string[];
  cwd: string;
  env: Readonly<Record<string, string | undefined>>;
  platform: NodeJS.Platform;
  home: string;
  /** The built renderer (out/renderer). */
  rendererDir: string;
  version: string;
  stdout(text: string): void;
  stderr(text: string): void;
  logSink?: LogSink;
};

export type RunningServe = {
  url: string;
  dataDir: string;
  /** Closes the sockets and the servers, then stops the core (flushes and closes the database). */
  stop(): Promise<void>;
};

export type ServeOutcome = { kind: 'exit'; code: number } | { kind: 'running'; serve: RunningServe };

/** Exit codes: 2 for a bad command line or config file, 1 for a failure to start. */
export const EXIT_USAGE = 2;
export const EXIT_FAILURE = 1;

/**
 * `npm run serve`: parses the command line, builds the core, starts the HTTP/WebSocket server and
 * prints the ready line. Human-readable startup errors go to stderr; stdout carries only the ready
 * line, which scripts and tests read.
 */
export async function startServe(environment: ServeEnvironment): Promise<ServeOutcome> {
  const fatal = (code: number, message: string): ServeOutcome => {
    environment.stderr(`candlewatch serve: ${message}\n`);
    return { kind: 'exit', code };
  };

  let parsed;
  try {
    parsed = parseServeArgs(environment.argv, environment.cwd);
  } catch (err) {
    if (err instanceof UsageError)
      return fatal(EXIT_USAGE, `${err.message}\nRun with --help for the options.`);
    throw err;
  }
  if (parsed.kind === 'help') {
    environment.stdout(`${USAGE}\n`);
    return { kind: 'exit', code: 0 };
  }
  const options = parsed.options;

  let config: ConfigFile | undefined;
  if (options.configFile !== undefined) {
    try {
      config = readConfigFile(options.configFile);
    } catch (err) {
      if (err instanceof ConfigFileError) return fatal(EXIT_USAGE, err.message);
      throw err;
    }
  }

  const dataDir = options.dataDir ?? defaultDataDir(environment.platform, environment.env, environment.home);
  try {
    // 0700: the folder holds the database (and, later, the encrypted secrets) of one user.
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  } catch (err) {
    return fatal(EXIT_FAILURE, `cannot create the data folder ${dataDir}: ${describe(err)}`);
  }

  const log = createLogger(environment.logSink ?? stderrSink, { level: options.logLevel });
  let cluster: ClusterNode | undefined;
  if (options.store !== undefined) {
    try {
      cluster = await startClusterNode({
        url: options.store,
        node: options.node ?? `${hostname()}-${process.pid}`,
        ttlMs: options.leaseTtlMs,
        log: log.child('cluster'),
      });
    } catch (err) {
      return fatal(
        EXIT_FAILURE,
        `cannot open the shared store ${describePgUrl(options.store)}: ${describe(err)}`,
      );
    }
  }
  let core: Core;
  try {
    core = createCore({
      dataDir,
      mode: 'headless',
      version: environment.version,
      log,
      config,
      cluster: cluster?.attach,
    });
  } catch (err) {
    await cluster?.stop();
    return fatal(EXIT_FAILURE, `cannot open the data folder ${dataDir}: ${describe(err)}`);
  }

  const headlessLog = log.child('headless');
  let server;
  try {
    server = await startHeadlessServer({
      core,
      rendererDir: environment.rendererDir,
      host: options.host,
      port: options.port,
      log: headlessLog,
    });
  } catch (err) {
    await core.stop();
    await cluster?.stop();
    return fatal(EXIT_FAILURE, describe(err));
  }
  if (options.host !== undefined && !isLoopbackHost(options.host)) {
    headlessLog.warn('listening beyond loopback: the page and the token travel unencrypted over plain HTTP', {
      host: options.host,
    });
  }

  headlessLog.info('headless mode ready', { port: server.port, dataDir });
  const ready = cluster
    ? {
        url: server.url,
        dataDir,
        node: cluster.leases.node,
        takeoverWithinMs: cluster.leases.takeoverWithinMs,
      }
    : { url: server.url, dataDir };
  environment.stdout(`${JSON.stringify(ready)}\n`);

  let stopping: Promise<void> | undefined;
  return {
    kind: 'running',
    serve: {
      url: server.url,
      dataDir,
      stop: () =>
        (stopping ??= (async () => {
          await server.close();
          await core.stop();
          await cluster?.stop();
        })()),
    },
  };
}

function describe(err: unknown): string {
  if (err instanceof Error) {
    const code = (err as NodeJS.ErrnoException).code;
    return code && !err.message.includes(code) ? `${err.message} (${code})` : err.message;
  }
  return String(err);
}

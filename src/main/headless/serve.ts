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
import type { SocketBinding } from './socket-binding';
import { openPairedClients, PairingFileError, type PairedClients } from '../core/pairing/paired-clients';
import { runPairingAction } from './pairing-cli';
import { identityFor, TlsIdentityError, type ServerIdentity } from './tls/server-identity';

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
  /** SHA-256 of the served certificate (`AB:CD:…`); undefined over plain HTTP */
  fingerprint: string | undefined;
  /** Closes the sockets and the servers, then stops the core (flushes and closes the database). */
  stop(): Promise<void>;
};

export type ServeOutcome = { kind: 'exit'; code: number } | { kind: 'running'; serve: RunningServe };

/** Exit codes: 2 for a bad command line or config file, 1 for a failure to start. */
export const EXIT_USAGE = 2;
export const EXIT_FAILURE = 1;

/** How often the paired-clients file is read again for revocations made from the command line. */
const REVOCATION_CHECK_MS = 2_000;

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

  if (parsed.kind === 'pairing') {
    return { kind: 'exit', code: runPairingAction(parsed.action, dataDir, options.tls, environment) };
  }

  let identity: ServerIdentity | undefined;
  let paired: PairedClients;
  try {
    identity = options.tls && identityFor(options.tls, dataDir);
    paired = openPairedClients(dataDir);
  } catch (err) {
    if (err instanceof TlsIdentityError || err instanceof PairingFileError)
      return fatal(EXIT_USAGE, err.message);
    throw err;
  }
  // The socket binding exists only once the server listens, after the core: calls reach it through this.
  const late: { sockets?: SocketBinding } = {};

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
      serverAccess: {
        fingerprint: identity?.fingerprint ?? null,
        clients: paired,
        connections: (id) => late.sockets?.connectionsOf(id) ?? 0,
        disconnect: (id) => late.sockets?.disconnectPaired(id) ?? 0,
      },
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
      paired,
      ...(identity ? { tls: { cert: identity.cert, key: identity.key } } : {}),
    });
  } catch (err) {
    await core.stop();
    await cluster?.stop();
    return fatal(EXIT_FAILURE, describe(err));
  }
  late.sockets = server.sockets;
  // `--revoke` from another shell changes the file: its connections close within this period.
  const watchRevocations = setInterval(() => {
    try {
      for (const id of paired.refresh()) server.sockets.disconnectPaired(id);
    } catch (err) {
      headlessLog.error('cannot read the paired clients', { error: err });
    }
  }, REVOCATION_CHECK_MS);
  watchRevocations.unref();
  if (!identity && options.host !== undefined && !isLoopbackHost(options.host)) {
    headlessLog.warn(
      'listening beyond loopback over plain HTTP (--insecure-plain-http): the page and the tokens travel unencrypted unless a TLS proxy stands in front',
      { host: options.host },
    );
  }
  const fingerprint = identity?.fingerprint;
  if (identity) {
    // Printed on stderr for the person at the terminal, who compares it with what the client shows.
    environment.stderr(
      `candlewatch serve: TLS certificate SHA-256 fingerprint ${identity.fingerprint}` +
        (identity.source === 'generated' ? ' (self-signed, made now and kept in the data folder)\n' : '\n'),
    );
  }

  headlessLog.info('headless mode ready', { port: server.port, dataDir });
  const ready = {
    url: server.url,
    dataDir,
    ...(fingerprint ? { fingerprint } : {}),
    ...(cluster ? { node: cluster.leases.node, takeoverWithinMs: cluster.leases.takeoverWithinMs } : {}),
  };
  environment.stdout(`${JSON.stringify(ready)}\n`);

  let stopping: Promise<void> | undefined;
  return {
    kind: 'running',
    serve: {
      url: server.url,
      dataDir,
      fingerprint,
      stop: () =>
        (stopping ??= (async () => {
          clearInterval(watchRevocations);
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

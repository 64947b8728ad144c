import { isIP } from 'node:net';
import { resolve } from 'node:path';
import type { LogLevel } from '../core/base/log';
import { isPostgresUrl } from '../core/store/postgres/pg-database';
import { argTokens } from './arg-tokens';
import { isLoopbackHost } from './host-policy';

/** How the server speaks: absent means plain HTTP (loopback only, unless forced). */
export type TlsChoice = { kind: 'files'; certFile: string; keyFile: string } | { kind: 'self-signed' };

export type ServeOptions = {
  dataDir?: string;
  configFile?: string;
  /** 0 lets the OS pick a free port. */
  port: number;
  /** undefined: loopback only (127.0.0.1 and ::1). */
  host?: string;
  logLevel: LogLevel;
  /** undefined: plain HTTP (the default on loopback, or forced with --insecure-plain-http) */
  tls?: TlsChoice;
  /** a PostgreSQL URL: this node is one collector of several sharing that database */
  store?: string;
  /** this collector's name in the cluster (default: host name and process id) */
  node?: string;
  /** how long a stream lease lasts without renewal (ms) */
  leaseTtlMs?: number;
};

/** `--pair NAME`, `--revoke NAME`, `--pairings`: change or list the paired clients, then exit. */
export type PairingAction =
  { kind: 'pair'; name: string } | { kind: 'revoke'; client: string } | { kind: 'list' };

export type ParsedArgs =
  | { kind: 'help' }
  | { kind: 'serve'; options: ServeOptions }
  | { kind: 'pairing'; action: PairingAction; options: ServeOptions };

/** Bad command line: the entry point prints the message and exits with code 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export const USAGE = `Usage: npm run serve -- [options]

Runs the Candlewatch core without Electron and serves its UI to a browser.

Options:
  --data-dir DIR     where the database lives (default: see docs/headless.md)
  --config FILE      JSON file that seeds the settings (docs/config.md)
  --port N           TCP port, 0 picks a free one (default: 0)
  --host H           address to bind (default: 127.0.0.1 and ::1 only); beyond loopback
                     it serves HTTPS/WSS only (a self-signed certificate unless --tls-cert)
  --tls-cert FILE    PEM certificate to serve (with --tls-key)
  --tls-key FILE     PEM private key of --tls-cert
  --tls              HTTPS on loopback too (the self-signed certificate unless --tls-cert)
  --plain-http       plain HTTP: the default on loopback, refused beyond it
  --insecure-plain-http
                     plain HTTP even beyond loopback (only behind a TLS proxy you run)
  --log-level L      debug | info | warn | error (default: info); logs go to stderr
  --pair NAME        pair a client named NAME: prints its token and the certificate
                     fingerprint, then exits (works while the server runs)
  --revoke NAME      revoke a paired client (by name or id); its connections close
  --pairings         list the paired clients, then exit
  --store URL        postgres://user@host/db: share the streams, candles and alerts with the
                     other collectors of that database (default: the data folder's SQLite alone)
  --node NAME        this collector's name among them (default: host name and process id)
  --lease-ttl MS     a stream whose collector stopped renewing it this long is taken over
                     (default: 10000)
  -h, --help         this text

When ready it prints one JSON line on stdout: {"url": "...?token=...", "dataDir": "..."}, plus
"fingerprint" (SHA-256 of the certificate) when it serves TLS.`;

const VALUE_FLAGS = [
  'data-dir',
  'config',
  'port',
  'host',
  'log-level',
  'tls-cert',
  'tls-key',
  'pair',
  'revoke',
  'store',
  'node',
  'lease-ttl',
];
const SWITCHES = ['tls', 'plain-http', 'insecure-plain-http', 'pairings'];
const LOG_LEVELS: readonly LogLevel[] = ['debug', 'info', 'warn', 'error'];

/** Parses `npm run serve -- …` arguments; relative paths are resolved against `cwd`. */
export function parseServeArgs(argv: readonly string[], cwd: string): ParsedArgs {
  const values = new Map<string, string>();
  const switches = new Set<string>();
  for (const token of argTokens(argv, { values: VALUE_FLAGS, switches: SWITCHES })) {
    if (token.kind === 'help') return { kind: 'help' };
    if (token.kind === 'stray') {
      if (token.raw.startsWith('--')) throw new UsageError(`unknown option ${token.raw.split('=')[0]}`);
      throw new UsageError(`unexpected argument "${token.raw}"`);
    }
    const { flag, value } = token;
    if (SWITCHES.includes(flag.slice(2))) {
      if (value !== undefined) throw new UsageError(`option ${flag} takes no value`);
      switches.add(flag);
      continue;
    }
    if (value === undefined || value === '') throw new UsageError(`option ${flag} needs a value`);
    if (values.has(flag)) throw new UsageError(`option ${flag} is given twice`);
    values.set(flag, value);
  }

  const options: ServeOptions = {
    port: parsePort(values.get('--port')),
    logLevel: parseLogLevel(values.get('--log-level')),
  };
  const dataDir = values.get('--data-dir');
  if (dataDir !== undefined) options.dataDir = resolve(cwd, dataDir);
  const configFile = values.get('--config');
  if (configFile !== undefined) options.configFile = resolve(cwd, configFile);
  const host = values.get('--host');
  if (host !== undefined) options.host = parseHost(host);
  const store = values.get('--store');
  if (store !== undefined) {
    if (!isPostgresUrl(store))
      throw new UsageError(
        `--store must be a postgres:// or postgresql:// address, got "${store.split('@').pop()}"`,
      );
    options.store = store;
  }
  const node = values.get('--node');
  if (node !== undefined) {
    if (!/^[\w.:-]{1,64}$/.test(node))
      throw new UsageError(
        `--node must be 1 to 64 letters, digits, dots, colons, dashes or underscores, got "${node}"`,
      );
    options.node = node;
  }
  const ttl = values.get('--lease-ttl');
  if (ttl !== undefined) {
    const ms = /^\d{1,7}$/.test(ttl) ? Number(ttl) : NaN;
    if (!(ms >= 500))
      throw new UsageError(`--lease-ttl must be a whole number of milliseconds, at least 500, got "${ttl}"`);
    options.leaseTtlMs = ms;
  }
  if ((node !== undefined || ttl !== undefined) && store === undefined)
    throw new UsageError('--node and --lease-ttl only apply with --store postgres://…');
  const tls = parseTls(values, switches, options.host, cwd);
  if (tls) options.tls = tls;
  const actions: PairingAction[] = [];
  const pair = values.get('--pair');
  if (pair !== undefined) actions.push({ kind: 'pair', name: pair });
  const revoke = values.get('--revoke');
  if (revoke !== undefined) actions.push({ kind: 'revoke', client: revoke });
  if (switches.has('--pairings')) actions.push({ kind: 'list' });
  if (actions.length > 1) throw new UsageError('give one of --pair, --revoke and --pairings at a time');
  if (actions[0]) return { kind: 'pairing', action: actions[0], options };
  return { kind: 'serve', options };
}

/**
 * Beyond loopback the server speaks TLS only: tokens and everything the contract carries would cross
 * the network readable by anyone on the path. Plain HTTP there takes the flag that says so.
 */
function parseTls(
  values: ReadonlyMap<string, string>,
  switches: ReadonlySet<string>,
  host: string | undefined,
  cwd: string,
): TlsChoice | undefined {
  const certFile = values.get('--tls-cert');
  const keyFile = values.get('--tls-key');
  const plain = switches.has('--plain-http') || switches.has('--insecure-plain-http');
  if ((certFile === undefined) !== (keyFile === undefined))
    throw new UsageError(
      '--tls-cert and --tls-key go together: give both, or neither for a self-signed certificate',
    );
  if (plain && (certFile !== undefined || switches.has('--tls')))
    throw new UsageError('plain HTTP and TLS options cannot be combined');
  if (switches.has('--plain-http') && switches.has('--insecure-plain-http'))
    throw new UsageError('give one of --plain-http and --insecure-plain-http');
  const beyondLoopback = host !== undefined && !isLoopbackHost(host);
  if (switches.has('--plain-http') && beyondLoopback) {
    throw new UsageError(
      `--plain-http is refused beyond loopback (--host ${host}): pairing tokens and all data would cross the network unencrypted. Serve TLS (the default there), or pass --insecure-plain-http if a TLS proxy you run stands in front of it`,
    );
  }
  if (plain) return undefined;
  if (certFile !== undefined && keyFile !== undefined)
    return { kind: 'files', certFile: resolve(cwd, certFile), keyFile: resolve(cwd, keyFile) };
  return beyondLoopback || switches.has('--tls') ? { kind: 'self-signed' } : undefined;
}

function parsePort(text: string | undefined): number {
  if (text === undefined) return 0;
  const port = /^\d{1,5}$/.test(text) ? Number(text) : NaN;
  if (!(port >= 0 && port <= 65_535)) {
    throw new UsageError(
      `--port must be a whole number from 0 to 65535 (0 picks a free port), got "${text}"`,
    );
  }
  return port;
}

function parseLogLevel(text: string | undefined): LogLevel {
  if (text === undefined) return 'info';
  const level = LOG_LEVELS.find((l) => l === text);
  if (!level) throw new UsageError(`--log-level must be one of ${LOG_LEVELS.join(', ')}, got "${text}"`);
  return level;
}

function parseHost(text: string): string {
  // Accept the bracketed IPv6 form people copy from URLs ("[::1]").
  const host = text.startsWith('[') && text.endsWith(']') ? text.slice(1, -1) : text;
  const isHostname =
    /^(?=.{1,253}$)[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*$/;
  if (isIP(host) === 0 && !isHostname.test(host)) {
    throw new UsageError(`--host must be an IP address or a host name, got "${text}"`);
  }
  return host.toLowerCase();
}

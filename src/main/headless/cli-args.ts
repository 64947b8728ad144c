import { isIP } from 'node:net';
import { resolve } from 'node:path';
import type { LogLevel } from '../core/base/log';
import { argTokens } from './arg-tokens';

export type ServeOptions = {
  dataDir?: string;
  configFile?: string;
  /** 0 lets the OS pick a free port. */
  port: number;
  /** undefined: loopback only (127.0.0.1 and ::1). */
  host?: string;
  logLevel: LogLevel;
};

export type ParsedArgs = { kind: 'help' } | { kind: 'serve'; options: ServeOptions };

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
  --host H           address to bind (default: 127.0.0.1 and ::1 only)
  --log-level L      debug | info | warn | error (default: info); logs go to stderr
  -h, --help         this text

When ready it prints one JSON line on stdout: {"url": "...?token=...", "dataDir": "..."}.`;

const VALUE_FLAGS = ['data-dir', 'config', 'port', 'host', 'log-level'];
const LOG_LEVELS: readonly LogLevel[] = ['debug', 'info', 'warn', 'error'];

/** Parses `npm run serve -- …` arguments; relative paths are resolved against `cwd`. */
export function parseServeArgs(argv: readonly string[], cwd: string): ParsedArgs {
  const values = new Map<string, string>();
  for (const token of argTokens(argv, { values: VALUE_FLAGS })) {
    if (token.kind === 'help') return { kind: 'help' };
    if (token.kind === 'stray') {
      if (token.raw.startsWith('--')) throw new UsageError(`unknown option ${token.raw.split('=')[0]}`);
      throw new UsageError(`unexpected argument "${token.raw}"`);
    }
    const { flag, value } = token;
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
  return { kind: 'serve', options };
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

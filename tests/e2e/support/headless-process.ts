import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

/** Node ≥ 22 from the `node` devDependency, whatever the machine's own node is. */
const NODE = resolve('node_modules/.bin/node');
const ENTRY = resolve('out/main/headless.js');
const READY_TIMEOUT_MS = 30_000;

export type HeadlessProcess = {
  /** The printed page URL, token included. */
  url: string;
  pid: number;
  origin: string;
  host: string;
  port: number;
  token: string;
  dataDir: string;
  /** Every line the process wrote on stdout (the ready line must be the only one). */
  stdoutLines(): string[];
  stderr(): string;
  /** SIGTERM, then the exit code once the process is gone; removes the data folder (unless kept). */
  stop(): Promise<number | null>;
};

export type HeadlessOptions = {
  /** the process's environment (default: this one's) */
  env?: NodeJS.ProcessEnv;
  /** leave the data folder for the caller to read after stop() (it removes it) */
  keepDataDir?: boolean;
};

/** Starts `node out/main/headless.js --data-dir <tmp> --port 0` and waits for its ready line. */
export async function startHeadless(
  extraArgs: string[] = [],
  options: HeadlessOptions = {},
): Promise<HeadlessProcess> {
  const dataDir = mkdtempSync(join(tmpdir(), 'cw-e2e-'));
  const child = spawn(NODE, [ENTRY, '--data-dir', dataDir, '--port', '0', ...extraArgs], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: options.env ?? process.env,
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));

  const line = await new Promise<string>((ready, fail) => {
    const timer = setTimeout(
      () => fail(new Error(`no ready line after ${READY_TIMEOUT_MS} ms:\n${stderr}`)),
      READY_TIMEOUT_MS,
    );
    const onData = () => {
      const end = stdout.indexOf('\n');
      if (end === -1) return;
      clearTimeout(timer);
      child.stdout.off('data', onData);
      ready(stdout.slice(0, end));
    };
    child.stdout.on('data', onData);
    void exited.then((code) => {
      clearTimeout(timer);
      fail(new Error(`headless server exited with ${code} before it was ready:\n${stderr}`));
    });
  });

  const parsed = JSON.parse(line) as { url: string; dataDir: string };
  const url = new URL(parsed.url);
  return {
    url: parsed.url,
    pid: child.pid!,
    origin: url.origin,
    host: url.host,
    port: Number(url.port),
    token: url.searchParams.get('token') ?? '',
    dataDir: parsed.dataDir,
    stdoutLines: () => stdout.split('\n').filter((l) => l !== ''),
    stderr: () => stderr,
    stop: () => stopProcess(child, exited, options.keepDataDir === true ? null : dataDir),
  };
}

async function stopProcess(child: ChildProcess, exited: Promise<number | null>, dataDir: string | null) {
  if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
  const code = await exited;
  if (dataDir !== null) rmSync(dataDir, { recursive: true, force: true });
  return code;
}

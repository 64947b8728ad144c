import { spawn } from 'node:child_process';
import { join, resolve } from 'node:path';
import WebSocket from 'ws';

/** Node ≥ 22 from the `node` devDependency, whatever the machine's own node is. */
const NODE = resolve('node_modules/.bin/node');
/** From source through tsx (headless-node-entry.ts): the integration project has no build step. */
const ENTRY = resolve('tests/support/headless-node-entry.ts');
const READY_TIMEOUT_MS = 60_000;

export type HeadlessNode = {
  pid: number;
  ready: Record<string, unknown> & { url: string };
  stderr(): string;
  /** every `alert:fired` this node told its WebSocket client, in order */
  fired: { ruleName: string; candleTime: number; status: string }[];
  /** kill -9: no shutdown, no flush, no lease handed back */
  kill(): Promise<void>;
  /** SIGTERM and wait for the exit */
  stop(): Promise<void>;
};

/** A headless core as a real child process (kill -9 needs one), with a WebSocket client attached. */
export async function startHeadlessNode(args: string[]): Promise<HeadlessNode> {
  const child = spawn(NODE, ['--import', 'tsx', ENTRY, '--port', '0', ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  const line = await new Promise<string>((ready, fail) => {
    const timer = setTimeout(() => fail(new Error(`no ready line:\n${stderr}`)), READY_TIMEOUT_MS);
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
      const end = stdout.indexOf('\n');
      if (end === -1) return;
      clearTimeout(timer);
      ready(stdout.slice(0, end));
    });
    void exited.then(() => {
      clearTimeout(timer);
      fail(new Error(`headless exited before it was ready:\n${stderr}`));
    });
  });
  const ready = JSON.parse(line) as HeadlessNode['ready'];
  const url = new URL(ready.url);
  const fired: HeadlessNode['fired'] = [];
  const ws = new WebSocket(`ws://${url.host}/ws?token=${url.searchParams.get('token')}`, {
    origin: url.origin,
  });
  ws.on('error', () => undefined); // the kill ends the socket: that is the test
  ws.on('message', (data) => {
    const frame = JSON.parse(String(data)) as {
      t: string;
      event?: string;
      payload?: { alert: HeadlessNode['fired'][number] };
    };
    if (frame.t === 'event' && frame.event === 'alert:fired' && frame.payload)
      fired.push(frame.payload.alert);
  });
  await new Promise<void>((done, fail) => {
    ws.once('open', () => done());
    ws.once('error', fail);
  });
  const end = async (signal: NodeJS.Signals) => {
    ws.terminate();
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    await exited;
  };
  return {
    pid: child.pid!,
    ready,
    stderr: () => stderr,
    fired,
    kill: () => end('SIGKILL'),
    stop: () => end('SIGTERM'),
  };
}

/** One collector of a cluster: its own data folder under `dir`, the shared config and database. */
export function startCollector(opts: {
  dir: string;
  name: string;
  config: string;
  store: string;
  logLevel: string;
  extra?: string[];
}): Promise<HeadlessNode> {
  const { dir, name, config, store, logLevel, extra = [] } = opts;
  return startHeadlessNode([
    ...['--data-dir', join(dir, name), '--config', config, '--store', store],
    ...['--node', name, '--log-level', logLevel, ...extra],
  ]);
}

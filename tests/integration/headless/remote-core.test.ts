import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect as tlsConnect, type ConnectionOptions, type TLSSocket } from 'node:tls';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { silentLogger } from '../../../src/main/core/base/log';
import { lastSeenAlertFile, type LastSeenAlert } from '../../../src/main/electron/remote/last-seen-alert';
import { createRemoteLink, type RemoteLink } from '../../../src/main/electron/remote/remote-link';
import { startServe, type RunningServe } from '../../../src/main/headless/serve';
import type { ServerAccess } from '../../../src/shared/contract/methods/pairing';
import type { Alert } from '../../../src/shared/domain/alert';
import { everyCandleConfig } from '../../support/every-candle-config';
import { startFakeExchange, type FakeExchange } from '../../support/fake-exchange';

// The desktop app attached to a headless server (issue 14, item 1): the real server started as
// `npm run serve -- --host 0.0.0.0` starts it (TLS, self-signed), the real client of the desktop
// shell (pinned TLS + the contract client). The server binds every interface; the test only ever
// connects to 127.0.0.1.

let dir: string | undefined;
let fake: FakeExchange | undefined;
let running: RunningServe | undefined;
const links: RemoteLink[] = [];

afterEach(async () => {
  for (const link of links.splice(0)) link.close();
  await running?.stop();
  await fake?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = fake = running = undefined;
});

async function until<T>(
  what: string,
  probe: () => T | undefined | false | Promise<T | undefined | false>,
  timeoutMs = 40_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function serve(argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const outcome = await startServe({
    argv: ['--data-dir', join(dir!, 'data'), ...argv],
    cwd: dir!,
    env: {},
    platform: 'linux',
    home: dir!,
    rendererDir: join(dir!, 'renderer'),
    version: '0.0.0-test',
    stdout: (t) => out.push(t),
    stderr: (t) => err.push(t),
    logSink: () => {},
  });
  if (outcome.kind === 'running') running = outcome.serve;
  return { outcome, stdout: out.join(''), stderr: err.join('') };
}

async function pair(name: string): Promise<{ token: string; fingerprint: string }> {
  const { outcome, stdout } = await serve(['--pair', name]);
  expect(outcome).toEqual({ kind: 'exit', code: 0 });
  return JSON.parse(stdout) as { token: string; fingerprint: string };
}

/** A port nothing listens on: connecting there is a machine that went off the network. */
async function closedPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
  const port = (probe.address() as { port: number }).port;
  await new Promise<void>((r) => probe.close(() => r()));
  return port;
}

/** The desktop's link, with a network it can unplug: offline, connections go nowhere and open ones drop. */
async function link(port: number, token: string, fingerprint: string, lastSeen?: LastSeenAlert) {
  const deadPort = await closedPort();
  const network = { online: true, sockets: [] as TLSSocket[] };
  const events: { name: string; payload: unknown }[] = [];
  const l = createRemoteLink({
    address: { host: '127.0.0.1', port },
    token,
    fingerprint,
    log: silentLogger(),
    ...(lastSeen ? { lastSeen } : {}),
    connect: (o: ConnectionOptions) => {
      const socket = tlsConnect(network.online ? o : { ...o, port: deadPort });
      network.sockets.push(socket);
      return socket;
    },
  });
  links.push(l);
  l.subscribe((name, payload) => events.push({ name, payload }));
  return {
    link: l,
    events,
    unplug() {
      network.online = false;
      for (const s of network.sockets.splice(0)) s.destroy();
    },
    plug: () => (network.online = true),
    fired: () =>
      events.filter((e) => e.name === 'alert:fired').map((e) => (e.payload as { alert: Alert }).alert),
  };
}

async function call<T>(
  l: RemoteLink,
  method: Parameters<RemoteLink['dispatch']>[0],
  input: unknown,
): Promise<T> {
  const result = await l.dispatch(method, input);
  if (!result.ok) throw new Error(`${method}: ${result.error.message}`);
  return result.value as T;
}

describe('desktop attached to a server', () => {
  it('pairs over TLS pinned to the self-signed certificate, refuses a wrong fingerprint and a revoked token, and delivers what fired while it was away', async () => {
    dir = mkdtempSync(join(tmpdir(), 'cw-remote-'));
    mkdirSync(join(dir, 'renderer'));
    writeFileSync(join(dir, 'renderer', 'index.html'), '<!doctype html><title>t</title>');
    fake = await startFakeExchange({ symbols: ['BTC/USDT'], seed: 14, updateIntervalMs: 200 });
    const configFile = join(dir, 'config.json');
    writeFileSync(configFile, JSON.stringify(everyCandleConfig(fake)));

    // Plain HTTP beyond loopback is refused, naming the flag that would force it.
    const plain = await serve(['--host', '0.0.0.0', '--plain-http']);
    expect(plain.outcome).toEqual({ kind: 'exit', code: 2 });
    expect(plain.stderr).toContain('--insecure-plain-http');

    const laptop = await pair('laptop');
    const watcher = await pair('watcher');
    const probe = await pair('probe');
    const started = await serve(['--host', '0.0.0.0', '--port', '0', '--config', configFile]);
    expect(started.outcome.kind).toBe('running');
    const ready = JSON.parse(started.stdout) as { url: string; fingerprint: string };
    expect(ready.fingerprint).toBe(laptop.fingerprint);
    const port = Number(new URL(ready.url).port);
    expect(new URL(ready.url).protocol).toBe('https:');

    // Plain ws:// to the server gets no socket either.
    const plainSocket = new WebSocket(`ws://127.0.0.1:${port}/ws`, {
      headers: { Authorization: `Bearer ${laptop.token}` },
    });
    await new Promise<void>((resolve) => {
      plainSocket.on('error', () => resolve());
      plainSocket.on('open', () => resolve());
    });
    expect(plainSocket.readyState).not.toBe(WebSocket.OPEN);
    plainSocket.terminate();

    // A wrong fingerprint: refused in plain words, and the token never reached the server.
    const wrong = laptop.fingerprint.startsWith('00')
      ? `11${laptop.fingerprint.slice(2)}`
      : `00${laptop.fingerprint.slice(2)}`;
    const impostor = await link(port, probe.token, wrong);
    await until('the wrong fingerprint refused', () => impostor.link.state === 'closed');
    expect(impostor.link.problem).toMatch(
      /^the server's certificate changed: its fingerprint is now .* Nothing was sent to it/,
    );

    const memory = lastSeenAlertFile(dir, laptop.fingerprint);
    const desk = await link(port, laptop.token, laptop.fingerprint, memory);
    const admin = await link(port, watcher.token, watcher.fingerprint);
    await until('both links open', () => desk.link.state === 'open' && admin.link.state === 'open');
    const info = await call<{ mode: string }>(desk.link, 'app:info', {});
    expect(info.mode).toBe('headless');
    const access = await call<ServerAccess>(admin.link, 'pairing:list', {});
    expect(access.fingerprint).toBe(laptop.fingerprint);
    expect(access.clients.map((c) => [c.name, c.connections])).toEqual([
      ['laptop', 1],
      ['watcher', 1],
      ['probe', 0],
    ]);
    expect(access.clients.find((c) => c.name === 'probe')!.lastUsedAt).toBeNull();

    // Live: alerts arrive as they fire, with their notification and sound requests.
    await until('2 live alerts', () => desk.fired().length >= 2 || undefined);
    expect(desk.events.some((e) => e.name === 'notify:native-requested')).toBe(true);

    // The laptop sleeps: the server fires on, and the desktop is told on reconnect, once, as delivered.
    desk.unplug();
    await until('the link down', () => desk.link.state !== 'open');
    const lastLive = Math.max(...desk.fired().map((a) => a.id));
    const allAlerts = async () =>
      (await call<{ alerts: Alert[] }>(admin.link, 'alerts:list', { limit: 5_000 })).alerts;
    await until(
      '3 alerts fired while away',
      async () => (await allAlerts()).filter((a) => a.id > lastLive).length >= 3,
    );
    desk.plug();
    const delivered = await until('the delivered alerts', () =>
      desk.events.find((e) => e.name === 'remote:alerts-delivered'),
    );
    const told = delivered.payload as { alerts: Alert[]; truncated: boolean };
    const whileAway = (await allAlerts()).filter(
      (a) => a.id > lastLive && !desk.fired().some((f) => f.id === a.id),
    );
    expect(told.truncated).toBe(false);
    expect(told.alerts.length).toBeGreaterThanOrEqual(3);
    // Exactly the alerts the server fired while the link was down, oldest first, none also told live.
    expect(told.alerts.map((a) => a.id)).toEqual(
      whileAway
        .filter((a) => a.id <= Math.max(...told.alerts.map((t) => t.id)))
        .map((a) => a.id)
        .reverse(),
    );
    expect(told.alerts.every((a) => a.status === 'active')).toBe(true);
    expect(desk.events.some((e) => e.name === 'alerts:missed-summary')).toBe(false);
    // …and live alerts go on after the reconnect.
    const firedBefore = desk.fired().length;
    await until('a live alert after the reconnect', () => desk.fired().length > firedBefore || undefined);
    expect(desk.events.filter((e) => e.name === 'remote:alerts-delivered')).toHaveLength(1);

    // The app quits and starts again later: what the server fired while it was not running is told
    // as delivered too, from the newest alert the app remembers having told.
    desk.link.close();
    await until('the app closed', () => desk.link.state === 'closed');
    const toldUpTo = memory.read()!.id;
    expect(toldUpTo).toBe(Math.max(...desk.fired().map((a) => a.id), ...told.alerts.map((a) => a.id)));
    await until(
      '2 alerts fired while the app was not running',
      async () => (await allAlerts()).filter((a) => a.id > toldUpTo).length >= 2,
    );
    const restarted = await link(port, laptop.token, laptop.fingerprint, memory);
    const afterRestart = await until('the alerts delivered after the restart', () =>
      restarted.events.find((e) => e.name === 'remote:alerts-delivered'),
    );
    const toldAfterRestart = (afterRestart.payload as { alerts: Alert[] }).alerts.map((a) => a.id);
    expect(toldAfterRestart.length).toBeGreaterThanOrEqual(2);
    // none skipped, none told twice: every alert after the remembered one, oldest first
    expect(toldAfterRestart).toEqual(
      (await allAlerts())
        .map((a) => a.id)
        .filter((id) => id > toldUpTo && id <= Math.max(...toldAfterRestart))
        .sort((x, y) => x - y),
    );

    // Revoked: the open connection closes at once with the reason, and the token opens nothing more.
    const laptopId = access.clients.find((c) => c.name === 'laptop')!.id;
    expect(await call(admin.link, 'pairing:revoke', { id: laptopId })).toEqual({
      revoked: true,
      closedConnections: 1,
    });
    await until('the revoked link closed', () => restarted.link.state === 'closed');
    expect(restarted.link.problem).toBe('the pairing of this client was revoked on the server');
    const again = await link(port, laptop.token, laptop.fingerprint);
    await until('the revoked token refused', () => again.link.state === 'closed');
    expect(again.link.problem).toMatch(
      /^the server refused this client's pairing token: it was revoked or is wrong/,
    );
    expect(admin.link.state).toBe('open');
  }, 120_000);
});

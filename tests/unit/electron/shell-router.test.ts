import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { EventName } from '../../../src/shared/contract';
import type { ConnectionState } from '../../../src/shared/contract/ws-client';
import type { Alert } from '../../../src/shared/domain/alert';
import type { NativeNotification } from '../../../src/main/core/notify/ports';
import type { SecretBox } from '../../../src/main/core/secrets/ports';
import type { RemoteLink } from '../../../src/main/electron/remote/remote-link';
import {
  REMOTE_SETTINGS_FILE,
  remoteSettingsFile,
  type PairedServer,
  type RemoteSettings,
} from '../../../src/main/electron/remote/remote-settings';
import { createShellRouter, type LocalCore } from '../../../src/main/electron/remote/shell-router';
import { recordingLogger } from './fakes';

const FP = Array.from({ length: 32 }, (_, i) => (i + 16).toString(16).toUpperCase()).join(':');

class FakeLink implements RemoteLink {
  state: ConnectionState = 'connecting';
  problem: string | undefined;
  closed = false;
  readonly calls: string[] = [];
  private readonly stateListeners = new Set<(s: ConnectionState) => void>();
  private readonly listeners = new Set<(name: string, payload: unknown) => void>();
  constructor(readonly server: PairedServer) {}
  dispatch = (method: string) => {
    this.calls.push(method);
    return Promise.resolve({ ok: true as const, value: { from: 'server' } });
  };
  subscribe(l: (name: string, payload: unknown) => void) {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  }
  onStateChange(l: (s: ConnectionState) => void) {
    this.stateListeners.add(l);
    return () => this.stateListeners.delete(l);
  }
  close() {
    this.closed = true;
  }
  become(state: ConnectionState, problem?: string) {
    this.state = state;
    this.problem = problem;
    for (const l of [...this.stateListeners]) l(state);
  }
  hear(name: string, payload: unknown) {
    for (const l of this.listeners) l(name, payload);
  }
}

function harness(
  initial: RemoteSettings = { mode: 'local', server: null },
  linkOutcome?: (l: FakeLink) => void,
) {
  const written: RemoteSettings[] = [];
  const locals: { stopped: boolean; calls: string[] }[] = [];
  const links: FakeLink[] = [];
  const shown: NativeNotification[] = [];
  const heard: { name: EventName; payload: unknown }[] = [];
  let reloads = 0;
  const router = createShellRouter({
    startLocal: (): LocalCore => {
      const local = { stopped: false, calls: [] as string[] };
      locals.push(local);
      return {
        dispatch: (method) => {
          local.calls.push(String(method));
          return Promise.resolve({ ok: true, value: { from: 'local' } });
        },
        events: { subscribe: () => () => {} },
        resumed: () => {},
        stop: () => {
          local.stopped = true;
          return Promise.resolve();
        },
      };
    },
    settings: { read: () => initial, write: (s) => written.push(s) },
    openLink: (server) => {
      const link = new FakeLink(server);
      links.push(link);
      if (linkOutcome) queueMicrotask(() => linkOutcome(link));
      return link;
    },
    probe: () => Promise.resolve(FP),
    notifier: { show: (n) => void shown.push(n) },
    reloadWindow: () => reloads++,
    log: recordingLogger().log,
  });
  router.events.subscribe((name, payload) => heard.push({ name, payload }));
  return { router, written, locals, links, shown, heard, reloads: () => reloads };
}

const alert = (id: number): Alert => ({
  id,
  kind: 'rule',
  ruleId: 1,
  ruleName: 'breakout',
  signal: 'BUY',
  exchange: 'binance',
  symbol: 'BTC/USDT',
  timeframe: '1m',
  candleTime: 0,
  price: 1,
  values: {},
  strength: 0.5,
  strengthBasis: '',
  message: '',
  firedAt: id,
  status: 'active',
  statusAt: id,
  urgent: false,
});

describe('shell router: local core or a paired server', () => {
  it('shows the local core by default and answers remote:status itself', async () => {
    const h = harness();
    expect(await h.router.dispatch('settings:get', {})).toEqual({ ok: true, value: { from: 'local' } });
    expect(await h.router.dispatch('remote:status', {})).toEqual({
      ok: true,
      value: { mode: 'local', server: null, link: 'open', problem: null },
    });
    expect(h.locals[0]!.calls).toEqual(['settings:get']);
  });

  it('probes, then attaches once the server accepts the token: pinned, saved, local core stopped, window reloaded', async () => {
    const h = harness(undefined, (l) => l.become('open'));
    expect(await h.router.dispatch('remote:probe', { address: 'box.lan:8443' })).toEqual({
      ok: true,
      value: { address: 'box.lan:8443', fingerprint: FP },
    });
    const attached = await h.router.dispatch('remote:attach', {
      address: 'https://box.lan:8443/',
      token: 'cwp_secret',
      fingerprint: FP.replace(/:/g, '').toLowerCase(),
      clientName: 'laptop',
    });
    expect(attached).toMatchObject({
      ok: true,
      value: { mode: 'server', link: 'open', server: { address: 'box.lan:8443', fingerprint: FP } },
    });
    expect(h.written).toEqual([
      {
        mode: 'server',
        server: { address: 'box.lan:8443', fingerprint: FP, clientName: 'laptop', token: 'cwp_secret' },
      },
    ]);
    expect(h.locals[0]!.stopped).toBe(true);
    expect(h.reloads()).toBe(1);
    expect(await h.router.dispatch('alerts:list', {})).toEqual({ ok: true, value: { from: 'server' } });
    expect(h.locals[0]!.calls).toEqual([]);

    // The server's alerts become native notifications here; the delivered ones one summary.
    const link = h.links[0]!;
    link.hear('notify:native-requested', { title: 'BUY BTC/USDT', body: 'x', urgency: 'normal' });
    link.hear('remote:alerts-delivered', { alerts: [alert(3), alert(4)], truncated: false, since: 2 });
    expect(h.shown.map((n) => n.title)).toEqual([
      'BUY BTC/USDT',
      '2 alerts from box.lan:8443 while disconnected',
    ]);
    expect(h.heard.map((e) => e.name)).toContain('remote:alerts-delivered');
  });

  it('refuses to attach with the reason when the server refuses, and stays on the local core', async () => {
    const h = harness(undefined, (l) => l.become('closed', "the server's certificate changed: …"));
    const result = await h.router.dispatch('remote:attach', {
      address: 'box.lan:8443',
      token: 't',
      fingerprint: FP,
    });
    expect(result).toEqual({
      ok: false,
      error: { code: 'unavailable', message: "the server's certificate changed: …" },
    });
    expect(h.written).toEqual([]);
    expect(h.links[0]!.closed).toBe(true);
    expect(h.locals[0]!.stopped).toBe(false);
    expect(
      await h.router.dispatch('remote:attach', { address: 'http://box.lan:80', token: 't', fingerprint: FP }),
    ).toMatchObject({
      ok: false,
      error: { message: expect.stringMatching(/over TLS only/) },
    });
    expect(
      await h.router.dispatch('remote:attach', { address: 'box.lan:1', token: 't', fingerprint: 'AB' }),
    ).toMatchObject({
      ok: false,
      error: { code: 'invalid-input' },
    });
  });

  it('started attached, it never opens the local core; one setting switches back and forth', async () => {
    const server = { address: 'box.lan:8443', fingerprint: FP, clientName: 'laptop', token: 't' };
    const h = harness({ mode: 'server', server });
    expect(h.locals).toHaveLength(0);
    h.links[0]!.become('open');
    expect(h.heard.at(-1)).toMatchObject({
      name: 'remote:status-changed',
      payload: { mode: 'server', link: 'open' },
    });
    expect(await h.router.dispatch('remote:use', { mode: 'local' })).toMatchObject({
      ok: true,
      value: { mode: 'local' },
    });
    expect(h.links[0]!.closed).toBe(true);
    expect(h.locals).toHaveLength(1);
    expect(h.written.at(-1)).toEqual({ mode: 'local', server });
    expect(await h.router.dispatch('remote:use', { mode: 'server' })).toMatchObject({
      ok: true,
      value: { mode: 'server' },
    });
    expect(h.locals[0]!.stopped).toBe(true);
    expect(await h.router.dispatch('remote:forget', {})).toMatchObject({
      ok: true,
      value: { mode: 'local', server: null },
    });
    expect(h.written.at(-1)).toEqual({ mode: 'local', server: null });
  });
});

describe('remote settings file', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'cw-remote-settings-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));
  const box: SecretBox = {
    backend: () => 'test',
    isWeak: () => false,
    encrypt: (plain) => Buffer.from([...Buffer.from(plain)].map((b) => b ^ 0x5a)),
    decrypt: (blob) => Buffer.from([...blob].map((b) => b ^ 0x5a)).toString(),
  };

  it('keeps the token encrypted and reads it back; an unreadable file means the local core, said once', () => {
    const problems: string[] = [];
    const file = remoteSettingsFile(dir, box, (m) => problems.push(m));
    expect(file.read()).toEqual({ mode: 'local', server: null });
    const settings: RemoteSettings = {
      mode: 'server',
      server: { address: 'box.lan:8443', fingerprint: FP, clientName: 'laptop', token: 'cwp_SECRET' },
    };
    file.write(settings);
    expect(readFileSync(join(dir, REMOTE_SETTINGS_FILE), 'utf8')).not.toContain('cwp_SECRET');
    expect(file.read()).toEqual(settings);
    writeFileSync(join(dir, REMOTE_SETTINGS_FILE), '{"mode":"server"');
    expect(file.read()).toEqual({ mode: 'local', server: null });
    expect(problems[0]).toMatch(
      /remote-server\.json cannot be read .*using the local core; pair with the server again/,
    );
  });
});

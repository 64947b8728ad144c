import { readdirSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { silentLogger } from '../../../src/main/core/base/log';
import { ClientSubscription } from '../../../src/main/core/contract/client-subscription';
import { bindContract } from '../../../src/main/electron/ipc-binding';
import { createAccessToken } from '../../../src/main/headless/access-token';
import { createHostPolicy } from '../../../src/main/headless/host-policy';
import { createRefusalLog } from '../../../src/main/headless/refusal-log';
import { createSocketBinding, type SocketBinding } from '../../../src/main/headless/socket-binding';
import type { Result } from '../../../src/shared/contract/result';
import { canaryForms } from '../../support/canary';
import { FakeIpcMain, ipcEvent, mainFrame } from '../../unit/electron/fakes';
import { startAccountCore, type AccountCore } from './account-fixture';

/**
 * The attacks, as someone holding the headless token or a compromised renderer would send
 * them with `settings:update`, over both transports: each is refused when saved, nothing changes,
 * and the stored key is then still used, through Settings, with the exchange only.
 */
const EVIL = 'https://evil.example';
type Patch = Record<string, unknown>;
const exchangeAttacks = (fakeConfig: Record<string, unknown>): [string, Patch][] => {
  const binance = (ccxt: Record<string, unknown>) => ({
    exchanges: { binance: { enabled: true, sandbox: false, ccxt: { ...fakeConfig, ...ccxt } } },
  });
  return [
    ['okx hostname', { exchanges: { okx: { ccxt: { hostname: 'evil.example' } } } }],
    ['bybit hostname', { exchanges: { bybit: { ccxt: { hostname: 'evil.example' } } } }],
    ['binance private API root elsewhere', binance({ urls: { api: { private: `${EVIL}/api/v3` } } })],
    ['binance sapi root elsewhere', binance({ urls: { api: { sapi: `${EVIL}/sapi/v1` } } })],
    ['binance socket elsewhere', binance({ urls: { api: { ws: { spot: 'wss://evil.example/ws' } } } })],
    ['a rewriting proxy', binance({ proxyUrl: 'http://evil.example/?u=' })],
    ['a plain HTTP proxy', binance({ httpProxy: 'http://evil.example:8080' })],
    ['plaintext keys', binance({ apiKey: 'AKIAPLAINTEXT0000', secret: 'plaintext-secret-0000' })],
    ['verbose', binance({ verbose: true })],
    ['an unknown ccxt setting', binance({ fetchImplementation: 'x' })],
    ['telegram elsewhere', { notifications: { telegram: { apiBaseUrl: EVIL } } }],
    [
      'webhook to metadata',
      { notifications: { webhook: { enabled: true, url: 'http://169.254.169.254/' } } },
    ],
    ['webhook to ssh', { notifications: { webhook: { enabled: true, url: 'http://[::1]:22/' } } }],
    ['webhook to redis', { notifications: { webhook: { enabled: true, url: 'http://10.0.0.1:6379/' } } }],
    [
      'webhook with userinfo',
      { notifications: { webhook: { enabled: true, url: 'https://u:p@hook.example/' } } },
    ],
  ];
};

let c: AccountCore;
let http: Server;
let binding: SocketBinding;
let ws: WebSocket;
const frames: string[] = [];
const ipcMain = new FakeIpcMain();
const ipcAnswers: string[] = [];
let nextId = 0;

const overSocket = (method: string, input: unknown): Promise<Result<unknown>> => {
  const id = ++nextId;
  ws.send(JSON.stringify({ t: 'call', id, method, input }));
  return new Promise((resolve) => {
    const onMessage = (data: Buffer) => {
      const frame = JSON.parse(String(data)) as { t: string; id?: number; result?: Result<unknown> };
      if (frame.t !== 'result' || frame.id !== id) return;
      ws.off('message', onMessage);
      resolve(frame.result!);
    };
    ws.on('message', onMessage);
  });
};
const overIpc = async (method: string, input: unknown): Promise<Result<unknown>> => {
  const r = (await ipcMain.invoke(
    `cw:${method}`,
    ipcEvent(mainFrame('app://candlewatch/index.html')),
    input,
  )) as Result<unknown>;
  ipcAnswers.push(JSON.stringify(r));
  return r;
};
const TRANSPORTS = [
  ['WebSocket', overSocket],
  ['Electron IPC', overIpc],
] as const;

beforeAll(async () => {
  c = await startAccountCore(77);
  await c.call('secrets:set', { exchange: 'binance', fields: c.fake.credentials });
  http = createServer();
  await new Promise<void>((r) => http.listen(0, '127.0.0.1', () => r()));
  const { port } = http.address() as AddressInfo;
  binding = createSocketBinding({
    dispatch: c.core.dispatch,
    events: c.core.events,
    token: createAccessToken('t'),
    hosts: createHostPolicy(['127.0.0.1'], port),
    log: silentLogger(),
    refusals: createRefusalLog(silentLogger()),
  });
  http.on('upgrade', (req, socket, head) => binding.handleUpgrade(req, socket, head));
  const host = `127.0.0.1:${port}`;
  ws = new WebSocket(`ws://${host}/ws?token=t`, { headers: { Origin: `http://${host}` } });
  ws.on('message', (data) => frames.push(String(data)));
  await new Promise((resolve) => ws.once('open', resolve));
  bindContract({
    ipcMain,
    dispatch: c.core.dispatch,
    window: { webContentsId: () => 7, trustedOrigins: new Set(['app://candlewatch']) },
    client: { subscription: new ClientSubscription() },
    log: silentLogger(),
  });
}, 60_000);

afterAll(async () => {
  ws.close();
  await binding.close();
  http.closeAllConnections();
  await new Promise<void>((r) => http.close(() => r()));
  await c.close();
});

describe('settings a client can send, with a key stored', () => {
  it.each(TRANSPORTS)(
    'are refused when saved over %s, each with its reason, and change nothing',
    async (_name, call) => {
      const before = JSON.stringify(await call('settings:get', {}));
      for (const [attack, patch] of exchangeAttacks(c.fake.ccxtJsonConfig())) {
        const r = await call('settings:update', patch);
        expect(r.ok, attack).toBe(false);
        if (!r.ok) {
          expect(r.error.code, attack).toBe('invalid-input');
          expect(r.error.message.length, attack).toBeGreaterThan(20);
        }
        expect(JSON.stringify(await call('settings:get', {})), attack).toBe(before);
      }
      const keys = await call('settings:update', {
        exchanges: { binance: { ccxt: { apiKey: 'x' } } },
      });
      expect(JSON.stringify(keys)).toContain('Settings → API keys');
    },
  );

  it('leave the key working through Settings, with the exchange and nowhere else; no byte of it leaks', async () => {
    for (const [, call] of TRANSPORTS) {
      const tested = await call('account:test-connection', { exchange: 'binance' });
      expect(tested).toMatchObject({ ok: true, value: { ok: true } });
    }
    // The fake exchange saw the signed reads, and only reads.
    expect(c.fake.restLog().some((e) => e.path.includes('account'))).toBe(true);
    expect(
      c.fake.restLog().filter((e) => e.method !== 'GET' && !/userDataStream|listenKey/.test(e.path)),
    ).toEqual([]);
    c.core.events.flush();
    const texts = [
      ...frames,
      ...ipcAnswers,
      ...c.answers,
      ...c.logs.map((r) => JSON.stringify(r)),
      ...c.events.map((e) => `${e.name} ${JSON.stringify(e.payload)}`),
    ].join('\n');
    const files = readdirSync(c.dataDir)
      .map((name) => readFileSync(join(c.dataDir, name)).toString('latin1'))
      .join('\n');
    for (const value of [c.fake.credentials.apiKey, c.fake.credentials.secret]) {
      for (const form of canaryForms(value)) {
        expect(texts.includes(form), `a frame, answer, log or event holds ${form.slice(0, 6)}…`).toBe(false);
        expect(files.includes(form), `a data file holds ${form.slice(0, 6)}…`).toBe(false);
      }
    }
  });
});

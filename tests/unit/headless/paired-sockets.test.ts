import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { get } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { createCore, type Core } from '../../../src/main/core/app';
import { silentLogger } from '../../../src/main/core/base/log';
import { openPairedClients, type PairedClients } from '../../../src/main/core/pairing/paired-clients';
import { createAccessToken } from '../../../src/main/headless/access-token';
import { startHeadlessServer, type HeadlessServer } from '../../../src/main/headless/server';

let dir: string;
let core: Core;
let server: HeadlessServer;
let paired: PairedClients;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'cw-paired-'));
  mkdirSync(join(dir, 'renderer'));
  writeFileSync(join(dir, 'renderer', 'index.html'), '<!doctype html><title>Candlewatch</title>');
  paired = openPairedClients(dir);
  core = createCore({
    dataDir: join(dir, 'data'),
    mode: 'headless',
    version: '0.0.0-test',
    log: silentLogger(),
  });
  server = await startHeadlessServer({
    core,
    rendererDir: join(dir, 'renderer'),
    port: 0,
    log: silentLogger(),
    token: createAccessToken('start-token'),
    paired,
  });
});

afterEach(async () => {
  await server.close();
  await core.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** Opens a socket and resolves with 'open' or the handshake status the server refused it with. */
function handshake(path: string, headers: Record<string, string>): Promise<'open' | number> {
  const ws = new WebSocket(`ws://127.0.0.1:${server.port}${path}`, { headers });
  return new Promise((resolve) => {
    ws.once('open', () => {
      resolve('open');
      ws.close();
    });
    ws.once('unexpected-response', (_req, res) => {
      resolve(res.statusCode ?? 0);
      res.resume();
    });
    ws.once('error', () => {});
  });
}

const pageStatus = (path: string, cookie?: string) =>
  new Promise<{ status: number; cookie: string | undefined }>((resolve, reject) =>
    get({ host: '127.0.0.1', port: server.port, path, headers: cookie ? { Cookie: cookie } : {} }, (res) => {
      res.resume();
      resolve({ status: res.statusCode ?? 0, cookie: res.headers['set-cookie']?.[0]?.split(';')[0] });
    }).on('error', reject),
  );

describe('paired clients on the headless server', () => {
  it('a program connects with its token in Authorization and no Origin; a wrong one gets 401', async () => {
    const { token } = paired.add('laptop');
    expect(await handshake('/ws', { Authorization: `Bearer ${token}` })).toBe('open');
    expect(await handshake('/ws', { Authorization: `Bearer ${token}x` })).toBe(401);
    // The start's token is for the printed page only: a program without Origin is not let in with it.
    expect(await handshake('/ws?token=start-token', {})).toBe(403);
    expect(await handshake('/other', { Authorization: `Bearer ${token}` })).toBe(404);
  });

  it('a browser tab opened with a pairing token gets the page and its socket, until the pairing is revoked', async () => {
    const { client, token } = paired.add('tablet');
    const origin = `http://127.0.0.1:${server.port}`;
    const first = await pageStatus(`/?token=${token}`);
    expect(first.status).toBe(200);
    expect(first.cookie).toMatch(new RegExp(`^candlewatch-page-${server.port}=${client.id}\\.`));
    expect((await pageStatus('/', first.cookie)).status).toBe(200);
    expect(await handshake(`/ws?token=${token}`, { Origin: origin })).toBe('open');
    paired.revoke(client.id);
    expect((await pageStatus('/', first.cookie)).status).toBe(401);
    expect(await handshake(`/ws?token=${token}`, { Origin: origin })).toBe(401);
  });
});

import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { get } from 'node:http';
import { createServer as createNetServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { createCore, type Core } from '../../../src/main/core/app';
import { silentLogger } from '../../../src/main/core/base/log';
import { createAccessToken } from '../../../src/main/headless/access-token';
import { startHeadlessServer, type HeadlessServer } from '../../../src/main/headless/server';
import type { ServerFrame } from '../../../src/shared/contract/wire';
import { waitForValue } from '../../support/wait-for';

let dir: string;
let core: Core;
let server: HeadlessServer;
const token = createAccessToken('test-token');

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'cw-server-'));
  mkdirSync(join(dir, 'renderer'));
  writeFileSync(join(dir, 'renderer', 'index.html'), '<!doctype html><title>Candlewatch</title>');
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
    token,
  });
});

afterEach(async () => {
  await server.close();
  await core.stop();
  rmSync(dir, { recursive: true, force: true });
});

function connect(host = `127.0.0.1:${server.port}`): Promise<{ ws: WebSocket; frames: ServerFrame[] }> {
  const ws = new WebSocket(`ws://${host}/ws?token=test-token`, { headers: { Origin: `http://${host}` } });
  const frames: ServerFrame[] = [];
  ws.on('message', (data) => frames.push(JSON.parse(String(data)) as ServerFrame));
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve({ ws, frames }));
    ws.once('error', reject);
  });
}

const until = waitForValue;

/** Whether this machine can listen on ::1 at all (IPv6 may be disabled in a container). */
function ipv6LoopbackWorks(): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createNetServer();
    probe.once('error', () => resolve(false));
    probe.listen({ port: 0, host: '::1' }, () => probe.close(() => resolve(true)));
  });
}

const statusOf = (url: string) =>
  new Promise<number>((resolve, reject) =>
    get(url, (res) => resolve(res.resume().statusCode ?? 0)).on('error', reject),
  );

describe('headless server', () => {
  it('listens on 127.0.0.1 and ::1 on the same port (127.0.0.1 alone where IPv6 is off)', async () => {
    expect(server.url).toBe(`http://127.0.0.1:${server.port}/?token=test-token`);
    expect(await statusOf(`http://127.0.0.1:${server.port}/?token=test-token`)).toBe(200);
    if (!(await ipv6LoopbackWorks())) {
      // A container or kernel without IPv6: the server says so in its log and serves IPv4 only.
      expect(server.addresses).toEqual(['127.0.0.1']);
      return;
    }
    expect(server.addresses).toEqual(['127.0.0.1', '::1']);
    expect(await statusOf(`http://[::1]:${server.port}/?token=test-token`)).toBe(200);
    const { ws, frames } = await connect(`[::1]:${server.port}`);
    ws.send(JSON.stringify({ t: 'call', id: 1, method: 'app:ping', input: { nonce: 'v6' } }));
    // Events every client gets (the core's low-rate ones) may arrive before the reply.
    const reply = await until(() => frames.find((f) => f.t === 'result'));
    expect(reply).toMatchObject({ t: 'result', id: 1, result: { ok: true, value: { nonce: 'v6' } } });
  });

  it('answers calls by id and forwards core events to every client', async () => {
    const a = await connect();
    const b = await connect();
    a.ws.send(JSON.stringify({ t: 'call', id: 7, method: 'settings:get', input: {} }));
    expect(await until(() => a.frames.find((f) => f.t === 'result'))).toMatchObject({
      id: 7,
      result: { ok: true, value: { appearance: { theme: 'system' } } },
    });

    core.resumed(42_000);
    // Other low-rate events (the default sim feed's stream states) may reach the clients first.
    for (const client of [a, b]) {
      const resumed = () => client.frames.find((f) => f.t === 'event' && f.event === 'app:resumed');
      expect(await until(resumed)).toMatchObject({
        t: 'event',
        event: 'app:resumed',
        payload: { sleptMs: 42_000 },
      });
    }
  });

  it('sends each client only the candles and tickers it subscribed to, and every low-rate event', async () => {
    const a = await connect();
    const b = await connect();
    const idle = await connect();
    const declare = (client: { ws: WebSocket }, symbol: string) =>
      client.ws.send(
        JSON.stringify({
          t: 'call',
          id: 1,
          method: 'events:subscribe',
          input: {
            candles: [{ exchange: 'sim', symbol, timeframe: '1m' }],
            tickers: [{ exchange: 'sim', symbol }],
          },
        }),
      );
    declare(a, 'BTC/USDT');
    declare(b, 'ETH/USDT');
    for (const client of [a, b]) {
      expect(await until(() => client.frames.find((f) => f.t === 'result'))).toMatchObject({
        result: { ok: true, value: { candles: 1, tickers: 1, orderbooks: 0 } },
      });
    }

    const candles = (symbol: string) => ({
      series: { exchange: 'sim', symbol, timeframe: '1m' },
      closed: [],
      forming: [60_000, 1, 2, 0.5, 1.5, 10] as [number, number, number, number, number, number],
      origin: 'live' as const,
    });
    const ticker = (symbol: string) => ({
      exchange: 'sim',
      symbol,
      time: 1,
      last: 1,
      bid: null,
      ask: null,
      changePercent24h: null,
      quoteVolume24h: null,
    });
    for (const symbol of ['BTC/USDT', 'ETH/USDT', 'SOL/USDT']) {
      core.events.emit('candles:updated', candles(symbol));
      core.events.emit('ticker:updated', ticker(symbol));
    }
    core.events.emit('app:resumed', { sleptMs: 1_000, at: 1 });

    // Only the events this test emits: the default sim feed streams from the start, and its own
    // candles and tickers (BTC/USDT among them) reach a subscribed client whenever the machine lets it.
    const ours = (f: ServerFrame & { t: 'event' }) => {
      const p = f.payload as { forming?: number[] | null; time?: number };
      if (f.event === 'candles:updated') return p.forming?.[0] === 60_000;
      if (f.event === 'ticker:updated') return p.time === 1;
      return f.event === 'app:resumed';
    };
    const seen = (client: { frames: ServerFrame[] }) =>
      client.frames.flatMap((f) => {
        if (f.t !== 'event' || !ours(f)) return [];
        const p = f.payload as { series?: { symbol: string }; symbol?: string };
        return [`${f.event} ${p.series?.symbol ?? p.symbol ?? ''}`.trim()];
      });
    for (const client of [a, b, idle])
      await until(() => (seen(client).includes('app:resumed') ? true : undefined));
    expect(seen(a)).toEqual(['candles:updated BTC/USDT', 'ticker:updated BTC/USDT', 'app:resumed']);
    expect(seen(b)).toEqual(['candles:updated ETH/USDT', 'ticker:updated ETH/USDT', 'app:resumed']);
    // A client that never declared gets everything, as before subscriptions existed.
    expect(seen(idle)).toHaveLength(7);

    // A new declaration replaces the old one: nothing of BTC any more.
    a.ws.send(JSON.stringify({ t: 'call', id: 2, method: 'events:subscribe', input: {} }));
    await until(() => a.frames.find((f) => f.t === 'result' && f.id === 2));
    core.events.emit('candles:updated', candles('BTC/USDT'));
    core.events.emit('app:resumed', { sleptMs: 2_000, at: 2 });
    await until(() => (seen(a).filter((e) => e === 'app:resumed').length === 2 ? true : undefined));
    expect(seen(a).slice(3)).toEqual(['app:resumed']);
  });

  it('ties a bad frame to its call id when it has one', async () => {
    const { ws, frames } = await connect();
    ws.send(JSON.stringify({ t: 'call', id: 3, method: 'app:ping', input: { nonce: 'x' }, extra: true }));
    ws.send(JSON.stringify({ t: 'call', id: 4, method: 'app:nope', input: {} }));
    ws.send(JSON.stringify({ t: 'call', id: -1, method: 'app:ping', input: {} }));
    // Replies come as calls finish, not in the order sent.
    // Event frames (the default sim feed streams from the start) interleave: count results only.
    const results = () => frames.filter((f) => f.t === 'result');
    const replies = await until(() => (results().length >= 3 ? results() : undefined));
    const byId = [...replies].sort((x, y) => (x.t === 'result' && y.t === 'result' ? x.id - y.id : 0));
    expect(byId).toEqual([
      {
        t: 'result',
        id: 0,
        result: { ok: false, error: { code: 'invalid-input', message: expect.stringContaining('id') } },
      },
      {
        t: 'result',
        id: 3,
        result: { ok: false, error: { code: 'invalid-input', message: expect.stringContaining('extra') } },
      },
      {
        t: 'result',
        id: 4,
        result: { ok: false, error: { code: 'unknown-method', message: 'Unknown method "app:nope"' } },
      },
    ]);
  });

  it('closes every client with 1001 when it stops', async () => {
    const { ws } = await connect();
    const closed = new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)));
    expect(server.sockets.clientCount).toBe(1);
    await server.close();
    expect(await closed).toBe(1001);
  });
});

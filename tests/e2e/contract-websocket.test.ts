import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { methodNames } from '../../src/shared/contract';
import { MAX_FRAME_BYTES, type ResultFrame, type ServerFrame } from '../../src/shared/contract/wire';
import { startHeadless, type HeadlessProcess } from './support/headless-process';
import { until } from './support/wait';

/** Inputs no contract method accepts (every input schema is a strict object). */
const MALFORMED = [42, 'x', [1, 2], null, { unexpected: { deeply: true } }];

let server: HeadlessProcess | undefined;

beforeAll(async () => {
  server = await startHeadless();
});

afterAll(async () => {
  await server?.stop();
});

type Client = { ws: WebSocket; frames: ServerFrame[]; closed: Promise<number> };

/** Opens the contract socket as a browser on the served page would, with any part overridden. */
function openSocket(
  opts: { token?: string | null; origin?: string | null; host?: string } = {},
): Promise<Client> {
  const s = server!;
  const token = opts.token === undefined ? s.token : opts.token;
  const headers: Record<string, string> = {};
  const origin = opts.origin === undefined ? s.origin : opts.origin;
  if (origin !== null) headers.Origin = origin;
  if (opts.host) headers.Host = opts.host;
  const query = token === null ? '' : `?token=${encodeURIComponent(token)}`;
  const ws = new WebSocket(`ws://127.0.0.1:${s.port}/ws${query}`, { headers });
  const frames: ServerFrame[] = [];
  ws.on('message', (data) => frames.push(JSON.parse(String(data)) as ServerFrame));
  const closed = new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve({ ws, frames, closed }));
    ws.once('unexpected-response', (_req, res) => reject(new Error(`refused with HTTP ${res.statusCode}`)));
    ws.once('error', reject);
  });
}

function call(client: Client, id: number, method: string, input: unknown): Promise<ResultFrame> {
  const reply = new Promise<ResultFrame>((resolve) => {
    const onMessage = (data: unknown) => {
      const frame = JSON.parse(String(data)) as ServerFrame;
      if (frame.t !== 'result' || frame.id !== id) return;
      client.ws.off('message', onMessage);
      resolve(frame);
    };
    client.ws.on('message', onMessage);
  });
  client.ws.send(JSON.stringify({ t: 'call', id, method, input }));
  return reply;
}

function pageStatus(headers: Record<string, string>, path = `/?token=${server!.token}`): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: server!.port, path, headers }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject).end();
  });
}

describe('the contract over the headless WebSocket', () => {
  it('answers a malformed payload to every method with invalid-input, and the connection lives on', async () => {
    const client = await openSocket();
    let id = 1;
    for (const method of methodNames) {
      for (const input of MALFORMED) {
        const frame = await call(client, id++, method, input);
        expect(frame.result, `${method} with ${JSON.stringify(input)}`).toMatchObject({
          ok: false,
          error: { code: 'invalid-input', message: expect.stringContaining(method) },
        });
      }
    }
    expect(client.ws.readyState).toBe(WebSocket.OPEN);
    expect((await call(client, id, 'app:ping', { nonce: 'still here' })).result).toMatchObject({
      ok: true,
      value: { nonce: 'still here' },
    });
    client.ws.close();
  });

  it('answers a frame that is not JSON, binary or not a call with an error, never a crash', async () => {
    const client = await openSocket();
    client.ws.send('{ this is not json');
    client.ws.send(Buffer.from([0xde, 0xad, 0xbe, 0xef]), { binary: true });
    client.ws.send(JSON.stringify({ t: 'call', id: 9, input: {} }));
    client.ws.send(JSON.stringify({ t: 'call', id: 10, method: 'app:teleport', input: {} }));
    // Event frames (the default sim feed streams from the start) interleave with the replies: count results only.
    const results = () => client.frames.filter((f) => f.t === 'result');
    const errors = await until(() => (results().length >= 4 ? results() : undefined), 'four replies');
    const codes = errors.map((f) =>
      f.t === 'result' && !f.result.ok ? `${f.id}:${f.result.error.code}` : '?',
    );
    expect(codes.sort()).toEqual([
      '0:invalid-input',
      '0:invalid-input',
      '10:unknown-method',
      '9:invalid-input',
    ]);
    expect((await call(client, 11, 'app:ping', { nonce: 'ok' })).result.ok).toBe(true);
    client.ws.close();
  });

  it(`closes a socket that sends a frame over ${MAX_FRAME_BYTES} bytes (1009) and keeps serving`, async () => {
    const client = await openSocket();
    client.ws.send(
      JSON.stringify({ t: 'call', id: 1, method: 'app:ping', input: { nonce: 'x'.repeat(MAX_FRAME_BYTES) } }),
    );
    expect(await client.closed).toBe(1009);
    const next = await openSocket();
    expect((await call(next, 1, 'app:ping', { nonce: 'after' })).result.ok).toBe(true);
    next.ws.close();
  });

  it('refuses a socket without token, with a wrong token, a foreign or missing Origin, a foreign Host', async () => {
    await expect(openSocket({ token: null })).rejects.toThrow('HTTP 401');
    await expect(openSocket({ token: 'wrong' })).rejects.toThrow('HTTP 401');
    await expect(openSocket({ token: server!.token.slice(0, -1) })).rejects.toThrow('HTTP 401');
    await expect(openSocket({ origin: 'http://evil.example' })).rejects.toThrow('HTTP 403');
    await expect(openSocket({ origin: `http://localhost:${server!.port}` })).rejects.toThrow('HTTP 403');
    await expect(openSocket({ origin: null })).rejects.toThrow('HTTP 403');
    await expect(
      openSocket({ host: `evil.example:${server!.port}`, origin: `http://evil.example:${server!.port}` }),
    ).rejects.toThrow('HTTP 403');
  });

  it('refuses the page to a foreign Host header (DNS rebinding) and without token', async () => {
    expect(await pageStatus({})).toBe(200);
    expect(await pageStatus({ Host: `evil.example:${server!.port}` })).toBe(403);
    expect(await pageStatus({ Host: `127.0.0.1:${server!.port + 1}` })).toBe(403);
    expect(await pageStatus({}, '/')).toBe(401);
    expect(await pageStatus({}, '/?token=wrong')).toBe(401);
  });

  it('exits 0 on SIGTERM, closing open sockets with 1001', async () => {
    const client = await openSocket();
    const running = server!;
    server = undefined;
    expect(await running.stop()).toBe(0);
    expect(await client.closed).toBe(1001);
    expect(running.stderr()).not.toContain(running.token);
  });
});

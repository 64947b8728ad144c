import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { waitForValue } from '../../support/wait-for';
import { WebSocket } from 'ws';
import { ok } from '../../../src/shared/contract/result';
import { CLOSE_NOT_READING } from '../../../src/shared/contract/wire';
import { EventHub } from '../../../src/main/core/events';
import { createLogger, silentLogger, type LogRecord } from '../../../src/main/core/base/log';
import { createAccessToken } from '../../../src/main/headless/access-token';
import { createHostPolicy } from '../../../src/main/headless/host-policy';
import { createRefusalLog } from '../../../src/main/headless/refusal-log';
import { createSocketBinding, type SocketBinding } from '../../../src/main/headless/socket-binding';

const BOUND = 1024 * 1024;
const BIG = 'x'.repeat(256 * 1024);

let http: Server | undefined;
let binding: SocketBinding | undefined;
let events: EventHub | undefined;
afterEach(async () => {
  await binding?.close();
  events?.close();
  http?.closeAllConnections();
  await new Promise<void>((r) => (http ? http.close(() => r()) : r()));
  http = binding = events = undefined;
});

/** A binding whose every call answers 256 KiB, dropping clients past 1 MiB waiting. */
async function start(closeGraceMs: number) {
  const records: LogRecord[] = [];
  events = new EventHub();
  http = createServer();
  await new Promise<void>((r) => http!.listen(0, '127.0.0.1', () => r()));
  const { port } = http.address() as AddressInfo;
  binding = createSocketBinding({
    dispatch: () => Promise.resolve(ok(BIG)),
    events,
    token: createAccessToken('t'),
    hosts: createHostPolicy(['127.0.0.1'], port),
    log: createLogger((r) => records.push(r), { level: 'debug' }),
    refusals: createRefusalLog(silentLogger()),
    maxBufferedBytes: BOUND,
    closeGraceMs,
  });
  http.on('upgrade', (req, socket, head) => binding!.handleUpgrade(req, socket, head));
  const host = `127.0.0.1:${port}`;
  const ws = new WebSocket(`ws://${host}/ws?token=t`, { headers: { Origin: `http://${host}` } });
  await new Promise((resolve, reject) => {
    ws.once('open', resolve);
    ws.once('error', reject);
  });
  // This client never reads: its TCP socket is paused, so whatever the server sends piles up.
  const raw = (ws as unknown as { _socket: Socket })._socket;
  raw.pause();
  const dropped = () => records.find((r) => r.msg === 'dropped a client that stopped reading');
  return { ws, raw, records, dropped };
}

const until = waitForValue;

describe('a headless client that stops reading', () => {
  it('is dropped once its replies pass the bound, with the server never holding much more', async () => {
    const { ws, dropped } = await start(50);
    // Calls keep coming (as the client kept calling candles:history), replies never read.
    let id = 0;
    const flood = setInterval(() => {
      for (let i = 0; i < 8 && ws.readyState === WebSocket.OPEN; i++)
        ws.send(JSON.stringify({ t: 'call', id: ++id, method: 'candles:history', input: {} }));
    }, 5);
    try {
      const record = await until(dropped, 'the client is dropped');
      expect(record.data?.['code']).toBe(CLOSE_NOT_READING);
      expect(record.data?.['buffered'] as number).toBeLessThanOrEqual(BOUND);
      await until(() => (binding!.clientCount === 0 ? true : undefined), 'the socket is cut');
    } finally {
      clearInterval(flood);
    }
  });

  it('is dropped for events alike, and told why when it reads again', async () => {
    const { ws, raw, dropped } = await start(30_000);
    const closed = new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)));
    for (let i = 0; i < 200 && !dropped(); i++) {
      events!.emit('app:resumed', { sleptMs: i, at: Date.now(), pad: BIG } as never);
      await new Promise((r) => setImmediate(r));
    }
    await until(dropped, 'the client is dropped');
    raw.resume();
    expect(await closed).toBe(CLOSE_NOT_READING);
  });
});

import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { startFakeExchange, type FakeExchange } from '../../support/fake-exchange';
import { until } from './ccxt-clients';

/** A bare client: the frames exactly as the server sent them. */
type RawClient = { ws: WebSocket; frames: unknown[]; texts: string[] };

let fake: FakeExchange;
const clients: RawClient[] = [];

async function connect(path: string): Promise<RawClient> {
  const ws = new WebSocket(fake.wsUrl.replace('/stream/ws', '') + path);
  const client: RawClient = { ws, frames: [], texts: [] };
  ws.on('message', (data) => {
    const text = data.toString();
    client.texts.push(text);
    try {
      client.frames.push(JSON.parse(text));
    } catch {
      // kept in `texts` only: the malformed-frame test looks there
    }
  });
  await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
  clients.push(client);
  return client;
}

type KlineEvent = {
  e: 'kline';
  E: number;
  s: string;
  k: { t: number; T: number; x: boolean; i: string; o: string; h: string; l: string; c: string; v: string };
};
type DepthEvent = { e: 'depthUpdate'; U: number; u: number; b: [string, string][]; a: [string, string][] };

const klines = (client: RawClient): KlineEvent[] =>
  client.frames.filter((f): f is KlineEvent => (f as { e?: string }).e === 'kline');

beforeAll(async () => {
  fake = await startFakeExchange({ updateIntervalMs: 100, seed: 11 });
});

afterEach(() => {
  fake.faults.endStall();
  for (const client of clients.splice(0)) client.ws.terminate();
});

afterAll(async () => {
  await fake.close();
});

describe('the Binance stream protocol, seen by a bare WebSocket client', () => {
  it('answers SUBSCRIBE, LIST_SUBSCRIPTIONS and UNSUBSCRIBE with their id', async () => {
    const client = await connect('/stream/ws/0');
    client.ws.send(
      JSON.stringify({ method: 'SUBSCRIBE', params: ['btcusdt@kline_1m', 'ethusdt@ticker'], id: 1 }),
    );
    client.ws.send(JSON.stringify({ method: 'LIST_SUBSCRIPTIONS', id: 2 }));
    client.ws.send(JSON.stringify({ method: 'UNSUBSCRIBE', params: ['ethusdt@ticker'], id: 3 }));
    client.ws.send(JSON.stringify({ method: 'SUBSCRIBE', params: ['btcusdt@kline_7m'], id: 4 }));
    client.ws.send(JSON.stringify({ method: 'HELLO', id: 5 }));
    await until(() => client.frames.filter((f) => 'id' in (f as object)).length === 5);
    const answers = client.frames.filter((f) => 'id' in (f as object));
    expect(answers[0]).toEqual({ result: null, id: 1 });
    expect(answers[1]).toEqual({ result: ['btcusdt@kline_1m', 'ethusdt@ticker'], id: 2 });
    expect(answers[2]).toEqual({ result: null, id: 3 });
    expect(answers[3]).toEqual({ error: { code: 2, msg: 'Invalid request: invalid stream' }, id: 4 });
    expect(answers[4]).toMatchObject({ error: { code: 2 }, id: 5 });
  });

  it('sends each kline with x:true exactly once, right after its period, equal to the truth', async () => {
    const client = await connect('/ws/solusdt@kline_1s');
    await until(() => klines(client).filter((k) => k.k.x).length >= 3);
    const events = klines(client);
    const closed = events.filter((k) => k.k.x);
    const openTimes = closed.map((k) => k.k.t);
    expect(new Set(openTimes).size).toBe(openTimes.length);
    for (let i = 1; i < openTimes.length; i++) expect(openTimes[i]).toBe(openTimes[i - 1]! + 1000);
    for (const event of closed) {
      expect(event.E).toBeGreaterThan(event.k.T);
      const { t, o, h, l, c, v } = event.k;
      expect(fake.truth('SOL/USDT', '1s', t, t)).toEqual([
        [t, Number(o), Number(h), Number(l), Number(c), Number(v)],
      ]);
    }
    // every candle that was sent forming before its close is not sent forming after it
    for (const event of closed) {
      const later = events.slice(events.indexOf(event) + 1).filter((k) => k.k.t === event.k.t);
      expect(later).toEqual([]);
    }
  });

  it('wraps combined streams as {stream, data}', async () => {
    const client = await connect('/stream?streams=btcusdt@miniTicker/ethusdt@bookTicker');
    await until(() => client.frames.length >= 4);
    const streams = new Set(client.frames.map((f) => (f as { stream: string }).stream));
    expect(streams).toEqual(new Set(['btcusdt@miniTicker', 'ethusdt@bookTicker']));
    const book = client.frames.find((f) => (f as { stream: string }).stream === 'ethusdt@bookTicker') as {
      data: Record<string, unknown>;
    };
    expect(Object.keys(book.data).sort()).toEqual(['A', 'B', 'a', 'b', 's', 'u']);
  });

  it('numbers depth diffs without gaps, continuing the REST snapshot', async () => {
    const client = await connect('/ws/btcusdt@depth@100ms');
    await until(() => client.frames.length >= 2);
    const snapshot = (await (await fetch(`${fake.restUrl}/api/v3/depth?symbol=BTCUSDT`)).json()) as {
      lastUpdateId: number;
    };
    await until(() =>
      client.frames.some(
        (f) =>
          (f as DepthEvent).U <= snapshot.lastUpdateId + 1 && (f as DepthEvent).u > snapshot.lastUpdateId,
      ),
    );
    const diffs = client.frames as DepthEvent[];
    for (let i = 1; i < diffs.length; i++) expect(diffs[i]!.U).toBe(diffs[i - 1]!.u + 1);
  });

  it('stalls: pings answered, no data, command answers held until the stall ends', async () => {
    const client = await connect('/ws/btcusdt@kline_1s');
    await until(() => client.frames.length > 0);
    // Ended by hand, not by time: a late timer on a loaded machine cannot end it while we look.
    fake.faults.stall(600_000);
    const framesAtStall = client.frames.length;
    const pong = new Promise((resolve) => client.ws.once('pong', resolve));
    client.ws.ping();
    await pong;
    client.ws.send(JSON.stringify({ method: 'LIST_SUBSCRIPTIONS', id: 9 }));
    // A few data frames held back, and a ping answered after them: the client has seen all there was.
    const dropped = fake.wsStats().framesDropped;
    await until(() => fake.wsStats().framesDropped >= dropped + 3);
    const pongAfter = new Promise((resolve) => client.ws.once('pong', resolve));
    client.ws.ping();
    await pongAfter;
    expect(client.frames.length).toBe(framesAtStall);
    expect(client.ws.readyState).toBe(WebSocket.OPEN);
    fake.faults.endStall();
    await until(() => client.frames.some((f) => (f as { id?: number }).id === 9));
    await until(() => client.frames.length > framesAtStall + 1);
  });

  it('drops connections and sends malformed frames on demand', async () => {
    const first = await connect('/ws/btcusdt@kline_1m');
    const second = await connect('/ws/ethusdt@kline_1m');
    await until(() => fake.wsStats().connections === 2);
    fake.faults.sendMalformedFrame();
    await until(() => first.texts.length > first.frames.length && second.texts.length > second.frames.length);
    expect(() => JSON.parse(first.texts.find((text) => !text.endsWith('}'))!)).toThrow();
    expect(fake.faults.dropOneConnection()).toEqual(['btcusdt@kline_1m']);
    await until(() => first.ws.readyState === WebSocket.CLOSED);
    expect(second.ws.readyState).toBe(WebSocket.OPEN);
    fake.faults.dropAllConnections();
    await until(() => second.ws.readyState === WebSocket.CLOSED && fake.wsStats().connections === 0);
  });

  it('refuses WebSocket paths it does not serve', async () => {
    await expect(connect('/unserved/future')).rejects.toThrow(/404/);
  });
});

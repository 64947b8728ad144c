import ccxt from 'ccxt';
import WebSocket from 'ws';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { capabilitiesFromCcxt } from '../../../src/main/core/exchange/capabilities';
import { createCcxtExchange } from '../../../src/main/core/exchange/ccxt-factory';
import type { Exchange } from 'ccxt';
import { startFakeOkx, okxChecksum, type FakeOkx } from '../../support/fake-exchange/protocols/okx';
import { until } from './ccxt-clients';

let fake: FakeOkx;
const open: Exchange[] = [];
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

beforeAll(async () => {
  fake = await startFakeOkx({ symbols: ['BTC/USDT'], updateIntervalMs: 100, seed: 7, historyMs: 5 * DAY });
});
afterEach(async () => {
  await Promise.all(open.splice(0).map((e) => e.close()));
});
afterAll(async () => {
  await fake.close();
});

function client(ours = false): Exchange {
  const ex = ours
    ? createCcxtExchange('okx', { enabled: true, sandbox: false, ccxt: fake.ccxtConfig() })
    : new ccxt.pro.okx(fake.ccxtConfig());
  open.push(ex);
  return ex;
}

type Rest = { code: string; msg: string; data: string[][] };
const rest = async (path: string): Promise<Rest> => (await (await fetch(fake.restUrl + path)).json()) as Rest;

/** A raw socket to one of OKX's paths, collecting every text frame. */
async function socket(path: 'public' | 'business', on = fake): Promise<{ ws: WebSocket; frames: string[] }> {
  const ws = new WebSocket(`${on.wsUrl}/${path}`);
  const frames: string[] = [];
  ws.on('message', (data) => frames.push(data.toString()));
  await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
  return { ws, frames };
}

describe('fake OKX v5, REST', () => {
  it('pages candles with after/before (exclusive), newest first, forming bar confirm "0", closed "1"', async () => {
    // A clock held 30 s into a minute: OKX lists no bar without trades (the fake's "skipped" rule),
    // and on the real clock the forming bar has none during its first second, so the answer
    // depended on when the request landed (seen once in CI).
    const minute = Math.floor(Date.now() / 60_000) * 60_000;
    const held = await startFakeOkx({
      symbols: ['BTC/USDT'],
      seed: 7,
      historyMs: DAY,
      now: () => minute + 30_000,
    });
    try {
      const at = async (path: string): Promise<Rest> =>
        (await (await fetch(held.restUrl + path)).json()) as Rest;
      const latest = await at('/api/v5/market/candles?instId=BTC-USDT&bar=1m&limit=3');
      expect(latest.code).toBe('0');
      expect(latest.data.map((r) => r[8])).toEqual(['0', '1', '1']);
      expect(latest.data.map((r) => Number(r[0]))).toEqual([minute, minute - 60_000, minute - 120_000]);
      const after = minute - 120_000;
      const older = await at(`/api/v5/market/history-candles?instId=BTC-USDT&bar=1m&after=${after}&limit=2`);
      expect(older.data.map((r) => Number(r[0]))).toEqual([after - 60_000, after - 120_000]);
      const between = await at(
        `/api/v5/market/candles?instId=BTC-USDT&bar=1m&after=${after}&before=${after - 180_000}`,
      );
      expect(between.data.map((r) => Number(r[0]))).toEqual([after - 60_000, after - 120_000]);
    } finally {
      await held.close();
    }
  });

  it('clamps limit to 300 and serves only the latest 1,440 bars on market/candles', async () => {
    const page = await rest('/api/v5/market/history-candles?instId=BTC-USDT&bar=1m&limit=1000');
    expect(page.data).toHaveLength(300);
    const old = Date.now() - 2 * DAY;
    const recentOnly = await rest(`/api/v5/market/candles?instId=BTC-USDT&bar=1m&after=${old}`);
    expect(recentOnly.data).toEqual([]);
    const history = await rest(`/api/v5/market/history-candles?instId=BTC-USDT&bar=1m&after=${old}`);
    expect(history.data).toHaveLength(100);
  });

  it('cuts 1D at 16:00 UTC (UTC+8 midnight) and 1Dutc at 00:00 UTC, 6H and 12H alike', async () => {
    const hk = await rest('/api/v5/market/candles?instId=BTC-USDT&bar=1D&limit=2');
    const utc = await rest('/api/v5/market/candles?instId=BTC-USDT&bar=1Dutc&limit=2');
    expect(hk.data.map((r) => Number(r[0]) % DAY)).toEqual([16 * HOUR, 16 * HOUR]);
    expect(utc.data.map((r) => Number(r[0]) % DAY)).toEqual([0, 0]);
    const six = await rest('/api/v5/market/candles?instId=BTC-USDT&bar=6H&limit=4');
    expect(six.data.map((r) => Number(r[0]) % (6 * HOUR))).toEqual([4 * HOUR, 4 * HOUR, 4 * HOUR, 4 * HOUR]);
    const twelve = await rest('/api/v5/market/candles?instId=BTC-USDT&bar=12Hutc&limit=2');
    expect(twelve.data.map((r) => Number(r[0]) % (12 * HOUR))).toEqual([0, 0]);
  });

  it('answers OKX errors: 51000 bad bar (1s included), 51001 unknown instrument, 50011 rate limit as ccxt sees them', async () => {
    expect((await rest('/api/v5/market/candles?instId=BTC-USDT&bar=1s')).code).toBe('51000');
    expect((await rest('/api/v5/market/candles?instId=NOPE-USDT')).code).toBe('51001');
    const ex = client();
    await ex.loadMarkets();
    fake.faults.rateLimit(1);
    await expect(ex.fetchOHLCV('BTC/USDT', '1m')).rejects.toThrow(ccxt.RateLimitExceeded);
    expect(fake.restLog().at(-1)).toMatchObject({ status: 429, fault: true });
    await expect(ex.fetchOHLCV('BTC/USDT', '1m', undefined, 5)).resolves.toHaveLength(5);
  });
});

describe('fake OKX v5, WebSocket', () => {
  it('answers the text ping, refuses candle channels on /public with 60018, pushes them on /business', async () => {
    // A clock held 30 s into a minute: on the real clock a subscription made in the last moment of
    // a minute (before the next update tick) first gets that bar closed, confirm "1" (proven with
    // the fake's clock 10 ms before a minute's end).
    const minute = Math.floor(Date.now() / 60_000) * 60_000;
    const held = await startFakeOkx({
      symbols: ['BTC/USDT'],
      updateIntervalMs: 100,
      seed: 7,
      historyMs: DAY,
      now: () => minute + 30_000,
    });
    const pub = await socket('public', held);
    const biz = await socket('business', held);
    try {
      pub.ws.send('ping');
      const arg = { channel: 'candle1m', instId: 'BTC-USDT' };
      pub.ws.send(JSON.stringify({ op: 'subscribe', args: [arg] }));
      biz.ws.send(JSON.stringify({ op: 'subscribe', args: [arg] }));
      await until(() => pub.frames.length >= 2 && biz.frames.length >= 3);
      expect(pub.frames[0]).toBe('pong');
      expect(JSON.parse(pub.frames[1]!)).toMatchObject({ event: 'error', code: '60018' });
      expect(JSON.parse(biz.frames[0]!)).toMatchObject({ event: 'subscribe', arg });
      const push = JSON.parse(biz.frames[1]!) as { arg: unknown; data: string[][] };
      expect(push.arg).toEqual(arg);
      expect(push.data[0]![8]).toBe('0');
      expect(Number(push.data[0]![0])).toBe(minute);
    } finally {
      pub.ws.terminate();
      biz.ws.terminate();
      await held.close();
    }
  });

  it('ccxt 4.5.84 subscribes candle1D (the UTC+8 bar) for 1d; our factory makes it candle1Dutc, like its REST', async () => {
    const stock = client();
    const ours = client(true);
    const [theirs, mine] = await Promise.all([
      stock.watchOHLCV('BTC/USDT', '1d'),
      ours.watchOHLCV('BTC/USDT', '1d'),
    ]);
    expect(theirs.at(-1)![0]! % DAY).toBe(16 * HOUR);
    expect(mine.at(-1)![0]! % DAY).toBe(0);
    expect(fake.wsStats().subscriptions).toEqual(
      expect.arrayContaining(['business:candle1D:BTC-USDT', 'business:candle1Dutc:BTC-USDT']),
    );
    const before = fake.restLog().length;
    const rows = await ours.fetchOHLCV('BTC/USDT', '1d', Date.now() - 3 * DAY, 3);
    expect(fake.restLog()[before]!.query['bar']).toBe('1Dutc');
    expect(rows.every((r) => r[0]! % DAY === 0)).toBe(true);
    expect(rows.slice(0, 2)).toEqual(fake.truth('BTC/USDT', '1d', rows[0]![0]!, rows[1]![0]!));
  });

  it('chains books by seqId (ccxt follows the chain) and checksums the top 25 levels with CRC32', async () => {
    const ex = client();
    let book = await ex.watchOrderBook('BTC/USDT');
    const first = book.nonce;
    for (let i = 0; i < 3; i++) book = await ex.watchOrderBook('BTC/USDT');
    expect(book.nonce).toBeGreaterThan(first!);
    const sub = await socket('public');
    try {
      sub.ws.send(JSON.stringify({ op: 'subscribe', args: [{ channel: 'books', instId: 'BTC-USDT' }] }));
      await until(() => sub.frames.length >= 3);
      const [snapshot, update] = sub.frames
        .slice(1, 3)
        .map((f) => JSON.parse(f) as { data: Record<string, unknown>[] });
      const snap = snapshot!.data[0]!;
      expect(snap['prevSeqId']).toBe(-1);
      expect(snap['checksum']).toBe(okxChecksum(snap['bids'] as string[][], snap['asks'] as string[][]));
      expect(update!.data[0]!['prevSeqId']).toBe(snap['seqId']);
    } finally {
      sub.ws.terminate();
    }
  });
});

describe('the OKX capability record', () => {
  it('says what the fake shows: closed flag sent, UTC bars, no 1s, book checksum, 300 candles per page', async () => {
    const ex = client(true);
    await ex.loadMarkets();
    const caps = capabilitiesFromCcxt(ex, 'okx');
    expect(caps.timeframes).not.toContain('1s');
    expect(caps.maxCandlesPerRequest).toBe(300);
    expect(caps.facts).toMatchObject({
      closedFlagSent: true,
      pushesQuietIntervals: false,
      oneSecondCandles: false,
      bookChecksum: true,
    });
    expect(ex.timeframes['1d']).toBe('1Dutc');
  });
});

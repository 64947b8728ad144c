import ccxt, { type Exchange } from 'ccxt';
import WebSocket from 'ws';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { capabilitiesFromCcxt } from '../../../src/main/core/exchange/capabilities';
import { startFakeBybit, type FakeBybit } from '../../support/fake-exchange/protocols/bybit';
import { until } from './ccxt-clients';

let fake: FakeBybit;
const open: Exchange[] = [];
const MINUTE = 60_000;

beforeAll(async () => {
  fake = await startFakeBybit({ symbols: ['BTC/USDT'], updateIntervalMs: 100, seed: 8 });
});
afterEach(async () => {
  await Promise.all(open.splice(0).map((e) => e.close()));
});
afterAll(async () => {
  await fake.close();
});

function client(): Exchange {
  const ex = new ccxt.pro.bybit(fake.ccxtConfig());
  open.push(ex);
  return ex;
}

type Envelope = { retCode: number; retMsg: string; result: { list: string[][] } };
const rest = async (path: string): Promise<Envelope> =>
  (await (await fetch(fake.restUrl + path)).json()) as Envelope;

describe('fake Bybit v5, REST', () => {
  it('pages klines newest first: with start the first `limit` bars from it, without the newest', async () => {
    const now = Date.now();
    const start = Math.floor(now / MINUTE) * MINUTE - 30 * MINUTE;
    const fromStart = await rest(
      `/v5/market/kline?category=spot&symbol=BTCUSDT&interval=1&start=${start}&limit=3`,
    );
    expect(fromStart.result.list.map((r) => Number(r[0]))).toEqual([
      start + 2 * MINUTE,
      start + MINUTE,
      start,
    ]);
    const minute = () => Math.floor(Date.now() / MINUTE) * MINUTE;
    const from = minute();
    const newest = await rest('/v5/market/kline?category=spot&symbol=BTCUSDT&interval=1&limit=2');
    // the current minute's bar: the one the request started in, or the next if it ended there
    expect([from, minute()]).toContain(Number(newest.result.list[0]![0]));
    expect((await rest('/v5/market/kline?category=spot&symbol=BTCUSDT&interval=2')).retCode).toBe(10001);
    expect((await rest('/v5/market/kline?category=spot&symbol=BTCUSDT&interval=1&limit=1001')).retCode).toBe(
      10001,
    );
  });

  it('lists spot and linear markets to ccxt, whose candles equal the truth', async () => {
    const ex = client();
    await ex.loadMarkets();
    expect(Object.keys(ex.markets ?? {}).sort()).toEqual(['BTC/USDT', 'BTC/USDT:USDT']);
    for (const symbol of ['BTC/USDT', 'BTC/USDT:USDT']) {
      const rows = await ex.fetchOHLCV(symbol, '5m', Date.now() - 60 * MINUTE, 6);
      expect(rows).toEqual(fake.truth(symbol, '5m', rows[0]![0]!, rows.at(-1)![0]!));
    }
  });

  it('answers a rate limit with HTTP 200, retCode 10006 and X-Bapi-Limit headers: ccxt raises RateLimitExceeded', async () => {
    const ex = client();
    await ex.loadMarkets();
    fake.faults.rateLimit(1);
    await expect(ex.fetchOHLCV('BTC/USDT', '1m')).rejects.toThrow(ccxt.RateLimitExceeded);
    expect(fake.restLog().at(-1)).toMatchObject({ status: 200, fault: true });
  });
});

describe('fake Bybit v5, WebSocket', () => {
  it('answers op ping (spot: op "pong"), refuses an unknown symbol, pushes kline with confirm', async () => {
    const ws = new WebSocket(`${fake.wsBase}/v5/public/spot`);
    const frames: Record<string, unknown>[] = [];
    ws.on('message', (data) => frames.push(JSON.parse(data.toString()) as Record<string, unknown>));
    await new Promise((resolve) => ws.once('open', resolve));
    try {
      ws.send(JSON.stringify({ op: 'ping', req_id: 'p' }));
      ws.send(JSON.stringify({ op: 'subscribe', args: ['kline.1.NOPEUSDT'], req_id: 'bad' }));
      ws.send(JSON.stringify({ op: 'subscribe', args: ['kline.1.BTCUSDT'], req_id: 'good' }));
      await until(() => frames.some((f) => f['topic'] === 'kline.1.BTCUSDT'));
      expect(frames[0]).toMatchObject({ op: 'pong', req_id: 'p' });
      expect(frames[1]).toMatchObject({ success: false, req_id: 'bad' });
      expect(frames[2]).toMatchObject({ success: true, req_id: 'good', op: 'subscribe' });
      const push = frames.find((f) => f['topic'] === 'kline.1.BTCUSDT') as {
        data: Record<string, unknown>[];
      };
      expect(push.data[0]).toMatchObject({ interval: '1', confirm: false });
    } finally {
      ws.terminate();
    }
  });

  it('keeps ccxt’s book in step through snapshot and deltas, on spot and linear', async () => {
    const ex = client();
    for (const symbol of ['BTC/USDT', 'BTC/USDT:USDT']) {
      let book = await ex.watchOrderBook(symbol);
      for (let i = 0; i < 3; i++) book = await ex.watchOrderBook(symbol);
      expect(book.bids[0]![0]).toBeLessThan(book.asks[0]![0]!);
      expect(book.bids.length).toBeGreaterThan(10);
    }
  });
});

describe('the Bybit capability record', () => {
  it('says what the fake shows: closed flag sent, quiet intervals pushed, UTC bars, no 1s, no book checksum', async () => {
    const ex = client();
    await ex.loadMarkets();
    const caps = capabilitiesFromCcxt(ex, 'bybit');
    expect(caps.timeframes).not.toContain('1s');
    expect(caps.facts).toMatchObject({
      closedFlagSent: true,
      pushesQuietIntervals: true,
      barAlignment: 'utc',
      oneSecondCandles: false,
      bookChecksum: false,
    });
  });
});

import ccxt from 'ccxt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { alignTime, nextOpenTime } from '../../../src/shared/timeframe';
import { startFakeExchange, type FakeExchange } from '../../support/fake-exchange';

type Binance = InstanceType<typeof ccxt.pro.binance>;

let fake: FakeExchange;
let exchange: Binance;

async function getJson(path: string): Promise<{ status: number; body: unknown }> {
  const response = await fetch(fake.restUrl + path);
  return { status: response.status, body: await response.json() };
}

beforeAll(async () => {
  fake = await startFakeExchange({ seed: 7, historyMs: 60 * 86_400_000 });
  exchange = new ccxt.pro.binance(fake.ccxtConfig());
});

afterAll(async () => {
  await exchange.close();
  await fake.close();
});

describe('ccxt against the fake exchange over REST', () => {
  it('points every binance url at 127.0.0.1, sandbox and demo included', () => {
    const urls: string[] = [];
    const walk = (value: unknown): void => {
      if (typeof value === 'string') urls.push(value);
      else if (value && typeof value === 'object') Object.values(value).forEach(walk);
    };
    const { api, test, demo } = exchange.urls as Record<string, unknown>;
    [api, test, demo].forEach(walk);
    expect(urls.length).toBeGreaterThan(60);
    expect(urls.filter((url) => !url.includes('://127.0.0.1:'))).toEqual([]);
  });

  it('loads the spot markets with one exchangeInfo call and the exchange filters', async () => {
    const markets = await exchange.loadMarkets();
    expect(Object.keys(markets).sort()).toEqual(['BTC/USDT', 'ETH/USDT', 'SOL/USDT']);
    const btc = markets['BTC/USDT']!;
    expect(btc).toMatchObject({ id: 'BTCUSDT', spot: true, active: true, type: 'spot' });
    expect(btc.precision).toMatchObject({ price: 0.01, amount: 0.00001 });
    expect(fake.restLog().map((entry) => `${entry.path} ${entry.status}`)).toEqual([
      '/api/v3/exchangeInfo 200',
    ]);
  });

  it('fetchOHLCV returns the ground truth for closed candles, then the forming one', async () => {
    for (const timeframe of ['1s', '1m', '15m', '1h', '1d']) {
      const from = alignTime(Date.now(), timeframe);
      const candles = await exchange.fetchOHLCV('ETH/USDT', timeframe, undefined, 50);
      expect(candles).toHaveLength(50);
      const forming = candles[candles.length - 1]!;
      // the bar current when the fake answered: from the one the request started in to the one it
      // ended in (a 1s request that a loaded machine stretches over two boundaries may get the one
      // between them)
      const to = alignTime(Date.now(), timeframe);
      expect(alignTime(forming[0]!, timeframe)).toBe(forming[0]);
      expect(forming[0]).toBeGreaterThanOrEqual(from);
      expect(forming[0]).toBeLessThanOrEqual(to);
      const closed = candles.slice(0, -1);
      const truth = fake.truth('ETH/USDT', timeframe, closed[0]![0]!, closed[closed.length - 1]![0]!);
      expect(closed).toEqual(truth);
    }
  });

  it('fetchOHLCV with since pages through history exactly like truth()', async () => {
    const since = alignTime(Date.now() - 40 * 3_600_000, '1m');
    const first = await exchange.fetchOHLCV('BTC/USDT', '1m', since, 1000);
    const second = await exchange.fetchOHLCV('BTC/USDT', '1m', first[first.length - 1]![0]! + 60_000, 1000);
    const fetched = [...first, ...second];
    expect(fetched).toHaveLength(2000);
    expect(fetched).toEqual(fake.truth('BTC/USDT', '1m', since, fetched[fetched.length - 1]![0]!));
  });

  it('aggregates every interval from the same seconds: 1h is its 1m candles, 1M its days', () => {
    const hour = alignTime(Date.now() - 5 * 3_600_000, '1h');
    const [h] = fake.truth('SOL/USDT', '1h', hour, hour);
    const minutes = fake.truth('SOL/USDT', '1m', hour, hour + 59 * 60_000);
    expect(minutes).toHaveLength(60);
    const sum = minutes.reduce((total, m) => total + Math.round(m[5] * 1000), 0) / 1000;
    expect(h).toEqual([
      hour,
      minutes[0]![1],
      Math.max(...minutes.map((m) => m[2])),
      Math.min(...minutes.map((m) => m[3])),
      minutes[59]![4],
      sum,
    ]);
  });

  it('answers klines with Binance semantics: open time ≥ startTime, ≤ endTime, limit', async () => {
    const base = alignTime(Date.now() - 3 * 3_600_000, '1m');
    const unaligned = await getJson(
      `/api/v3/klines?symbol=BTCUSDT&interval=1m&startTime=${base + 1}&limit=2`,
    );
    expect((unaligned.body as number[][]).map((row) => row[0])).toEqual([base + 60_000, base + 120_000]);
    const ending = await getJson(
      `/api/v3/klines?symbol=BTCUSDT&interval=1m&endTime=${base + 30_000}&limit=3`,
    );
    expect((ending.body as number[][]).map((row) => row[0])).toEqual([base - 120_000, base - 60_000, base]);
    const row = (ending.body as unknown[][])[2]!;
    expect(row).toHaveLength(12);
    expect(row[6]).toBe(base + 59_999);
    expect(row[1]).toMatch(/^\d+\.\d{8}$/);
    const latest = await getJson('/api/v3/klines?symbol=BTCUSDT&interval=1M');
    const months = latest.body as number[][];
    expect(months.length).toBeGreaterThan(0);
    expect(months[months.length - 1]![0]).toBe(alignTime(Date.now(), '1M'));
    expect(months[months.length - 1]![6]).toBe(nextOpenTime(alignTime(Date.now(), '1M'), '1M') - 1);
  });

  it('rejects bad requests with Binance error bodies, and ccxt maps them', async () => {
    expect(await getJson('/api/v3/klines?symbol=NOPEUSDT&interval=1m')).toEqual({
      status: 400,
      body: { code: -1121, msg: 'Invalid symbol.' },
    });
    expect((await getJson('/api/v3/klines?symbol=BTCUSDT&interval=2m')).body).toEqual({
      code: -1120,
      msg: 'Invalid interval.',
    });
    expect((await getJson('/api/v3/klines?symbol=BTCUSDT&interval=1m&limit=1001')).body).toMatchObject({
      code: -1130,
    });
    expect(
      (await getJson('/api/v3/klines?symbol=BTCUSDT&interval=1m&startTime=5&endTime=4')).body,
    ).toMatchObject({
      code: -1023,
    });
    expect((await getJson('/api/v3/klines?interval=1m')).body).toMatchObject({ code: -1102 });
    await expect(exchange.fetchOHLCV('XRP/USDT', '1m')).rejects.toThrow(ccxt.BadSymbol);
    await expect(exchange.publicGetKlines({ symbol: 'XRPUSDT', interval: '1m' })).rejects.toThrow(
      /Invalid symbol/,
    );
    await expect(exchange.publicGetKlines({ symbol: 'XRPUSDT', interval: '1m' })).rejects.toThrow(
      ccxt.BadSymbol,
    );
  });

  it('serves tickers, book tickers, the order book and the time', async () => {
    const ticker = await exchange.fetchTicker('BTC/USDT');
    expect(ticker.bid).toBeLessThan(ticker.ask!);
    expect(ticker.last).toBe(ticker.bid);
    expect(ticker.quoteVolume).toBeGreaterThan(0);
    const tickers = await exchange.fetchTickers();
    expect(Object.keys(tickers).sort()).toEqual(['BTC/USDT', 'ETH/USDT', 'SOL/USDT']);
    const book = await exchange.fetchOrderBook('SOL/USDT', 50);
    expect(book.bids).toHaveLength(50);
    expect(book.bids[0]![0]).toBeLessThan(book.asks[0]![0]!);
    expect(book.nonce).toBeGreaterThan(0);
    const bidsAsks = await exchange.fetchBidsAsks(['ETH/USDT']);
    expect(bidsAsks['ETH/USDT']!.bid).toBeLessThan(bidsAsks['ETH/USDT']!.ask!);
    expect(Math.abs((await exchange.fetchTime())! - Date.now())).toBeLessThan(5_000);
  });

  it('reports the used weight like Binance', async () => {
    const response = await fetch(`${fake.restUrl}/api/v3/ping`);
    expect(Number(response.headers.get('x-mbx-used-weight-1m'))).toBeGreaterThan(0);
  });
});

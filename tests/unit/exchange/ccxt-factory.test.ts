import { describe, expect, it } from 'vitest';
import { capabilitiesFromCcxt } from '../../../src/main/core/exchange/capabilities';
import {
  createCcxtExchange,
  deepMerge,
  usesPlainWebsocket,
} from '../../../src/main/core/exchange/ccxt-factory';
import { readSince } from '../../../src/main/core/exchange/candle-cache';
import { hashNames } from '../../../src/main/core/exchange/ccxt-source';

const settings = (ccxt: Record<string, unknown> = {}, sandbox = false) => ({ enabled: true, sandbox, ccxt });

describe('createCcxtExchange', () => {
  it('passes the ccxt options through, over our defaults', () => {
    const ex = createCcxtExchange('binance', settings({ options: { defaultType: 'spot', OHLCVLimit: 50 } }));
    expect(ex.options['defaultType']).toBe('spot');
    expect(ex.options['OHLCVLimit']).toBe(50);
    // ccxt's own reconnect backoff is off: our loops pace reconnects.
    expect((ex.options['ws'] as { backoff: { base: number } }).backoff.base).toBe(0);
  });

  it('accepts plain http:// and ws:// on loopback and knows it needs an agent for ws://', () => {
    const ex = createCcxtExchange(
      'binance',
      settings({
        urls: {
          api: { public: 'http://127.0.0.1:9000/api/v3', ws: { spot: 'ws://localhost:9000/stream/ws' } },
        },
      }),
    );
    expect(usesPlainWebsocket(ex)).toBe(true);
    expect(usesPlainWebsocket(createCcxtExchange('binance', settings()))).toBe(false);
  });

  it('refuses plain http:// or ws:// to another machine, in plain words', () => {
    expect(() =>
      createCcxtExchange(
        'binance',
        settings({ urls: { api: { ws: { spot: 'ws://203.0.113.5/stream?x=1' } } } }),
      ),
    ).toThrow(
      'binance: plain "ws://203.0.113.5" is only allowed on this machine (127.0.0.1 or localhost); use https:// or wss://',
    );
  });

  it('names an unknown exchange id clearly', () => {
    expect(() => createCcxtExchange('binanse', settings())).toThrow(
      /"binanse" is not an exchange ccxt knows/,
    );
  });

  it('uses plain ccxt (REST polling) for exchanges without websockets', () => {
    const caps = capabilitiesFromCcxt(createCcxtExchange('bitbank', settings()));
    expect(caps.websocketOhlcv).toBe(false);
  });
});

describe('capabilitiesFromCcxt', () => {
  it('describes Binance: websocket candles incl. 1s, unWatch, 1000 candles per REST page, no closed flag', () => {
    const caps = capabilitiesFromCcxt(createCcxtExchange('binance', settings()));
    expect(caps).toMatchObject({
      websocketOhlcv: true,
      multiSymbolOhlcv: true,
      unwatch: true,
      websocketTicker: true,
      websocketOrderBook: true,
      websocketTrades: true,
      closedFlag: false,
      emptyIntervals: 'pushed',
      maxCandlesPerRequest: 1000,
    });
    expect(caps.timeframes).toEqual(expect.arrayContaining(['1s', '1m', '5m', '15m', '1h', '4h', '1d']));
    expect(caps.aggregatedTimeframes).toEqual([]);
  });
});

describe('helpers', () => {
  it('deep-merges plain objects only', () => {
    expect(deepMerge({ a: { b: 1, c: 2 }, d: [1] }, { a: { b: 3 }, d: [2] })).toEqual({
      a: { b: 3, c: 2 },
      d: [2],
    });
  });

  it('reads candles from a ccxt cache from a cursor, copying them', () => {
    const cache = [
      [1, 1, 1, 1, 1, 1],
      [2, 2, 2, 2, 2, 2],
      [3, 3, 3, 3, 3, undefined as unknown as number],
    ];
    const read = readSince(cache, 2);
    expect(read).toEqual([
      [2, 2, 2, 2, 2, 2],
      [3, 3, 3, 3, 3, 0],
    ]);
    expect(read[0]).not.toBe(cache[1]);
    expect(readSince(cache, undefined)).toEqual([[3, 3, 3, 3, 3, 0]]);
  });

  it("tells ccxt's subscription hashes apart by whole symbol and timeframe", () => {
    expect(hashNames('ohlcv::BTC/USDT::1m', 'BTC/USDT', '1m')).toBe(true);
    expect(hashNames('ohlcv::BTC/USDT::15m', 'BTC/USDT', '5m')).toBe(false);
    expect(hashNames('ohlcv::WBTC/USDT::1m', 'BTC/USDT', '1m')).toBe(false);
    expect(hashNames('ohlcv::BTC/USDT:USDT::1m', 'BTC/USDT', '1m')).toBe(false);
    expect(hashNames('ohlcv::BTC/USDT:USDT::1m', 'BTC/USDT:USDT', '1m')).toBe(true);
    expect(hashNames('ticker:BTC/USDT', 'BTC/USDT')).toBe(true);
  });

  it('matches exchange topics by market id and interval name (BingX, KuCoin Futures)', () => {
    const bingx = { symbols: ['BTC/USDT', 'BTC-USDT'], timeframes: ['1m', '1min'] };
    expect(hashNames('BTC-USDT@kline_1min', bingx.symbols, bingx.timeframes)).toBe(true);
    expect(hashNames('BTC-USDT@kline_5min', bingx.symbols, bingx.timeframes)).toBe(false);
    expect(hashNames('WBTC-USDT@kline_1min', bingx.symbols, bingx.timeframes)).toBe(false);
    expect(
      hashNames('/contractMarket/limitCandle:XBTUSDTM_1min', ['BTC/USDT:USDT', 'XBTUSDTM'], ['1min']),
    ).toBe(true);
    expect(hashNames('/contractMarket/ticker:XBTUSDTM', ['BTC/USDT:USDT', 'XBTUSDTM'])).toBe(true);
  });
});

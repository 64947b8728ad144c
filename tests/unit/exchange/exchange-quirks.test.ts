import ccxt from 'ccxt';
import { describe, expect, it } from 'vitest';
import { MarketDataError } from '../../../src/main/core/base/classify-error';
import { createCcxtExchange } from '../../../src/main/core/exchange/ccxt-factory';
import { quirksOf, watchError } from '../../../src/main/core/exchange/exchange-quirks';

const settings = (ccxtOptions: Record<string, unknown> = {}) => ({
  enabled: true,
  sandbox: false,
  ccxt: ccxtOptions,
});

describe('exchange quirks', () => {
  it('points OKX 6h/12h/1d/1w at the UTC bars on both paths, and only timeframes ccxt offers', () => {
    const ex = createCcxtExchange('okx', settings());
    expect(ex.timeframes).toMatchObject({
      '1m': '1m',
      '1h': '1H',
      '6h': '6Hutc',
      '12h': '12Hutc',
      '1d': '1Dutc',
      '1w': '1Wutc',
    });
    expect(ex.timeframes['1s']).toBeUndefined();
    // Not 'UTC': ccxt's fetchOHLCV would append "utc" to "1Dutc" a second time.
    expect((ex.options['fetchOHLCV'] as Record<string, unknown>)['timezone']).not.toBe('UTC');
    // Another instance's map is its own.
    expect(new ccxt.okx().timeframes['1d']).toBe('1D');
  });

  it('leaves other exchanges as ccxt builds them', () => {
    const ex = createCcxtExchange('bybit', settings());
    expect(ex.timeframes).toEqual(new ccxt.bybit().timeframes);
  });

  it('turns an OKX socket-wide error frame into a network error, and nothing else', () => {
    const frame = new ccxt.BadRequest(
      'okx {"event":"error","code":"60018","msg":"doesn\'t exist","connId":"a"}',
    );
    const converted = watchError('okx', frame);
    expect(converted).toBeInstanceOf(MarketDataError);
    expect((converted as MarketDataError).kind).toBe('network');
    const other = new ccxt.BadRequest('okx {"code":"51000","msg":"Parameter bar error"}');
    expect(watchError('okx', other)).toBe(other);
    expect(watchError('binance', frame)).toBe(frame);
  });

  it('knows nothing it was not told about an unknown exchange, and pauses the default 10 s after a 429', () => {
    expect(quirksOf('somewhere')).toMatchObject({
      rateLimitPauseMs: 10_000,
      facts: { pushesQuietIntervals: null, candlePushMs: null, maxStreamsPerSocket: null },
    });
    expect(quirksOf('okx').rateLimitPauseMs).toBe(2_000);
  });
});

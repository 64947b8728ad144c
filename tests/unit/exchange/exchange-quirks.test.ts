import ccxt from 'ccxt';
import { describe, expect, it } from 'vitest';
import { MarketDataError, classifyError } from '../../../src/main/core/base/classify-error';
import { createCcxtExchange } from '../../../src/main/core/exchange/ccxt-factory';
import { quirkError, quirksOf } from '../../../src/main/core/exchange/exchange-quirks';

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
    const converted = quirkError('okx', frame);
    expect(converted).toBeInstanceOf(MarketDataError);
    expect((converted as MarketDataError).kind).toBe('network');
    const other = new ccxt.BadRequest('okx {"code":"51000","msg":"Parameter bar error"}');
    expect(quirkError('okx', other)).toBe(other);
    expect(quirkError('binance', frame)).toBe(frame);
  });

  it('knows nothing it was not told about an unknown exchange, and pauses the default 10 s after a 429', () => {
    expect(quirksOf('somewhere')).toMatchObject({
      rateLimitPauseMs: 10_000,
      facts: { pushesQuietIntervals: null, candlePushMs: null, maxStreamsPerSocket: null },
    });
    expect(quirksOf('okx').rateLimitPauseMs).toBe(2_000);
  });
});

describe('quirkError on misclassified codes', () => {
  it('turns the error codes ccxt misclassifies into the kind they mean', () => {
    const bingx = quirkError(
      'bingx',
      new ccxt.OperationFailed(
        'bingx {"code":100410,"msg":"The current system is busy, please try again later"}',
      ),
    );
    expect(bingx).toBeInstanceOf(MarketDataError);
    expect(classifyError(bingx).kind).toBe('rate-limited');
    const kucoin = quirkError(
      'kucoinfutures',
      new ccxt.ExchangeError('kucoinfutures {"code":"429000","msg":"Too Many Requests"}'),
    );
    expect(classifyError(kucoin).kind).toBe('rate-limited');
  });

  it('leaves other codes, and other exchanges, alone', () => {
    const other = new ccxt.OperationFailed('bingx {"code":100500,"msg":"busy"}');
    expect(quirkError('bingx', other)).toBe(other);
    const binance = new ccxt.OperationFailed('binance {"code":100410}');
    expect(quirkError('binance', binance)).toBe(binance);
  });
});

describe('classifyError', () => {
  it('calls a frame ccxt could not gunzip malformed, not a network failure', () => {
    expect(classifyError(new ccxt.NetworkError('incorrect header check')).kind).toBe('malformed');
    expect(classifyError(new ccxt.NetworkError('socket hang up')).kind).toBe('network');
  });
});

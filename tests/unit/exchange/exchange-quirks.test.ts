import ccxt from 'ccxt';
import { describe, expect, it } from 'vitest';
import { MarketDataError, classifyError } from '../../../src/main/core/base/classify-error';
import { quirkError } from '../../../src/main/core/exchange/exchange-quirks';

describe('quirkError', () => {
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

  it('leaves other errors, and other exchanges, alone', () => {
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

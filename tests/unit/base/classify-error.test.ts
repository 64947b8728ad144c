import ccxt from 'ccxt';
import { describe, expect, it } from 'vitest';
import { classifyError, MarketDataError } from '../../../src/main/core/base/classify-error';

describe('classifyError', () => {
  it.each([
    [new ccxt.DDoSProtection('binance 429 Too Many Requests'), 'rate-limited', false],
    [new ccxt.RateLimitExceeded('slow down'), 'rate-limited', false],
    // Binance's 500 with code -1001 is an OperationFailed, not a NetworkError: still transient.
    [
      new ccxt.OperationFailed('binance {"code":-1001,"msg":"Internal error"}'),
      'exchange-unavailable',
      false,
    ],
    [new ccxt.ExchangeNotAvailable('binance 500 Internal Server Error'), 'exchange-unavailable', false],
    [new ccxt.OnMaintenance('binance is on maintenance'), 'exchange-unavailable', false],
    [new ccxt.RequestTimeout('timed out'), 'network', false],
    [new ccxt.NetworkError('connection closed by remote server, closing code 1006'), 'network', false],
    [new ccxt.ExchangeClosedByUser('binance closedByUser'), 'network', false],
    [new ccxt.ChecksumError('binance checksum'), 'checksum', false],
    [new ccxt.InvalidNonce('sequence gap'), 'checksum', false],
    [new ccxt.AuthenticationError('bad key'), 'auth', true],
    [new ccxt.PermissionDenied('no rights'), 'auth', true],
    [new ccxt.BadSymbol('binance does not have market symbol FOO/BAR'), 'bad-symbol', true],
    [new ccxt.BadRequest('binance {"code":-1120,"msg":"Invalid interval."}'), 'rejected', true],
    [new ccxt.NotSupported('no watchOHLCV'), 'not-supported', true],
    // A non-JSON frame: ccxt's handler throws a plain TypeError into every pending watch.
    [new TypeError("Cannot read properties of undefined (reading 'e')"), 'malformed', false],
    [new MarketDataError('bad-timeframe', 'no 7m candles'), 'bad-timeframe', true],
    [new Error('something else'), 'unknown', false],
  ])('%s → %s', (err, kind, permanent) => {
    expect(classifyError(err)).toMatchObject({ kind, permanent });
  });

  it('keeps messages short enough for the streams panel', () => {
    expect(classifyError(new Error('x'.repeat(1000))).message.length).toBeLessThanOrEqual(300);
  });
});

import ccxt from 'ccxt';
import { describe, expect, it } from 'vitest';
import { AccountAccessError, describeAccessError } from '../../../src/main/core/account/access-error';
import { ReadOnlyRefusedError } from '../../../src/main/core/account/read-only-allowlist';
import { classifyError } from '../../../src/main/core/base/classify-error';

const binance = (code: number, msg: string) => `binance {"code":${code},"msg":"${msg}"}`;
const SECRET = 'hunter2-secret-value-0123456789';
const redact = (text: string) => text.replaceAll(SECRET, '[redacted]');
const describe_ = (err: unknown) => describeAccessError(err, 'Binance', redact);

describe('describeAccessError', () => {
  it.each([
    [
      'a wrong clock (InvalidNonce, -1021)',
      new ccxt.InvalidNonce(binance(-1021, 'Timestamp ahead')),
      'clock-skew',
    ],
    [
      '-1021 over the WebSocket API (BadRequest)',
      new ccxt.BadRequest(binance(-1021, 'outside recvWindow')),
      'clock-skew',
    ],
    [
      'a bad signature (-1022)',
      new ccxt.AuthenticationError(binance(-1022, 'Signature not valid.')),
      'wrong-signature',
    ],
    [
      'a malformed key (-2014)',
      new ccxt.AuthenticationError(binance(-2014, 'API-key format invalid.')),
      'wrong-key',
    ],
    [
      'an unknown key (-2015)',
      new ccxt.AuthenticationError(binance(-2015, 'Invalid API-key, IP, or permissions')),
      'wrong-key',
    ],
    [
      'a key revoked after a success (ccxt: DDoSProtection)',
      new ccxt.DDoSProtection(binance(-2015, 'Invalid API-key, IP, or permissions')),
      'wrong-key',
    ],
    [
      'a missing permission (-1002)',
      new ccxt.PermissionDenied(binance(-1002, 'not authorized')),
      'missing-permission',
    ],
    [
      'an IP outside the whitelist',
      new ccxt.PermissionDenied(
        'okx {"code":"50110","msg":"Your IP 1.2.3.4 is not included in your API key\'s IP whitelist"}',
      ),
      'ip-not-allowed',
    ],
    [
      'an IP outside the whitelist (AuthenticationError)',
      new ccxt.AuthenticationError(
        'bybit {"retCode":10010,"retMsg":"Unmatched IP, please check your API key\'s bound IP addresses."}',
      ),
      'ip-not-allowed',
    ],
    ['a suspended account', new ccxt.AccountSuspended('kraken EGeneral:Account locked'), 'account-locked'],
    ['a rate limit', new ccxt.DDoSProtection('binance 429 Too Many Requests'), 'rate-limited'],
    ['maintenance', new ccxt.OnMaintenance('binance system maintenance'), 'exchange-down'],
    [
      'a timeout',
      new ccxt.RequestTimeout('binance GET https://api.binance.com/api/v3/account request timed out'),
      'exchange-down',
    ],
    [
      'an internal error (-1001)',
      new ccxt.OperationFailed(binance(-1001, 'Internal error')),
      'exchange-down',
    ],
  ])('names %s in plain words', (_label, err, problem) => {
    const e = describe_(err);
    expect(e.problem).toBe(problem);
    expect(e.message).toContain('Binance said:');
  });

  it('treats every key problem as permanent for the shared loop, so it is not retried in a hurry', () => {
    for (const err of [
      new ccxt.InvalidNonce(binance(-1021, 'Timestamp ahead')),
      new ccxt.DDoSProtection(binance(-2015, 'Invalid API-key, IP, or permissions')),
    ]) {
      // Unsorted, the loop would retry these in a hurry, forever: InvalidNonce and DDoSProtection
      // are NetworkErrors.
      expect(classifyError(err).permanent).toBe(false);
      expect(classifyError(describe_(err))).toMatchObject({ kind: 'auth', permanent: true });
    }
    const signature = describe_(new ccxt.AuthenticationError(binance(-1022, 'Signature not valid.')));
    expect(classifyError(signature)).toMatchObject({ kind: 'auth', permanent: true });
    expect(classifyError(describe_(new ccxt.RequestTimeout('timed out'))).permanent).toBe(false);
  });

  it('offers clock sync for a clock problem only', () => {
    expect(describe_(new ccxt.InvalidNonce(binance(-1021, 'ahead'))).canSyncClock).toBe(true);
    expect(describe_(new ccxt.AuthenticationError(binance(-1022, 'bad'))).canSyncClock).toBe(false);
  });

  it('masks credentials the exchange echoed', () => {
    const e = describe_(new ccxt.AuthenticationError(`binance GET /api/v3/account?apiKey=${SECRET} 401`));
    expect(e.message).not.toContain(SECRET);
    expect(e.message).toContain('[redacted]');
  });

  it('marks sockets Candlewatch closed itself, and passes sorted errors through', () => {
    expect(describe_(new ccxt.ExchangeClosedByUser('binance: reconnecting')).ownDoing).toBe(true);
    const sorted = new AccountAccessError('wrong-key', 'auth', 'no');
    expect(describe_(sorted)).toBe(sorted);
    expect(describe_(new ReadOnlyRefusedError('createOrder'))).toMatchObject({
      problem: 'not-supported',
      kind: 'rejected',
    });
  });
});

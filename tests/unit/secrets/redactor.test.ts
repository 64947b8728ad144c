import { describe, expect, it } from 'vitest';
import { createLogger, type LogRecord } from '../../../src/main/core/base/log';
import {
  REDACTED,
  Redactor,
  redactingDispatch,
  redactingLogger,
} from '../../../src/main/core/secrets/redactor';

describe('Redactor', () => {
  it('leaves text alone until it knows a secret', () => {
    expect(new Redactor().redact('apiKey=abc')).toBe('apiKey=abc');
  });

  it('masks a secret anywhere, raw, JSON-escaped and URL-encoded', () => {
    const r = new Redactor();
    const secret = 'pa"ss/wo+rd\\1234';
    r.add(secret);
    expect(r.redact(`error: ${secret}!`)).toBe(`error: ${REDACTED}!`);
    expect(r.redact(JSON.stringify({ s: secret }))).toBe(`{"s":"${REDACTED}"}`);
    expect(r.redact(`GET /api?key=${encodeURIComponent(secret)}&x=1`)).toBe(`GET /api?key=${REDACTED}&x=1`);
    expect(r.redact(`${secret}${secret}`)).toBe(`${REDACTED}${REDACTED}`);
  });

  it('masks a short value only as a whole token, so ordinary text survives', () => {
    const r = new Redactor();
    r.add('4821');
    expect(r.redact('uid=4821 price=148215')).toBe(`uid=${REDACTED} price=148215`);
  });

  it('masks the longest match first when one secret contains another', () => {
    const r = new Redactor();
    r.add('abcdefgh');
    r.add('abcdefgh-ijklmnop');
    expect(r.redact('x abcdefgh-ijklmnop y')).toBe(`x ${REDACTED} y`);
  });
});

describe('redactingLogger', () => {
  it('scrubs messages, data and errors before the sink, in every child', () => {
    const records: LogRecord[] = [];
    const r = new Redactor();
    const log = redactingLogger(
      createLogger((rec) => records.push(rec)),
      r.redact,
    ).child('feed');
    r.add('SECRET-VALUE-123');
    log.error('request with SECRET-VALUE-123 failed', {
      url: 'https://x/?k=SECRET-VALUE-123',
      error: new Error('echo SECRET-VALUE-123'),
    });
    expect(records).toEqual([
      expect.objectContaining({
        ns: 'feed',
        msg: `request with ${REDACTED} failed`,
        data: { url: `https://x/?k=${REDACTED}`, error: { name: 'Error', message: `echo ${REDACTED}` } },
      }),
    ]);
  });
});

describe('redactingDispatch', () => {
  it('scrubs error messages and passes values through', async () => {
    const r = new Redactor();
    r.add('SECRET-VALUE-123');
    const dispatch = redactingDispatch(async (method) => {
      if (method === 'ok') return { ok: true, value: 'fine' };
      return { ok: false, error: { code: 'internal', message: 'ccxt said SECRET-VALUE-123' } };
    }, r.redact);
    expect(await dispatch('ok', {})).toEqual({ ok: true, value: 'fine' });
    expect(await dispatch('x', {})).toEqual({
      ok: false,
      error: { code: 'internal', message: `ccxt said ${REDACTED}` },
    });
  });
});

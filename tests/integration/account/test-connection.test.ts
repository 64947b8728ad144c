import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { actingRequests, startAccountCore, type AccountCore } from './account-fixture';

let t: AccountCore;
beforeAll(async () => {
  t = await startAccountCore(21);
  t.fake.account.setBalance('USDT', 5_000);
  t.fake.account.setBalance('ETH', 2);
});
afterEach(async () => {
  t.fake.faults.clockSkew(0);
  t.fake.account.setKeyPermissions({ enableSpotAndMarginTrading: false, enableWithdrawals: false });
  await t.call('account:sync-clock', { exchange: 'binance', enabled: false });
});
afterAll(async () => {
  expect(actingRequests(t.fake)).toEqual([]);
  await t.close();
});

describe('account:test-connection against the real ccxt and the fake Binance', () => {
  it('passes with the right key, says what the key may do, and stores nothing', async () => {
    const r = await t.call('account:test-connection', {
      exchange: 'binance',
      credentials: t.fake.credentials,
    });
    expect(r).toMatchObject({
      ok: true,
      problem: null,
      assets: 2,
      permissions: { visible: true, reading: true, trading: false, withdrawals: false, warning: null },
    });
    expect(r.message).toBe('Connected to Binance: the key reads the account (2 assets with a balance).');
    expect((await t.call('secrets:status', {})).exchanges).toEqual([]);
  });

  it('names a wrong key in plain words', async () => {
    const r = await t.call('account:test-connection', {
      exchange: 'binance',
      credentials: { apiKey: 'A'.repeat(64), secret: t.fake.credentials.secret },
    });
    expect(r).toMatchObject({ ok: false, problem: 'wrong-key', canSyncClock: false, permissions: null });
    expect(r.message).toMatch(/^Binance does not accept this API key: it is wrong, was deleted or revoked/);
    expect(r.message).toContain('-2015');
  });

  it('names a bad signature (wrong secret) in plain words', async () => {
    const r = await t.call('account:test-connection', {
      exchange: 'binance',
      credentials: { apiKey: t.fake.credentials.apiKey, secret: 'f'.repeat(64) },
    });
    expect(r).toMatchObject({ ok: false, problem: 'wrong-signature' });
    expect(r.message).toMatch(/^The secret does not match the API key/);
  });

  it('names clock skew, measures it, and passes once the clock is synced with the exchange', async () => {
    t.fake.faults.clockSkew(10_000);
    const r = await t.call('account:test-connection', {
      exchange: 'binance',
      credentials: t.fake.credentials,
    });
    expect(r).toMatchObject({ ok: false, problem: 'clock-skew', canSyncClock: true });
    expect(r.clockOffsetMs).toBeGreaterThan(9_000);
    expect(r.clockOffsetMs).toBeLessThan(11_000);
    expect(r.message).toMatch(
      /^This computer's clock is 1\d\.\d s behind Binance's\. Binance refused the request/,
    );
    const synced = await t.call('account:sync-clock', { exchange: 'binance', enabled: true });
    expect(synced).toMatchObject({ exchange: 'binance', enabled: true });
    expect(synced.clockOffsetMs).toBeGreaterThan(9_000);
    const again = await t.call('account:test-connection', {
      exchange: 'binance',
      credentials: t.fake.credentials,
    });
    expect(again).toMatchObject({ ok: true, problem: null });
  });

  it('warns when the key may trade or withdraw, and recommends a read-only key', async () => {
    t.fake.account.setKeyPermissions({ enableSpotAndMarginTrading: true, enableWithdrawals: true });
    const r = await t.call('account:test-connection', {
      exchange: 'binance',
      credentials: t.fake.credentials,
    });
    expect(r).toMatchObject({ ok: true, permissions: { trading: true, withdrawals: true } });
    expect(r.message).toContain(
      'Warning: This key may trade and withdraw or transfer funds. Candlewatch only reads: create a key with only "Enable Reading" and use it instead.',
    );
  });

  it('says when the exchange is down', async () => {
    t.fake.faults.restStatus(500, 1, { body: '' });
    const r = await t.call('account:test-connection', {
      exchange: 'binance',
      credentials: t.fake.credentials,
    });
    expect(r).toMatchObject({ ok: false, problem: 'exchange-down' });
    expect(r.message).toMatch(/^Binance could not be reached or is not answering/);
  });

  it('refuses a test without the credentials the exchange needs', async () => {
    const r = await t.call('account:test-connection', {
      exchange: 'binance',
      credentials: { apiKey: 'abc' },
    });
    expect(r).toMatchObject({
      ok: false,
      problem: 'no-credentials',
      message: 'Binance needs secret: nothing was tested.',
    });
    const stored = await t.call('account:test-connection', { exchange: 'binance' });
    expect(stored).toMatchObject({ ok: false, problem: 'no-credentials' });
  });

  it("lists the credentials ccxt's requiredCredentials names", async () => {
    expect(await t.call('account:credentials-fields', { exchange: 'binance' })).toMatchObject({
      name: 'Binance',
      fields: ['apiKey', 'secret'],
      unstorable: [],
      websocket: { balance: true, orders: true, fills: true },
      permissionsVisible: true,
    });
    expect((await t.call('account:credentials-fields', { exchange: 'okx' })).fields).toEqual([
      'apiKey',
      'secret',
      'password',
    ]);
    expect(await t.attempt('account:credentials-fields', { exchange: 'nosuchexchange' })).toMatchObject({
      ok: false,
      error: { code: 'not-found' },
    });
  });
});

import { describe, expect, it } from 'vitest';
import { AccountAccessError } from '../../../src/main/core/account/access-error';
import { testConnection, type ConnectionTestOptions } from '../../../src/main/core/account/connection-test';
import { silentLogger } from '../../../src/main/core/base/log';
import type { CredentialFields } from '../../../src/shared/contract/methods/account';
import { FakeClock } from '../../support/fake-clock';
import { ScriptedAccountClient } from '../../support/scripted-account-client';

const fields: CredentialFields = {
  exchange: 'binance',
  name: 'Binance',
  fields: ['apiKey', 'secret'],
  unstorable: [],
  websocket: { balance: true, orders: true, fills: true },
  positions: true,
  permissionsVisible: true,
};

function run(client: ScriptedAccountClient, over: Partial<ConnectionTestOptions> = {}) {
  return testConnection({
    id: 'binance',
    fields,
    credentials: { apiKey: 'k', secret: 's' },
    settings: { enabled: true, sandbox: false, ccxt: {} },
    clockSync: false,
    redact: (t) => t,
    clock: new FakeClock(),
    log: silentLogger(),
    createClient: () => client,
    ...over,
  });
}

describe('testConnection', () => {
  it('tests nothing while a required credential is missing', async () => {
    const client = new ScriptedAccountClient();
    const r = await run(client, { credentials: { apiKey: 'k' } });
    expect(r).toMatchObject({
      ok: false,
      problem: 'no-credentials',
      message: 'Binance needs secret: nothing was tested.',
    });
    expect(client.calls).toEqual([]);
  });

  it('passes with a readable account and reads the key permissions', async () => {
    const client = new ScriptedAccountClient();
    client.truth.balance = [
      { asset: 'USDT', free: 1, used: 0, total: 1 },
      { asset: 'BTC', free: 1, used: 0, total: 1 },
    ];
    const r = await run(client);
    expect(r).toMatchObject({
      ok: true,
      problem: null,
      assets: 2,
      permissions: { visible: true, trading: false },
    });
    expect(r.message).toBe('Connected to Binance: the key reads the account (2 assets with a balance).');
    expect(client.closed).toBe(true);
  });

  it('warns when the key may trade or withdraw', async () => {
    const client = new ScriptedAccountClient();
    client.permissions = async () => ({
      visible: true,
      reading: true,
      trading: true,
      withdrawals: true,
      ipRestricted: false,
      warning:
        'This key may trade and withdraw or transfer funds. Candlewatch only reads: use a read-only key.',
    });
    const r = await run(client);
    expect(r.ok).toBe(true);
    expect(r.message).toContain('Warning: This key may trade and withdraw');
  });

  it('says so when the exchange does not show what a key may do', async () => {
    const client = new ScriptedAccountClient();
    client.permissions = async () => ({
      visible: false,
      reading: null,
      trading: null,
      withdrawals: null,
      ipRestricted: null,
      warning: 'Binance does not let Candlewatch see what this key may do.',
    });
    const r = await run(client);
    expect(r.message).toBe(
      'Connected to Binance: the key reads the account (0 assets with a balance). Binance does not let Candlewatch see what this key may do.',
    );
  });

  it('measures the clock offset on a clock error and offers to sync', async () => {
    const client = new ScriptedAccountClient();
    client.failures.set('fetchBalance', [
      new AccountAccessError('clock-skew', 'auth', 'Binance refused: clock', true),
    ]);
    client.clockOffset = async () => 12_340;
    const r = await run(client);
    expect(r).toMatchObject({ ok: false, problem: 'clock-skew', clockOffsetMs: 12_340, canSyncClock: true });
    expect(r.message).toBe("This computer's clock is 12.3 s behind Binance's. Binance refused: clock");
  });

  it('passes the plain words of any other problem through, and closes its client', async () => {
    const client = new ScriptedAccountClient();
    client.failures.set('fetchBalance', [
      new AccountAccessError('wrong-signature', 'auth', 'The secret does not match'),
    ]);
    const r = await run(client);
    expect(r).toMatchObject({
      ok: false,
      problem: 'wrong-signature',
      message: 'The secret does not match',
      canSyncClock: false,
    });
    expect(client.closed).toBe(true);
  });
});

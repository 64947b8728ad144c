import type {
  CredentialFields,
  KeyPermissions,
  TestConnectionResult,
} from '../../../shared/contract/methods/account';
import type { SecretField } from '../../../shared/contract/methods/store';
import { AccountAccessError } from './access-error';
import type { AccountClientOptions, ReadOnlyAccountClient } from './account-client';

export type ConnectionTestOptions = Omit<AccountClientOptions, 'credentials'> & {
  fields: CredentialFields;
  credentials: Partial<Record<SecretField, string>>;
  createClient(opts: AccountClientOptions): ReadOnlyAccountClient;
};

const seconds = (ms: number): string => `${(Math.abs(ms) / 1000).toFixed(1)} s`;

/**
 * Reads the balance with the given credentials on a client of its own (the running account is left
 * alone), and turns the outcome into plain words. On a clock error it measures how far off this
 * computer's clock is; on success it reads what the key may do where the exchange tells.
 */
export async function testConnection(opts: ConnectionTestOptions): Promise<TestConnectionResult> {
  const { fields, clock } = opts;
  const result = (r: Partial<TestConnectionResult> & Pick<TestConnectionResult, 'ok' | 'message'>) => ({
    exchange: fields.exchange,
    problem: null,
    clockOffsetMs: null,
    canSyncClock: false,
    permissions: null,
    assets: null,
    checkedAt: clock.now(),
    ...r,
  });
  const missing = fields.fields.filter((f) => !opts.credentials[f]);
  if (missing.length > 0 || fields.unstorable.length > 0) {
    const names = [...missing, ...fields.unstorable];
    return result({
      ok: false,
      problem: 'no-credentials',
      message: `${fields.name} needs ${names.join(', ')}${fields.unstorable.length > 0 ? ' (Candlewatch cannot store ' + fields.unstorable.join(', ') + ' yet)' : ''}: nothing was tested.`,
    });
  }

  const client = opts.createClient(opts);
  try {
    await client.loadMarkets();
    const balance = await client.fetchBalance();
    const permissions = await client.permissions().catch((err: unknown): KeyPermissions => ({
      visible: false,
      reading: null,
      trading: null,
      withdrawals: null,
      ipRestricted: null,
      // The exchange's refusal is often its raw JSON body: plain words here, the details in the log.
      warning: `The key's permissions could not be read${plainReason(err)}; check on the exchange's API management page that it can only read.`,
    }));
    const risky = permissions.trading === true || permissions.withdrawals === true;
    return result({
      ok: true,
      message:
        `Connected to ${client.name}: the key reads the account (${balance.length} asset${balance.length === 1 ? '' : 's'} with a balance).` +
        (risky && permissions.warning ? ` Warning: ${permissions.warning}` : '') +
        (!permissions.visible && permissions.warning ? ` ${permissions.warning}` : ''),
      permissions,
      assets: balance.length,
    });
  } catch (err) {
    if (!(err instanceof AccountAccessError)) throw err;
    if (err.problem !== 'clock-skew')
      return result({ ok: false, problem: err.problem, message: err.message });
    const offset = await client.clockOffset().catch(() => null);
    const off =
      offset === null
        ? ''
        : `This computer's clock is ${seconds(offset)} ${offset > 0 ? 'behind' : 'ahead of'} ${client.name}'s. `;
    return result({
      ok: false,
      problem: 'clock-skew',
      message: `${off}${err.message}`,
      clockOffsetMs: offset,
      canSyncClock: err.canSyncClock && client.capabilities.clockSync,
    });
  } finally {
    await client.close().catch(() => {});
  }
}

/** ": <reason>" when the error says something readable, nothing when it is a raw response body. */
function plainReason(err: unknown): string {
  const text = (err instanceof Error ? err.message : String(err)).trim();
  if (text === '' || /[{}[\]]/.test(text) || text.length > 160) return '';
  return ` (${text.replace(/[.\s]+$/, '')})`;
}

import ccxt, { type Exchange } from 'ccxt';
import { describe, expect, it } from 'vitest';
import {
  READ_CALLS,
  ReadOnlyRefusedError,
  restrictToReadCalls,
} from '../../../src/main/core/account/read-only-allowlist';
import { guardKeyedTransport } from '../../../src/main/core/exchange/host-guard';
import { canaryForms } from '../../support/canary';

const CREDENTIALS = [
  'apiKey',
  'secret',
  'uid',
  'login',
  'password',
  'twofa',
  'privateKey',
  'walletAddress',
  'token',
];
const canary = (field: string) => `CANARY${field.toUpperCase()}7f3a9c2e5b1d4f6a8c0e2b4d6f8a1c3e`;

type Sent = { url: string; headers: string; body: string };
type Endpoint = { api: string | string[]; method: string; path: string; config: object };

/**
 * A keyed instance as the account client builds it, whose transport is a recorder: ccxt hands every
 * request to `fetchImplementation` once it is signed, so nothing below it can leave the process.
 * Each credential is an accessor that notes when ccxt's sign reads it with a value (a signature being made).
 */
function keyedInstance(id: string): { ex: Exchange; sent: Sent[]; reads: string[] } {
  const Ctor = (ccxt.pro as unknown as Record<string, new (c: object) => Exchange>)[id]!;
  const sent: Sent[] = [];
  const reads: string[] = [];
  const ex = new Ctor({ enableRateLimit: false });
  const target = ex as unknown as Record<string, unknown> & { sign(...a: unknown[]): unknown };
  // Reads count only while ccxt's own sign runs (under whatever the guard wraps around it).
  let signing = false;
  const sign = target.sign.bind(ex);
  target.sign = (...args: unknown[]) => {
    signing = true;
    try {
      return sign(...args);
    } finally {
      signing = false;
    }
  };
  for (const field of CREDENTIALS) {
    let value: unknown = canary(field);
    Object.defineProperty(ex, field, {
      configurable: true,
      get() {
        if (signing && value !== undefined) reads.push(field);
        return value;
      },
      set(v) {
        value = v;
      },
    });
  }
  target['fetchImplementation'] = (url: string, init: { headers?: object; body?: unknown }) => {
    sent.push({ url, headers: JSON.stringify(init.headers ?? {}), body: String(init.body ?? '') });
    return Promise.reject(new TypeError('no network in this test'));
  };
  restrictToReadCalls(ex);
  guardKeyedTransport(ex, id);
  return { ex, sent, reads };
}

/** Every implicit REST endpoint of an instance, read from its API definition as ccxt's defineRestApi walks it. */
function endpoints(api: unknown, paths: string[] = []): Endpoint[] {
  const out: Endpoint[] = [];
  for (const [key, value] of Object.entries((api ?? {}) as Record<string, unknown>)) {
    if (/^(get|post|put|delete|head|patch)$/i.test(key)) {
      const list = Array.isArray(value)
        ? value.map((p: string) => [p, {}] as const)
        : Object.entries(value as object);
      for (const [path, config] of list) {
        out.push({
          api: paths.length > 1 ? paths : paths[0]!,
          method: key.toUpperCase(),
          path: String(path).trim(),
          config: typeof config === 'object' ? (config as object) : { cost: config },
        });
      }
    } else {
      out.push(...endpoints(value, [...paths, key]));
    }
  }
  return out;
}

describe('read-only by allowlist', () => {
  it('lets no implicit endpoint of any exchange in ccxt.pro be signed with the key, or sent', async () => {
    let walked = 0;
    const leaks: string[] = [];
    for (const id of (ccxt.pro as unknown as { exchanges: string[] }).exchanges) {
      const { ex, sent, reads } = keyedInstance(id);
      const request = (ex as unknown as { request: (...a: unknown[]) => Promise<unknown> }).request.bind(ex);
      for (const e of endpoints((ex as unknown as { api: unknown }).api)) {
        walked++;
        reads.length = 0;
        await request(e.path, e.api, e.method, {}, undefined, undefined, e.config).catch(() => undefined);
        if (reads.length > 0) leaks.push(`${id} ${e.method} ${e.path} read ${reads.join(',')}`);
      }
      const seen = sent.map((s) => s.url + s.headers + s.body).join('\n');
      for (const field of CREDENTIALS)
        for (const form of canaryForms(canary(field)))
          if (seen.includes(form)) leaks.push(`${id} sent ${field}`);
      if (sent.length > 0) leaks.push(`${id} sent ${sent.length} requests outside the read calls`);
    }
    // ccxt 4.5.84 defines tens of thousands of endpoints over its pro exchanges; a walk that saw
    // none would prove nothing.
    expect(walked).toBeGreaterThan(10_000);
    expect(leaks).toEqual([]);
  }, 120_000);

  it('refuses every other unified method (orders, funds, websocket orders) and says the exchange has none', async () => {
    const { ex, sent } = keyedInstance('binance');
    await expect(ex.createOrder('BTC/USDT', 'limit', 'buy', 1, 1)).rejects.toThrow(ReadOnlyRefusedError);
    await expect(ex.cancelOrder('1', 'BTC/USDT')).rejects.toThrow(ReadOnlyRefusedError);
    await expect(ex.cancelAllOrdersWs('BTC/USDT')).rejects.toThrow(ReadOnlyRefusedError);
    await expect(ex.withdraw('BTC', 1, 'addr')).rejects.toThrow(ReadOnlyRefusedError);
    await expect(ex.transfer('USDT', 1, 'spot', 'future')).rejects.toThrow(ReadOnlyRefusedError);
    await expect(ex.setLeverage(5, 'BTC/USDT:USDT')).rejects.toThrow(ReadOnlyRefusedError);
    await expect(ex.fetchDeposits()).rejects.toThrow(/read-only.*binance\.fetchDeposits/);
    expect(ex.has['createOrder']).toBe(false);
    expect(ex.has['createOrderWs']).toBe(false);
    expect(ex.has['fetchBalance']).toBe(true);
    expect(ex.has['watchMyTrades']).toBe(true);
    expect(sent).toEqual([]);
  });

  it("refuses the endpoints the keyword lock let through, by name (the issue's list)", async () => {
    const { ex, sent, reads } = keyedInstance('binance');
    const implicit = ex as unknown as Record<string, (params?: object) => Promise<unknown>>;
    for (const name of [
      'sapiPostGiftcardCreateCode',
      'sapiPostAssetDust',
      'sapiPostBswapSwap',
      'sapiPostLendingAutoInvestOneOff',
      'privatePostOrder',
    ]) {
      await expect(implicit[name]!({})).rejects.toThrow();
    }
    expect(reads).toEqual([]);
    expect(sent).toEqual([]);
  });

  it('signs and sends the allowlisted reads, with the key, to the exchange', async () => {
    const { ex, sent, reads } = keyedInstance('binance');
    ex.options['fetchCurrencies'] = false;
    const permissions = (ex as unknown as { sapiGetAccountApiRestrictions(): Promise<unknown> })
      .sapiGetAccountApiRestrictions;
    await expect(permissions()).rejects.toThrow(/fetch failed/);
    expect(reads).toContain('apiKey');
    expect(sent).toHaveLength(1);
    expect(sent[0]!.url).toMatch(/^https:\/\/api\.binance\.com\/sapi\/v1\/account\/apiRestrictions\?/);
    expect(sent[0]!.headers).toContain(canary('apiKey'));
    expect(READ_CALLS).toContain('fetchBalance');
  });
});

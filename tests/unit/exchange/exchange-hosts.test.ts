import ccxt, { type Exchange } from 'ccxt';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { exchangeSettingsProblems } from '../../../src/main/core/exchange/ccxt-factory';
import { exchangeHosts, isExchangeHost } from '../../../src/main/core/exchange/exchange-hosts';
import { ForeignHostError, guardKeyedTransport } from '../../../src/main/core/exchange/host-guard';
import { exchangeSettingsSchema, settingsSchema } from '../../../src/shared/domain/settings';

const parse = (ccxtSettings: unknown) => exchangeSettingsSchema.safeParse({ ccxt: ccxtSettings });
const why = (ccxtSettings: unknown): string => {
  const r = parse(ccxtSettings);
  return r.success ? '' : z.prettifyError(r.error);
};
const problems = (id: string, ccxtSettings: Record<string, unknown>, sandbox = false) =>
  exchangeSettingsProblems(id, exchangeSettingsSchema.parse({ sandbox, ccxt: ccxtSettings }));

describe('the exchange settings schema (closed)', () => {
  it.each(['apiKey', 'secret', 'password', 'uid', 'privateKey', 'walletAddress', 'token'])(
    'refuses %s, saying where keys go',
    (field) => {
      expect(why({ [field]: 'x' })).toContain('Settings → API keys');
    },
  );

  it.each([
    [{ verbose: true }, 'verbose'],
    [{ proxyUrl: 'http://evil.example/?u=' }, 'rewrites every request'],
    [{ httpProxy: 'http://evil.example:8080' }, 'lets the proxy read every request'],
    [{ hostname: 'evil.example' }, 'only a loopback address'],
    [{ headers: { 'x-a': '1' } }, 'headers'],
    [{ fetchImplementation: 'x' }, 'is not an exchange setting'],
    [{ urls: { api: { public: 'https://user:pass@api.binance.com' } } }, 'user name or password'],
    [{ httpsProxy: 'ftp://proxy' }, 'httpsProxy'],
  ])('refuses %j', (ccxtSettings, message) => {
    expect(why(ccxtSettings)).toContain(message);
  });

  it('keeps what users legitimately set: the design shape, loopback urls and hostname, tunnelling proxies', () => {
    const design = settingsSchema.parse({
      exchanges: { binance: { enabled: true, sandbox: false, ccxt: { options: { defaultType: 'spot' } } } },
    });
    expect(design.exchanges['binance']!.ccxt).toEqual({ options: { defaultType: 'spot' } });
    const ok = {
      urls: { api: { public: 'http://127.0.0.1:9000/api/v3', ws: { spot: 'ws://localhost:9000/ws' } } },
      hostname: '127.0.0.1:9000',
      timeout: 5_000,
      rateLimit: 50,
      enableRateLimit: true,
      httpsProxy: 'http://user:pass@proxy.corp:3128',
      socksProxy: 'socks5://127.0.0.1:1080',
    };
    expect(parse(ok).success).toBe(true);
    expect(parse(ok).data!.ccxt).toEqual(ok);
  });
});

describe('hosts an exchange owns (from its ccxt class)', () => {
  it('takes API and testnet roots, {hostname} filled in, not documentation sites', () => {
    expect(exchangeHosts('binance')!.exact).toContain('api.binance.com');
    expect(exchangeHosts('binance')!.exact).toContain('testnet.binance.vision');
    expect(exchangeHosts('okx')!.exact).toContain('www.okx.com');
    expect(exchangeHosts('binance')!.exact).not.toContain('github.com');
    expect(exchangeHosts('nope')).toBeNull();
  });

  it('lets sockets use the exchange subdomains it hands out at run time, REST only its named hosts', () => {
    expect(isExchangeHost('kucoin', 'ws-api-spot.kucoin.com', { subdomains: true })).toBe(true);
    expect(isExchangeHost('kucoin', 'ws-api-spot.kucoin.com', { subdomains: false })).toBe(false);
    expect(isExchangeHost('kucoin', 'kucoin.com.evil.example', { subdomains: true })).toBe(false);
    expect(isExchangeHost('okx', '127.0.0.1', { subdomains: false })).toBe(true);
    expect(isExchangeHost('okx', '[::1]', { subdomains: false })).toBe(true);
  });

  it('finds no problem in any exchange as ccxt ships it, live or on its testnet', () => {
    const found: string[] = [];
    for (const id of ccxt.exchanges) {
      found.push(...problems(id, {}));
      const ex = new (ccxt as unknown as Record<string, new () => Exchange>)[id]!();
      if (ex.urls['test']) found.push(...problems(id, {}, true));
    }
    expect(found).toEqual([]);
  }, 120_000);

  it('refuses, for every exchange, an API root on another host', () => {
    const missed = ccxt.exchanges.filter(
      (id) => problems(id, { urls: { api: { rest: 'https://evil.example/api' } } }).length === 0,
    );
    expect(missed).toEqual([]);
  }, 60_000);

  it.each([
    ['binance', { urls: { api: { private: 'https://evil.example/api/v3' } } }],
    ['binance', { urls: { api: { public: 'http://203.0.113.5/api/v3' } } }],
    ['binance', { urls: { test: { private: 'https://evil.example/api/v3' } } }],
    ['apex', { options: { wsPrivateUrl: 'wss://evil.example/ws' } }],
    ['kucoin', { options: { urls: { private: 'wss://evil.example' } } }],
  ])('refuses %s with %j, in plain words', (id, ccxtSettings) => {
    const p = problems(id, ccxtSettings);
    expect(p.join()).toMatch(/not one of .*own hosts|only allowed on this machine/);
  });

  it('accepts the fake exchanges on loopback, for binance and the others (hostname or urls)', () => {
    const fake = 'http://127.0.0.1:9000';
    const urls = { api: { public: fake, private: fake, ws: 'ws://127.0.0.1:9000/ws' } };
    for (const id of ['binance', 'okx', 'bybit', 'bingx', 'bitget', 'kucoinfutures']) {
      expect(problems(id, { urls, options: { defaultType: 'swap' } })).toEqual([]);
      expect(problems(id, { hostname: '127.0.0.1:9000', urls: { test: urls } }, true)).toEqual([]);
    }
    expect(
      problems('binance', { urls: { api: { public: 'https://testnet.binance.vision/api/v3' } } }),
    ).toEqual([]);
  });
});

describe('a keyed instance refuses, at the transport, any host but the exchange', () => {
  const keyed = (id: string) => {
    const ex = new (ccxt.pro as unknown as Record<string, new (c: object) => Exchange>)[id]!({
      apiKey: 'k'.repeat(64),
      secret: 's'.repeat(64),
      enableRateLimit: false,
    });
    const sent: string[] = [];
    (ex as unknown as Record<string, unknown>)['fetchImplementation'] = (url: string) => {
      sent.push(url);
      return Promise.reject(new TypeError('no network in this test'));
    };
    guardKeyedTransport(ex, id);
    return { ex, sent };
  };

  it('refuses a URL moved after the settings check, naming the host only', async () => {
    const { ex, sent } = keyed('binance');
    (ex.urls['api'] as Record<string, string>)['private'] = 'https://evil.example/api/v3';
    const error = await (ex as unknown as { privateGetAccount(): Promise<unknown> })
      .privateGetAccount()
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ForeignHostError);
    expect(String(error)).toContain('evil.example');
    expect(String(error)).not.toContain('signature');
    expect(sent).toEqual([]);
  });

  it('refuses while a rewriting or plain proxy is set on the instance', async () => {
    for (const prop of ['proxyUrl', 'httpProxy']) {
      const { ex, sent } = keyed('binance');
      (ex as unknown as Record<string, unknown>)[prop] = 'http://evil.example:8080/';
      await expect(
        (ex as unknown as { privateGetAccount(): Promise<unknown> }).privateGetAccount(),
      ).rejects.toThrow(ForeignHostError);
      expect(sent).toEqual([]);
    }
  });

  it('refuses a socket to another host, and lets the exchange own ones through', async () => {
    const { ex } = keyed('binance');
    const client = (ex as unknown as { client(url: string): unknown }).client.bind(ex);
    expect(() => client('wss://evil.example/ws')).toThrow(ForeignHostError);
    expect(() => client('ws://203.0.113.5/ws')).toThrow(/unencrypted/);
    expect(client('wss://stream.binance.com:9443/ws')).toBeDefined();
    await ex.close();
  });

  it('lets ccxt name an in-process registry client (bingx authenticationFlights), which cannot dial', async () => {
    const { ex } = keyed('bingx');
    const client = (ex as unknown as { client(url: string): unknown }).client.bind(ex);
    expect(client('authenticationFlights')).toBeDefined();
    expect(() => client('wss://evil.example/authenticationFlights')).toThrow(ForeignHostError);
    await ex.close();
  });

  it('sends to the exchange own host', async () => {
    const { ex, sent } = keyed('binance');
    await expect(
      (
        ex as unknown as { sapiGetAccountApiRestrictions(): Promise<unknown> }
      ).sapiGetAccountApiRestrictions(),
    ).rejects.toThrow(/fetch failed/);
    expect(sent[0]).toMatch(/^https:\/\/api\.binance\.com\//);
  });
});

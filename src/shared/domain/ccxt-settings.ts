import { z } from 'zod';
import { hasUserInfo, isLoopbackHost, parseUrl } from '../net-address';
import { secretFieldSchema } from './credentials';

/**
 * The per-exchange `ccxt` settings: a closed list of what a user legitimately sets, documented in
 * docs/config.md. The instance that signs with the user's keys is built from these, so nothing here
 * may carry a key, print one, or send requests anywhere but the exchange's own hosts. This schema
 * refuses by name and shape; which hosts an exchange owns is only known to ccxt, so the core checks
 * the URLs against them when the settings are saved (core/exchange/exchange-hosts.ts).
 */

/** Credentials (ccxt's names and the aliases some exchanges use): they live in the encrypted store, entered under Settings → API keys. */
const CREDENTIAL_KEYS = [...secretFieldSchema.options, 'accountId', 'api_key', 'apiSecret'];

/** Why each refused setting is refused, in words the user can act on. */
const REFUSED: Record<string, string> = {
  ...Object.fromEntries(
    CREDENTIAL_KEYS.map((k) => [
      k,
      `API keys never go in the exchange settings: enter "${k}" under Settings → API keys, where it is stored encrypted`,
    ]),
  ),
  verbose: '"verbose" makes ccxt print every request with its headers, API key included: it is not available',
  proxyUrl:
    '"proxyUrl" rewrites every request (API key included) to another server: use "httpsProxy" or "socksProxy", which tunnel TLS to the exchange',
  proxy_url: '"proxy_url" rewrites every request to another server: use "httpsProxy" or "socksProxy"',
  proxy: '"proxy" rewrites every request to another server: use "httpsProxy" or "socksProxy"',
  httpProxy:
    '"httpProxy" lets the proxy read every request, API key included: use "httpsProxy" or "socksProxy", which tunnel TLS to the exchange',
  http_proxy: '"http_proxy" lets the proxy read every request: use "httpsProxy" or "socksProxy"',
  wsProxy: '"wsProxy" lets the proxy read the socket: use "wssProxy" or "wsSocksProxy"',
  headers: '"headers" is not available: extra headers would go out with every signed request',
};
for (const k of ['proxyUrlCallback', 'httpProxyCallback', 'httpsProxyCallback', 'socksProxyCallback'])
  REFUSED[k] = `"${k}" is a function and cannot be saved: use "httpsProxy" or "socksProxy"`;

/** Any JSON value under `urls`: nested objects whose leaves are URL strings. */
type UrlTree = string | { [key: string]: UrlTree };
const urlTreeSchema: z.ZodType<UrlTree> = z.lazy(() =>
  z.union([z.string().max(2_000), z.record(z.string(), urlTreeSchema)]),
);

/** A tunnelling proxy's own address: whoever runs it sees only encrypted bytes. */
const proxyAddress = (schemes: readonly string[], what: string) =>
  z
    .string()
    .trim()
    .max(2_000)
    .refine(
      (s) => {
        const u = parseUrl(s);
        return u !== null && schemes.includes(u.protocol);
      },
      `${what} must be a URL starting with ${schemes.map((p) => `${p}//`).join(' or ')}`,
    );

const HTTPS_PROXY = ['http:', 'https:'];
const SOCKS_PROXY = ['socks:', 'socks4:', 'socks4a:', 'socks5:', 'socks5h:'];

const shape = {
  /** ccxt's per-exchange options (defaultType, fetchMarkets types, …); URLs in them are checked like `urls` */
  options: z.record(z.string(), z.unknown()).optional(),
  /** the exchange's API roots: a testnet, a local fake exchange (loopback), the exchange's other hosts */
  urls: z.record(z.string(), urlTreeSchema).optional(),
  /** ccxt's `{hostname}` in the exchange's URLs: only a loopback address is accepted */
  hostname: z
    .string()
    .trim()
    .max(300)
    .refine(
      (h) => isLoopbackHost(h.replace(/:\d+$/, '')),
      '"hostname" sends every request to another host: only a loopback address (127.0.0.1) is accepted here',
    )
    .optional(),
  enableRateLimit: z.boolean().optional(),
  /** milliseconds between requests */
  rateLimit: z.number().positive().max(60_000).optional(),
  /** milliseconds before a request times out */
  timeout: z.number().int().min(1_000).max(120_000).optional(),
  httpsProxy: proxyAddress(HTTPS_PROXY, '"httpsProxy"').optional(),
  socksProxy: proxyAddress(SOCKS_PROXY, '"socksProxy"').optional(),
  wssProxy: proxyAddress(HTTPS_PROXY, '"wssProxy"').optional(),
  wsSocksProxy: proxyAddress(SOCKS_PROXY, '"wsSocksProxy"').optional(),
  // The built-in `sim` exchange has no ccxt: its knobs live here (checked by simOptionsSchema).
  seed: z.number().int().optional(),
  tickMs: z.number().int().optional(),
  symbols: z.array(z.string().max(60)).max(1_000).optional(),
};

export const CCXT_SETTING_NAMES = Object.keys(shape);

export const ccxtSettingsSchema = z
  .looseObject(shape)
  .superRefine((value, ctx) => {
    for (const key of Object.keys(value)) {
      if (key in shape) continue;
      ctx.addIssue({
        code: 'custom',
        path: [key],
        message:
          REFUSED[key] ??
          `"${key}" is not an exchange setting Candlewatch passes to ccxt (it takes ${CCXT_SETTING_NAMES.join(', ')})`,
      });
    }
    for (const { path, url } of urlStrings(value, [])) {
      const u = parseUrl(url);
      if (u && hasUserInfo(u))
        ctx.addIssue({ code: 'custom', path, message: 'a URL must not carry a user name or password' });
    }
  })
  .transform((value) => {
    // Only the listed settings leave this schema (an unknown key already failed above).
    const out: Record<string, unknown> = {};
    for (const key of CCXT_SETTING_NAMES) if (value[key] !== undefined) out[key] = value[key];
    return out as { [K in keyof typeof shape]?: z.output<(typeof shape)[K]> };
  });

export type CcxtSettings = z.output<typeof ccxtSettingsSchema>;

/** Every string in the settings that is an absolute URL, with where it is (proxies excepted). */
export function urlStrings(
  value: unknown,
  path: (string | number)[],
): { path: (string | number)[]; url: string }[] {
  if (typeof value === 'string') return /^[a-z][a-z0-9+.-]*:\/\//i.test(value) ? [{ path, url: value }] : [];
  if (Array.isArray(value)) return value.flatMap((v, i) => urlStrings(v, [...path, i]));
  if (value && typeof value === 'object') {
    return Object.entries(value).flatMap(([k, v]) =>
      path.length === 0 && PROXY_KEYS.has(k) ? [] : urlStrings(v, [...path, k]),
    );
  }
  return [];
}

const PROXY_KEYS = new Set(['httpsProxy', 'socksProxy', 'wssProxy', 'wsSocksProxy']);

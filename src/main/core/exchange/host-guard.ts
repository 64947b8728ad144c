import type { Exchange } from 'ccxt';
import { addressKind, bareHost, parseUrl } from '../../../shared/net-address';
import { isExchangeHost } from './exchange-hosts';

/** Thrown instead of sending a keyed instance's request anywhere but the exchange (or loopback). */
export class ForeignHostError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ForeignHostError';
  }
}

/**
 * ccxt properties that rewrite or read every request on its way: `proxyUrl` prefixes the URL with
 * another server's, a plain HTTP proxy sees the request in the clear. Refused in the settings; a
 * keyed instance also refuses to send while any is set, whoever set it.
 */
const REWRITING_PROXIES = [
  'proxyUrl',
  'proxy_url',
  'proxyUrlCallback',
  'proxy_url_callback',
  'proxy',
  'httpProxy',
  'http_proxy',
  'httpProxyCallback',
  'http_proxy_callback',
  'wsProxy',
  'ws_proxy',
];

type Transport = {
  fetch(url: string, method?: string, headers?: unknown, body?: unknown): Promise<unknown>;
  client(url: string): unknown;
};

/**
 * The second lock on a keyed instance, under the settings check: every REST request (`fetch`, which
 * ccxt calls with the signed URL, headers and body) and every socket (`client`) is checked at the
 * moment it would leave, whatever set the URL. Only the exchange's own hosts (as its ccxt class names
 * them) and loopback pass; sockets may also use the exchange's subdomains (endpoints handed out at
 * run time). The error names the host only: the URL may hold a signature or the key itself.
 */
export function guardKeyedTransport(ex: Exchange, id: string): void {
  const target = ex as unknown as Transport & Record<string, unknown>;
  const refusal = (url: string, socket: boolean): ForeignHostError | null => {
    const proxy = REWRITING_PROXIES.find(
      (p) => target[p] !== undefined && target[p] !== null && target[p] !== '',
    );
    if (proxy)
      return new ForeignHostError(`${id}: refused to send a request with an API key through "${proxy}"`);
    const u = parseUrl(url);
    const host = u ? bareHost(u.hostname) : '';
    if (!u || !host)
      return new ForeignHostError(`${id}: refused a request with an API key to an unreadable URL`);
    if ((u.protocol === 'http:' || u.protocol === 'ws:') && addressKind(host) !== 'loopback')
      return new ForeignHostError(`${id}: refused to send a request with an API key unencrypted to ${host}`);
    if (!isExchangeHost(id, host, { subdomains: socket }))
      return new ForeignHostError(
        `${id}: refused to send a request with an API key to ${host}, which is not one of ${id}'s own hosts`,
      );
    return null;
  };
  const fetch = target.fetch.bind(ex);
  target.fetch = (url, ...rest) => {
    const refused = refusal(String(url), false);
    return refused ? Promise.reject(refused) : fetch(url, ...rest);
  };
  const client = target.client.bind(ex);
  target.client = (url) => {
    // ccxt 4.5.84's bingx authenticate keeps its single-flight listen-key request in a client named
    // 'authenticationFlights' (js/src/pro/bingx.js, authenticate) that is never dialed: a name without a scheme
    // cannot open a socket, so it carries nothing anywhere.
    if (!String(url).includes('://')) return client(url);
    const refused = refusal(String(url), true);
    if (refused) throw refused;
    return client(url);
  };
}

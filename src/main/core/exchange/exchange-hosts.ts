import type { Exchange } from 'ccxt';
import { urlStrings } from '../../../shared/domain/ccxt-settings';
import type { ExchangeSettings } from '../../../shared/domain/settings';
import { addressKind, bareHost, parseUrl } from '../../../shared/net-address';
import { findCcxtClass } from './ccxt-class';

/**
 * The hosts an exchange owns, as ccxt's class for it names them: its API roots (`urls.api`), its
 * testnet (`urls.test`) and demo roots, with `{hostname}` filled in. Documentation, fee and referral
 * pages are not API hosts and are left out (some point at shared sites such as GitHub).
 */
const API_URL_KEYS = ['api', 'test', 'demo', 'demotrading', 'api2', 'hostnames'];

/**
 * Platforms where anyone can get a subdomain: a host of the exchange under one of them does not make
 * the whole platform the exchange's.
 */
const SHARED_PLATFORMS = [
  'amazonaws.com',
  'cloudfront.net',
  'herokuapp.com',
  'github.io',
  'vercel.app',
  'netlify.app',
  'pages.dev',
  'workers.dev',
  'azurewebsites.net',
  'appspot.com',
  'web.app',
  'firebaseapp.com',
  'zendesk.com',
  'publicnode.com',
  'cdnhop.net',
];
/** Second-level labels under a country code that are registries, not owners (co.jp, com.au …). */
const REGISTRY_LABELS = new Set(['co', 'com', 'net', 'org', 'ac', 'gov', 'edu']);

export type ExchangeHosts = {
  /** every host named by the class, lowercase */
  exact: ReadonlySet<string>;
  /** the registrable domains of those hosts (kucoin.com …), for endpoints the exchange hands out at run time */
  domains: ReadonlySet<string>;
};

const cache = new Map<string, ExchangeHosts>();

/** Where a URL string of ccxt's points, `{hostname}` filled in; null when it is not a URL or host. */
function hostOf(text: string, hostname: unknown): string | null {
  const filled = typeof hostname === 'string' ? text.replaceAll('{hostname}', hostname) : text;
  const u = parseUrl(filled.includes('://') ? filled : `https://${filled}`);
  return u && u.hostname ? bareHost(u.hostname).toLowerCase() : null;
}

function collect(value: unknown, out: string[]): string[] {
  if (typeof value === 'string') out.push(value);
  else if (value && typeof value === 'object') for (const v of Object.values(value)) collect(v, out);
  return out;
}

/** The URL strings of an instance's API roots (not docs or fee pages). */
export function apiUrlStrings(ex: Exchange): string[] {
  const urls = (ex.urls ?? {}) as Record<string, unknown>;
  return API_URL_KEYS.flatMap((k) => collect(urls[k], []));
}

function registrableDomain(host: string): string | null {
  const labels = host.split('.');
  if (labels.length < 2) return null;
  const take =
    labels.length >= 3 && REGISTRY_LABELS.has(labels.at(-2)!) && labels.at(-1)!.length === 2 ? 3 : 2;
  const domain = labels.slice(-take).join('.');
  return SHARED_PLATFORMS.includes(domain) ? null : domain;
}

/** The hosts of an exchange id (cached: building a ccxt instance costs milliseconds); null when ccxt has no such exchange. */
export function exchangeHosts(id: string): ExchangeHosts | null {
  const hit = cache.get(id);
  if (hit) return hit;
  const Ctor = findCcxtClass(id);
  if (!Ctor) return null;
  const ex = new Ctor();
  const exact = new Set<string>();
  for (const text of apiUrlStrings(ex)) {
    const host = hostOf(text, ex.hostname);
    if (host && addressKind(host) === 'name') exact.add(host);
  }
  const domains = new Set<string>();
  for (const host of exact) {
    const d = registrableDomain(host);
    if (d) domains.add(d);
  }
  const hosts = { exact, domains };
  cache.set(id, hosts);
  return hosts;
}

/**
 * Whether a request of a keyed instance may go to this host: loopback (the user's machine, the
 * tests' fake exchanges), one of the exchange's own hosts, or — for sockets, whose addresses some
 * exchanges hand out at run time (KuCoin's bullet endpoint names ws-api-spot.kucoin.com) — a
 * subdomain of the exchange's own domains.
 */
export function isExchangeHost(id: string, hostname: string, opts: { subdomains: boolean }): boolean {
  const host = bareHost(hostname).toLowerCase().replace(/\.$/, '');
  if (addressKind(host) === 'loopback') return true;
  const hosts = exchangeHosts(id);
  if (!hosts) return false;
  if (hosts.exact.has(host)) return true;
  if (!opts.subdomains) return false;
  return [...hosts.domains].some((d) => host === d || host.endsWith(`.${d}`));
}

/** Plain http:// and ws:// carry everything readable: only on this machine. */
const PLAIN = new Set(['http:', 'ws:']);

/**
 * Why these settings would send an exchange's requests somewhere else, in plain words; empty when
 * they do not. Checked on the instance ccxt builds from them (sandbox applied, `{hostname}` filled
 * in), so whatever key moves a URL is caught, plus every other URL string the settings hold.
 */
export function foreignHostProblems(id: string, settings: ExchangeSettings, build: () => Exchange): string[] {
  if (!exchangeHosts(id)) return [];
  const problems = new Set<string>();
  const check = (text: string, hostname: unknown) => {
    const host = hostOf(text, hostname);
    if (host === null) return;
    const u = parseUrl(text.includes('://') ? text : `https://${text}`);
    if (u && PLAIN.has(u.protocol) && addressKind(host) !== 'loopback') {
      problems.add(
        `${id}: plain "${u.protocol}//${u.host}" is only allowed on this machine (127.0.0.1 or localhost); use https:// or wss://`,
      );
    } else if (!isExchangeHost(id, host, { subdomains: false })) {
      problems.add(
        `${id}: "${host}" is not one of ${id}'s own hosts (nor this machine): requests with your API key must only go to the exchange`,
      );
    }
  };
  for (const { url } of urlStrings(settings.ccxt, [])) check(url, undefined);
  let ex: Exchange;
  try {
    ex = build();
  } catch {
    // A setting ccxt itself refuses is reported when the exchange starts; here only hosts matter.
    return [...problems];
  }
  for (const text of apiUrlStrings(ex)) check(text, ex.hostname);
  return [...problems];
}

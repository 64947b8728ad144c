import ccxt, { type Exchange } from 'ccxt';
import type { ExchangeSettings } from '../../../shared/domain/settings';
import { MarketDataError } from '../base/classify-error';
import { applyQuirks, quirksOf } from './exchange-quirks';

type ExchangeConstructor = new (config: Record<string, unknown>) => Exchange;

/**
 * Defaults laid under the user's `ccxt` options (theirs win, key by key):
 * - our watch loops pace reconnects with their own jittered backoff, so ccxt's per-url reconnect
 *   backoff (up to 60 s, added on top of ours) is turned off;
 * - the candle cache per series is kept short: the feed reads it on every wake and backfills over
 *   REST whatever scrolled out, so 1,000 candles × hundreds of series would only cost memory.
 */
const DEFAULTS: Record<string, unknown> = {
  enableRateLimit: true,
  options: { OHLCVLimit: 100, ws: { backoff: { base: 0 } } },
};

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '::1', '[::1]']);

/**
 * One ccxt instance for an exchange id: `ccxt.pro` when the exchange has websockets, plain ccxt
 * (REST polling) otherwise. `settings.ccxt` goes to the constructor as is.
 */
export function createCcxtExchange(id: string, settings: ExchangeSettings): Exchange {
  const pro = (ccxt.pro as unknown as Record<string, ExchangeConstructor | undefined>)[id];
  const rest = (ccxt as unknown as Record<string, unknown>)[id];
  const Ctor = pro ?? (ccxt.exchanges.includes(id) ? (rest as ExchangeConstructor) : undefined);
  if (!Ctor) {
    throw new MarketDataError(
      'not-supported',
      `"${id}" is not an exchange ccxt knows; ids are lowercase, like binance, bybit, okx, kucoin`,
    );
  }
  refusePlainRemoteUrls(id, settings.ccxt['urls']);
  const { ccxtOptions } = quirksOf(id);
  const defaults = ccxtOptions ? deepMerge(DEFAULTS, { options: ccxtOptions }) : DEFAULTS;
  const ex = new Ctor(deepMerge(defaults, settings.ccxt));
  applyQuirks(id, ex);
  if (settings.sandbox) {
    try {
      ex.setSandboxMode(true);
    } catch {
      throw new MarketDataError(
        'not-supported',
        `${id} has no sandbox (testnet) in ccxt; turn "sandbox" off`,
      );
    }
  }
  return ex;
}

/** True when some URL of the instance is plain ws:// (ccxt then needs an http agent to dial it). */
export function usesPlainWebsocket(ex: Exchange): boolean {
  return collectStrings(ex.urls).some((u) => u.startsWith('ws://'));
}

/**
 * Plain http:// and ws:// are for a test or proxy on this machine only: anywhere else they would
 * carry market data (and later signed requests) unencrypted.
 */
function refusePlainRemoteUrls(id: string, urls: unknown): void {
  for (const u of collectStrings(urls)) {
    if (!/^(http|ws):\/\//i.test(u)) continue;
    let host = '';
    try {
      host = new URL(u).hostname;
    } catch {
      throw new MarketDataError('rejected', `${id}: "${u}" is not a valid URL`);
    }
    if (!LOOPBACK_HOSTS.has(host)) {
      throw new MarketDataError(
        'rejected',
        `${id}: plain "${u.split('?')[0]}" is only allowed on this machine (127.0.0.1 or localhost); use https:// or wss://`,
      );
    }
  }
}

function collectStrings(value: unknown, out: string[] = []): string[] {
  if (typeof value === 'string') out.push(value);
  else if (value && typeof value === 'object') for (const v of Object.values(value)) collectStrings(v, out);
  return out;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function deepMerge(
  base: Record<string, unknown>,
  over: Record<string, unknown>,
): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(over)) {
    const b = out[k];
    out[k] = isPlainObject(b) && isPlainObject(v) ? deepMerge(b, v) : v;
  }
  return out;
}

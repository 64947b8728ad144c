import type { Exchange } from 'ccxt';
import type { ExchangeSettings } from '../../../shared/domain/settings';
import { MarketDataError } from '../base/classify-error';
import { findCcxtClass, unknownExchangeMessage, type ExchangeConstructor } from './ccxt-class';
import { foreignHostProblems } from './exchange-hosts';
import { applyQuirks, quirksOf } from './exchange-quirks';

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

/**
 * One ccxt instance for an exchange id: `ccxt.pro` when the exchange has websockets, plain ccxt
 * (REST polling) otherwise. `settings.ccxt` (already a closed list, see ccxt-settings.ts) goes to the
 * constructor, then `extra` (what the core itself sets: credentials, account options). Settings that
 * would send requests to a host other than the exchange's own are refused here too, so a row written
 * before they were refused on save never reaches the network.
 */
export function createCcxtExchange(
  id: string,
  settings: ExchangeSettings,
  extra: Record<string, unknown> = {},
): Exchange {
  const Ctor = findCcxtClass(id);
  if (!Ctor) throw new MarketDataError('not-supported', unknownExchangeMessage(id));
  const ex = buildInstance(Ctor, id, settings, extra);
  const problems = foreignHostProblems(id, settings, () => ex);
  if (problems.length > 0) throw new MarketDataError('rejected', problems.join('; '));
  return ex;
}

/** Why these exchange settings cannot be saved (hosts that are not the exchange's); empty when fine. */
export function exchangeSettingsProblems(id: string, settings: ExchangeSettings): string[] {
  const Ctor = findCcxtClass(id);
  if (!Ctor) return [];
  return foreignHostProblems(id, settings, () => buildInstance(Ctor, id, settings, {}));
}

function buildInstance(
  Ctor: ExchangeConstructor,
  id: string,
  settings: ExchangeSettings,
  extra: Record<string, unknown>,
): Exchange {
  const { ccxtOptions } = quirksOf(id);
  const defaults = ccxtOptions ? deepMerge(DEFAULTS, { options: ccxtOptions }) : DEFAULTS;
  const ex = new Ctor(deepMerge(deepMerge(defaults, settings.ccxt), extra));
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

import type { ExchangeCapabilities } from '../../../shared/domain/exchange';
import { quirksOf } from './exchange-quirks';

/** Timeframes the engine can build from 1m when an exchange does not serve them. */
export const AGGREGATABLE_TIMEFRAMES = [
  '1m',
  '3m',
  '5m',
  '15m',
  '30m',
  '1h',
  '2h',
  '4h',
  '6h',
  '8h',
  '12h',
  '1d',
];

/**
 * Exchanges whose candle streams push a flat candle for every interval, traded or not (Binance's
 * kline streams send an update each second, `x: true` once at the period's end). Every other
 * exchange is assumed to skip intervals without trades — the safe side: a quiet stream then
 * closes its candle soon after the boundary and confirms it over REST.
 */
const PUSHES_EMPTY_INTERVALS = new Set(['binance', 'binanceus', 'binanceusdm', 'binancecoinm']);

/** The subset of a ccxt instance the capability record is read from. */
export type CcxtCapabilitySource = {
  id?: string;
  has: Record<string, unknown>;
  timeframes?: Record<string, unknown> | undefined;
  features?: unknown;
  options?: Record<string, unknown>;
};

export function capabilitiesFromCcxt(
  ex: CcxtCapabilitySource,
  exchangeId = String(ex.id ?? ''),
): ExchangeCapabilities {
  const timeframes = Object.keys(ex.timeframes ?? {});
  return {
    websocketOhlcv: ex.has['watchOHLCV'] === true,
    multiSymbolOhlcv: ex.has['watchOHLCVForSymbols'] === true,
    unwatch: ex.has['unWatchOHLCV'] === true,
    timeframes,
    aggregatedTimeframes: aggregatedTimeframes(timeframes),
    websocketTicker: ex.has['watchTicker'] === true,
    websocketOrderBook: ex.has['watchOrderBook'] === true,
    websocketTrades: ex.has['watchTrades'] === true,
    orderBook: ex.has['watchOrderBook'] === true || ex.has['fetchOrderBook'] === true,
    // ccxt parses Binance's kline `x` (closed) flag but drops it; no ccxt exchange hands it over.
    closedFlag: false,
    emptyIntervals: PUSHES_EMPTY_INTERVALS.has(ex.id ?? '') ? 'pushed' : 'skipped',
    maxCandlesPerRequest: ohlcvLimit(ex) ?? 500,
    facts: quirksOf(exchangeId).facts,
  };
}

export function aggregatedTimeframes(native: readonly string[]): string[] {
  if (!native.includes('1m')) return [];
  return AGGREGATABLE_TIMEFRAMES.filter((tf) => !native.includes(tf));
}

/** ccxt's `features` tree states the REST candle limit per market type (spot, swap.linear, …). */
function ohlcvLimit(ex: CcxtCapabilitySource): number | undefined {
  const features = ex.features as Record<string, unknown> | undefined;
  if (!features) return undefined;
  const defaultType = typeof ex.options?.['defaultType'] === 'string' ? ex.options['defaultType'] : 'spot';
  const candidates = [
    features[defaultType],
    features['spot'],
    (features['swap'] as Record<string, unknown>)?.['linear'],
  ];
  for (const c of candidates) {
    const limit = ((c as Record<string, unknown> | undefined)?.['fetchOHLCV'] as Record<string, unknown>)?.[
      'limit'
    ];
    if (typeof limit === 'number' && limit > 0) return limit;
  }
  return undefined;
}

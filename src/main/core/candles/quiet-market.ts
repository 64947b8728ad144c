import { VOLUME, type Candle } from '../../../shared/domain/market';

/** The newest candle a stream has shown (SeriesCollector.newestSeen). */
export type SeenCandle = { openTime: number; candle: Candle | null };

/**
 * Whether REST candles (opening at or after `seen.openTime`) show trades the stream never
 * delivered: volume in a later candle, or more volume in the candle it showed forming. An exchange
 * that pushes nothing while nothing trades (OKX, BingX, KuCoin Futures) leaves a healthy stream
 * silent; only trades it missed make the silence a dead stream. A closed candle's own values are
 * not compared (it is stored and final): only what came after it.
 */
export function missedTrades(seen: SeenCandle | undefined, rest: readonly Candle[]): boolean {
  if (!seen) return rest.some((c) => c[VOLUME] > 0);
  return rest.some((c) => {
    if (c[0] > seen.openTime) return c[VOLUME] > 0;
    return c[0] === seen.openTime && seen.candle !== null && c[VOLUME] > seen.candle[VOLUME];
  });
}

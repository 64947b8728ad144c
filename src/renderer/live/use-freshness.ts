import type { StreamState } from '../../shared/domain/stream';
import { useSettings } from '../settings/SettingsProvider';
import { useMarket } from '../state/StoresProvider';
import { useCoreLink } from '../transport/TransportProvider';
import { freshness, symbolStreamStates, type Freshness } from './freshness';
import { useNow } from './use-now';

const DEFAULT_STALE_MS = 30_000;

/**
 * The freshness of one price on screen, re-evaluated every second: `seenKey` is where the market
 * store records its arrival (symbolKey for a ticker, series id for candles), `only` narrows the
 * streams it comes from (the chart's series; by default every market stream of the symbol).
 */
export function useFreshness(
  exchange: string,
  symbol: string,
  seenKey: string,
  only?: { kind: 'ticker' | 'orderbook' | 'trades' } | { seriesId: string },
  /** how long without an update reads as stale; by default the feed's stale timeout */
  staleAfter?: number,
): Freshness {
  const now = useNow();
  const coreOpen = useCoreLink() !== 'lost';
  const configured = useSettings()?.feed.staleTimeoutMs ?? DEFAULT_STALE_MS;
  const staleAfterMs = staleAfter ?? configured;
  const seenAt = useMarket((s) => s.seenAt[seenKey]);
  // Joined, so the selection compares by value and a tick elsewhere re-renders nothing here.
  const packed = useMarket((s) => symbolStreamStates(s.streams, exchange, symbol, only).join(','));
  const states = packed === '' ? [] : (packed.split(',') as StreamState[]);
  return freshness({ states, seenAt, now, staleAfterMs, coreOpen });
}

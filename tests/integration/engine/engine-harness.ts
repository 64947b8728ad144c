import { seriesId, type SeriesKey } from '../../../src/shared/domain/market';
import { defaultSettings, type Settings } from '../../../src/shared/domain/settings';
import type { StreamState } from '../../../src/shared/domain/stream';
import { ExchangeRegistry } from '../../../src/main/core/exchange/exchange-registry';
import { systemClock } from '../../../src/main/core/base/clock';
import { FeedService } from '../../../src/main/core/feed/feed-service';
import { silentLogger } from '../../../src/main/core/base/log';
import type { FakeExchange } from '../../support/fake-exchange';
import { MemoryCandles } from '../../support/memory-candles';

/**
 * The engine as the app builds it (exchange registry + feed, real clock, real ccxt.pro.binance)
 * with an in-memory store, pointed at the fake exchange.
 */
export function startEngine(fake: FakeExchange, watchlist: Settings['watchlist'], staleTimeoutMs = 3_000) {
  const log = silentLogger();
  const store = new MemoryCandles();
  const states = new Map<string, StreamState[]>();
  const feed = new FeedService({
    registry: new ExchangeRegistry({ clock: systemClock, log }),
    history: store,
    gaps: store,
    log,
    staleTimeoutMs,
    warmupCandles: 20,
  });
  feed.onCandles(store.write);
  feed.onState((s) => states.set(s.id, [...(states.get(s.id) ?? []), s.state]));
  const settings: Settings = {
    ...defaultSettings(),
    // JSON options, as a config file gives them: the engine must handle ws:// on loopback itself.
    exchanges: { binance: { enabled: true, sandbox: false, ccxt: fake.ccxtJsonConfig() } },
    watchlist,
    feed: { staleTimeoutMs },
  };
  return { feed, store, states, ready: feed.applySettings(settings) };
}

export async function until(what: string, condition: () => boolean, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise<void>((r) => setTimeout(r, 50));
  }
}

export const key = (symbol: string, timeframe: string): SeriesKey => ({
  exchange: 'binance',
  symbol,
  timeframe,
});
export const idOf = (symbol: string, timeframe: string) => seriesId(key(symbol, timeframe));

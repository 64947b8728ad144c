import { describe, expect, it } from 'vitest';
import { ExchangeRegistry } from '../../../src/main/core/exchange/exchange-registry';
import { FeedService } from '../../../src/main/core/feed/feed-service';
import type { SeriesDemand } from '../../../src/main/core/feed/rule-demand';
import { silentLogger } from '../../../src/main/core/base/log';
import { seriesId } from '../../../src/shared/domain/market';
import { defaultSettings } from '../../../src/shared/domain/settings';
import { FakeClock } from '../../support/fake-clock';
import { MemoryCandles } from '../../support/memory-candles';

const H = Date.UTC(2026, 0, 5, 12, 0, 0);

const demand = (...items: [symbol: string, timeframe: string, warmup: number][]) =>
  new Map<string, SeriesDemand>(
    items.map(([symbol, timeframe, warmup]) => {
      const key = { exchange: 'sim', symbol, timeframe };
      return [seriesId(key), { key, warmup }];
    }),
  );

/** A feed on the simulated exchange with a fake clock and an in-memory store. */
function simFeed() {
  const clock = new FakeClock(H + 500);
  const log = silentLogger();
  const store = new MemoryCandles();
  const feed = new FeedService({
    registry: new ExchangeRegistry({ clock, log }),
    history: store,
    gaps: store,
    log,
    clock,
    random: () => 0.5,
    warmupCandles: 5,
  });
  return { clock, store, feed };
}

describe('FeedService with rules owning their subscriptions', () => {
  it('streams what rules read beside the watchlist, with their warm-up, no ticker, and stops it when no rule reads it', async () => {
    const { clock, store, feed } = simFeed();
    feed.onCandles(store.write);
    const watchlist = [{ exchange: 'sim', symbol: 'BTC/USDT', timeframes: ['1m'] }];
    await feed.setRuleDemand(demand(['ETH/USDT', '5m', 30], ['BTC/USDT', '1m', 50]));
    await feed.applySettings({ ...defaultSettings(), watchlist });
    await clock.advance(2_000);
    const ids = () => feed.list().map((s) => `${s.id} ${s.state}`);
    expect(ids()).toEqual(['sim|BTC/USDT|1m live', 'sim|BTC/USDT|ticker live', 'sim|ETH/USDT|5m live']);
    // the rule's warm-up, not the feed's usual 5: 30 closed candles before the first live one
    expect(store.series({ exchange: 'sim', symbol: 'ETH/USDT', timeframe: '5m' })).toHaveLength(30);

    await feed.setRuleDemand(demand(['BTC/USDT', '1m', 50]));
    await clock.advance(1_000);
    expect(ids()).toEqual(['sim|BTC/USDT|1m live', 'sim|BTC/USDT|ticker live']);
    // the watchlist loses BTC: the rule keeps its candles streaming, the ticker goes
    await feed.applySettings({
      ...defaultSettings(),
      watchlist: [{ exchange: 'sim', symbol: 'SOL/USDT', timeframes: ['1m'] }],
    });
    await clock.advance(1_000);
    expect(ids()).toEqual(['sim|BTC/USDT|1m live', 'sim|SOL/USDT|1m live', 'sim|SOL/USDT|ticker live']);
    await feed.stop();
  });

  it('keeps settings applied just before a demand change: the demand re-applies the newest settings, not older ones', async () => {
    const { clock, feed } = simFeed();
    const watch = (symbol: string) => ({
      ...defaultSettings(),
      watchlist: [{ exchange: 'sim', symbol, timeframes: ['1m'] }],
    });
    await feed.applySettings(watch('BTC/USDT'));
    // Both in the same tick, as a cluster node does when it takes a stream over: the new watchlist is
    // queued, not applied yet, when the demand changes.
    void feed.applySettings(watch('SOL/USDT'));
    await feed.setRuleDemand(demand(['ETH/USDT', '5m', 10]));
    await clock.advance(2_000);
    expect(feed.list().map((s) => `${s.id} ${s.state}`)).toEqual([
      'sim|ETH/USDT|5m live',
      'sim|SOL/USDT|1m live',
      'sim|SOL/USDT|ticker live',
    ]);
    await feed.stop();
  });
});

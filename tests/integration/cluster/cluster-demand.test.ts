import { afterEach, expect, it, vi } from 'vitest';
import { seriesId, type SeriesKey } from '../../../src/shared/domain/market';
import { defaultSettings, type Settings } from '../../../src/shared/domain/settings';
import { silentLogger } from '../../../src/main/core/base/log';
import type { GapLedger } from '../../../src/main/core/candles/ports';
import {
  startClusterNode,
  type ClusterAttachment,
  type ClusterNode,
  type FeedDemand,
} from '../../../src/main/core/cluster/cluster-node';
import type { SeriesDemand } from '../../../src/main/core/feed/rule-demand';
import { describeWithPostgres } from '../../support/postgres-cluster';

const EX = 'binance';
const key = (symbol: string, timeframe: string): SeriesKey => ({ exchange: EX, symbol, timeframe });
/** BTC and ETH are watched; SOL is read only by a rule, on a timeframe nobody watches */
const WATCHED = ['BTC/USDT', 'ETH/USDT'];
const RULE_SERIES = [key('BTC/USDT', '1m'), key('BTC/USDT', '15m'), key('SOL/USDT', '5m')];

const running: { node: ClusterNode; attachment: ClusterAttachment }[] = [];
afterEach(async () => {
  for (const r of running.splice(0)) {
    await r.attachment.stop();
    await r.node.stop();
  }
});

/** What the feed of one node was last told: the rules' series and the series its charts show. */
type FeedView = { rules: string[]; viewed: string[]; watchlist: string[] };

async function clusterNode(url: string, name: string) {
  const settings: Settings = {
    ...defaultSettings(),
    watchlist: WATCHED.map((symbol) => ({ exchange: EX, symbol, timeframes: ['1m'] })),
  };
  const seeded: string[] = [];
  const gaps: GapLedger = { opened: () => 0, filled() {}, failed() {}, list: () => [] };
  const node = await startClusterNode({ url, node: name, log: silentLogger(), ttlMs: 2_000 });
  const attachment = node.attach({
    settings: { get: () => settings, onChange: () => () => {} },
    gaps,
    seed: (k) => seeded.push(seriesId(k)),
  });
  running.push({ node, attachment });
  const feed: FeedView = { rules: [], viewed: [], watchlist: [] };
  const target: FeedDemand = {
    setRuleDemand: (d: ReadonlyMap<string, SeriesDemand>) => {
      feed.rules = [...d.keys()].sort();
      return Promise.resolve();
    },
    setViewedSeries: (keys: readonly SeriesKey[]) => {
      feed.viewed = keys.map(seriesId).sort();
      return Promise.resolve();
    },
  };
  attachment.feedSettings.onChange((s) => (feed.watchlist = s.watchlist.map((w) => w.symbol).sort()));
  const demand = attachment.feedDemand(target);
  const rules = new Map(RULE_SERIES.map((k) => [seriesId(k), { key: k, warmup: 50 }]));
  await demand.setRuleDemand(rules);
  // a chart on this node shows a timeframe of every symbol
  await demand.setViewedSeries(['BTC/USDT', 'ETH/USDT', 'SOL/USDT'].map((s) => key(s, '1h')));
  return { node, feed, seeded };
}

describeWithPostgres('a cluster node’s feed demand', (database) => {
  it('leases the symbols only rules read, and streams rule and chart series only of the streams it holds', async () => {
    const url = await database();
    const a = await clusterNode(url, 'a');
    const b = await clusterNode(url, 'b');
    const owned = (n: typeof a) => [...n.node.leases.ownedStreams()].map((s) => s.split('|')[1]!).sort();

    // Three streams (the watched two and the rule's SOL) shared between two nodes, each held once.
    await vi.waitFor(
      () => {
        const all = [...owned(a), ...owned(b)].sort();
        expect(all).toEqual(['BTC/USDT', 'ETH/USDT', 'SOL/USDT']);
        expect(Math.min(owned(a).length, owned(b).length)).toBe(1);
        for (const n of [a, b]) {
          const mine = new Set(owned(n));
          // each feed is told only the series of the symbols its node holds, never another node's
          expect(n.feed.rules).toEqual(
            RULE_SERIES.filter((k) => mine.has(k.symbol))
              .map(seriesId)
              .sort(),
          );
          expect(n.feed.viewed).toEqual([...mine].map((s) => seriesId(key(s, '1h'))).sort());
          expect(n.feed.watchlist).toEqual(WATCHED.filter((s) => mine.has(s)));
        }
      },
      { timeout: 30_000, interval: 50 },
    );

    // The node holding SOL copied its shared history in before streaming it, on the rule's timeframe.
    const solHolder = owned(a).includes('SOL/USDT') ? a : b;
    expect(solHolder.seeded).toContain(seriesId(key('SOL/USDT', '5m')));
    const btcHolder = owned(a).includes('BTC/USDT') ? a : b;
    expect(btcHolder.seeded).toEqual(
      expect.arrayContaining([seriesId(key('BTC/USDT', '1m')), seriesId(key('BTC/USDT', '15m'))]),
    );
  }, 60_000);
});

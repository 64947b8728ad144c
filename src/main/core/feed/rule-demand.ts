import { seriesId, type SeriesKey } from '../../../shared/domain/market';
import type { StoredRule } from '../../../shared/domain/rule';
import type { WatchItem } from '../../../shared/domain/settings';
import { ruleIsArmable, ruleSeriesNeeds } from '../alerts/rule-needs';
import type { EventHub } from '../events';
import type { FeedService } from './feed-service';

/** A series the enabled rules read, with the closed candles to fetch before it goes live. */
export type SeriesDemand = { key: SeriesKey; warmup: number };

/**
 * What the enabled rules need streamed: every leg of every rule that can fire now (each target
 * symbol, each `all-of` timeframe), merged per series with the largest warm-up. The feed streams
 * the union of this and the watchlist, so no rule depends on what the user happens to look at.
 */
export function ruleDemand(
  rules: readonly StoredRule[],
  watchlist: readonly WatchItem[],
  now: number,
): Map<string, SeriesDemand> {
  const out = new Map<string, SeriesDemand>();
  for (const stored of rules) {
    if (!ruleIsArmable(stored, now)) continue;
    for (const need of ruleSeriesNeeds(stored.rule, watchlist)) {
      const id = seriesId(need.key);
      const known = out.get(id);
      if (!known) out.set(id, { key: need.key, warmup: need.candles });
      else known.warmup = Math.max(known.warmup, need.candles);
    }
  }
  return out;
}

export function sameDemand(
  a: ReadonlyMap<string, SeriesDemand>,
  b: ReadonlyMap<string, SeriesDemand>,
): boolean {
  if (a.size !== b.size) return false;
  for (const [id, d] of a) if (b.get(id)?.warmup !== d.warmup) return false;
  return true;
}

/**
 * Keeps the feed streaming what the rules need: recomputed when rules change (created, edited,
 * enabled, disabled, deleted, imported, expired) and when the watchlist changes (it decides the
 * symbols of watchlist rules). Returns the unsubscribe.
 */
export function followRuleDemand(opts: {
  feed: Pick<FeedService, 'setRuleDemand'>;
  events: EventHub;
  rules(): readonly StoredRule[];
  watchlist(): readonly WatchItem[];
  now(): number;
}): () => void {
  const update = () => void opts.feed.setRuleDemand(ruleDemand(opts.rules(), opts.watchlist(), opts.now()));
  update();
  return opts.events.subscribe((event) => {
    if (event === 'rules:changed' || event === 'settings:changed') update();
  });
}

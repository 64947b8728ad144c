import type { Freshness } from './freshness';

/** Kinds in which the price on screen is not being refreshed: shown greyed, with the reason. */
export const isOutdated = (f: Freshness) => f.kind !== 'live' && f.kind !== 'waiting';

/**
 * The age of a price in words next to it: nothing while live (the colour says it), "stale 40 s",
 * "reconnecting · 40 s old" or "core disconnected" otherwise.
 */
export function FreshnessTag({ freshness, compact }: { freshness: Freshness; compact?: boolean }) {
  const outdated = isOutdated(freshness);
  const title =
    freshness.ageMs === null
      ? freshness.text
      : `Last update ${Math.round(freshness.ageMs / 1000)} s ago (${freshness.text})`;
  return (
    <span
      className={compact ? 'freshness compact' : 'freshness'}
      data-freshness={freshness.kind}
      data-testid="freshness"
      title={title}
    >
      {outdated || freshness.kind === 'waiting' ? freshness.text : compact ? '' : freshness.text}
    </span>
  );
}

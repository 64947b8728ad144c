import { useEffect, useState } from 'react';
import type { GapRecord } from '../../shared/domain/gap';
import { seriesId, type SeriesKey } from '../../shared/domain/market';
import { formatInteger } from '../format/numbers';
import { formatShortDateTime } from '../format/time';
import { useMarket } from '../state/StoresProvider';
import { useApi } from '../transport/TransportProvider';

/** While a hole is open the ledger is read again this often: its error and progress change. */
const OPEN_REFRESH_MS = 2_000;
/** How long "Gap filled: …" stays once the backfill is done (it can be dismissed sooner). */
const DONE_SHOWN_MS = 30_000;

const candles = (n: number) => `${formatInteger(n)} candle${n === 1 ? '' : 's'}`;
const range = (g: GapRecord) =>
  g.from === g.to
    ? `at ${formatShortDateTime(g.from)}`
    : `from ${formatShortDateTime(g.from)} to ${formatShortDateTime(g.to)}`;

/** "Gap filled: 12 candles from … to … (stale)", or what the exchange did not have. */
export function filledWords(g: GapRecord): string {
  const missing = g.expected - g.filled;
  const head = `Gap filled: ${candles(g.filled)} ${range(g)} (${g.reason})`;
  return missing > 0 ? `${head}; the exchange has no data for ${candles(missing)}` : head;
}

/**
 * Says when the chart's series is being backfilled (the stream is `backfilling`, or the gap ledger
 * has an open gap), with the range being fetched, and stays until the fill is done; then says how
 * much it filled. A hole being filled is shown, not hidden, and its end is shown too.
 */
export function GapBanner({ series }: { series: SeriesKey }) {
  const api = useApi();
  const id = seriesId(series);
  const state = useMarket((s) => s.streams[id]?.state);
  // `seen`: gaps this page saw open, whose result it then reports. The view keys the banner by
  // series, so a new series starts with an empty set.
  const [{ gaps, seen }, setLedger] = useState<{ gaps: GapRecord[]; seen: ReadonlySet<number> }>({
    gaps: [],
    seen: new Set(),
  });
  const [dismissed, setDismissed] = useState<number | null>(null);

  const open = gaps.filter((g) => g.filledAt === null);
  const filling = state === 'backfilling' || open.length > 0;

  useEffect(() => {
    let live = true;
    const load = () =>
      api.call('gaps:list', { ...series, limit: 20 }).then(
        (list) => {
          if (!live) return;
          setLedger((prev) => {
            const next = new Set(prev.seen);
            for (const g of list) if (g.filledAt === null) next.add(g.id);
            return { gaps: list, seen: next };
          });
        },
        () => live && setLedger((prev) => ({ gaps: [], seen: prev.seen })),
      );
    void load();
    const timer = filling ? setInterval(() => void load(), OPEN_REFRESH_MS) : null;
    return () => {
      live = false;
      if (timer) clearInterval(timer);
    };
    // The ledger changes when the stream's state does (backfilling → live), and while a hole is open.
  }, [api, series, state, filling]);

  // A gap this page saw open, now filled: its result stays on screen for a while.
  const done = filling
    ? undefined
    : gaps.find((g) => g.filledAt !== null && seen.has(g.id) && g.id !== dismissed);
  useEffect(() => {
    if (!done) return;
    const t = setTimeout(() => setDismissed(done.id), DONE_SHOWN_MS);
    return () => clearTimeout(t);
  }, [done]);

  if (filling) {
    const gap = open[0];
    return (
      <p className="chart-gap" role="status" data-testid="gap-banner" data-gap="filling">
        <span className="state-dot" data-state="backfilling" aria-hidden="true" />
        {gap
          ? `Filling a gap: ${candles(gap.expected)} ${range(gap)} (${gap.reason})${gap.error ? ` — retrying: ${gap.error}` : ''}`
          : 'Backfilling missed candles; live candles follow once the hole is filled.'}
      </p>
    );
  }
  if (!done) return null;
  return (
    <p className="chart-gap" role="status" data-testid="gap-banner" data-gap="filled">
      <span className="state-dot" data-state="live" aria-hidden="true" />
      {filledWords(done)}
      <button
        type="button"
        className="icon-button"
        aria-label="Dismiss the gap report"
        onClick={() => setDismissed(done.id)}
      >
        ×
      </button>
    </p>
  );
}

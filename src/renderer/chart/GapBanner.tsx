import { useEffect, useState } from 'react';
import type { GapRecord } from '../../shared/domain/gap';
import { seriesId, type SeriesKey } from '../../shared/domain/market';
import { formatInteger } from '../format/numbers';
import { formatShortDateTime } from '../format/time';
import { useMarket } from '../state/StoresProvider';
import { useApi } from '../transport/TransportProvider';

/**
 * Says when the chart's series is being backfilled (the stream is `backfilling`, or the gap ledger
 * has an open gap), with the range being fetched: a hole being filled is shown, not hidden.
 */
export function GapBanner({ series }: { series: SeriesKey }) {
  const api = useApi();
  const id = seriesId(series);
  const state = useMarket((s) => s.streams[id]?.state);
  const [open, setOpen] = useState<GapRecord[]>([]);

  useEffect(() => {
    let live = true;
    api.call('gaps:list', { ...series, limit: 20 }).then(
      (gaps) => live && setOpen(gaps.filter((g) => g.filledAt === null)),
      () => live && setOpen([]),
    );
    return () => {
      live = false;
    };
    // The ledger changes when the stream's state does (backfilling → live).
  }, [api, series, state]);

  if (state !== 'backfilling' && open.length === 0) return null;
  const gap = open[0];
  return (
    <p className="chart-gap" role="status" data-testid="gap-banner">
      <span className="state-dot" data-state="backfilling" aria-hidden="true" />
      {gap
        ? `Filling a gap: ${formatInteger(gap.expected)} candle${gap.expected === 1 ? '' : 's'} from ${formatShortDateTime(gap.from)} to ${formatShortDateTime(gap.to)} (${gap.reason})${gap.error ? ` — retrying: ${gap.error}` : ''}`
        : 'Backfilling missed candles; live candles follow once the hole is filled.'}
    </p>
  );
}

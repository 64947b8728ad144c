import { useEffect } from 'react';
import { ChartView } from '../chart/ChartView';
import { needsOnboarding } from '../onboarding/onboarding';
import { Onboarding } from '../onboarding/Onboarding';
import { useSettings } from '../settings/SettingsProvider';
import { useUi } from '../state/StoresProvider';
import { sameItem } from '../watchlist/watchlist-order';

/** The chart of the selected symbol; the first-run choice when nothing is set up yet. */
export function ChartArea() {
  const settings = useSettings();
  const chart = useUi((s) => s.chart);
  const openChart = useUi((s) => s.openChart);
  const dismissed = useUi((s) => s.onboardingDismissed);
  const watchlist = settings?.watchlist;

  // Nothing selected (first start, or the symbol was removed): show the first watched symbol.
  useEffect(() => {
    if (!watchlist || watchlist.length === 0) return;
    if (chart && watchlist.some((w) => sameItem(w, chart))) return;
    const first = watchlist[0]!;
    openChart({ exchange: first.exchange, symbol: first.symbol });
  }, [watchlist, chart, openChart]);

  const content =
    needsOnboarding(settings) && !dismissed ? (
      <Onboarding />
    ) : chart ? (
      <ChartView key={`${chart.exchange}|${chart.symbol}`} exchange={chart.exchange} symbol={chart.symbol} />
    ) : (
      <div className="empty-state">
        <p className="empty-title">No chart open</p>
        <p className="empty-hint">Pick a symbol in the watchlist to see its candles.</p>
      </div>
    );
  return (
    <main className="chart-area" aria-label="Chart">
      {content}
    </main>
  );
}

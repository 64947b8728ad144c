import { useEffect } from 'react';
import { settingsPatchSchema } from '../../shared/domain/settings';
import { ChartView } from '../chart/ChartView';
import { needsOnboarding } from '../onboarding/onboarding';
import { Onboarding } from '../onboarding/Onboarding';
import { useSettings, useSettingsStore } from '../settings/SettingsProvider';
import { useUi } from '../state/StoresProvider';
import { sameItem } from '../watchlist/watchlist-order';

/** The chart of the selected symbol; the first-run choice when nothing is set up yet. */
export function ChartArea() {
  const settings = useSettings();
  const settingsStore = useSettingsStore();
  const chart = useUi((s) => s.chart);
  const timeframe = useUi((s) => s.timeframe);
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

  // The core streams (and stores) only the timeframes the watchlist names: the one on screen joins them.
  useEffect(() => {
    if (!watchlist || !chart) return;
    const item = watchlist.find((w) => sameItem(w, chart));
    if (!item || item.timeframes.includes(timeframe)) return;
    const next = watchlist.map((w) => (w === item ? { ...w, timeframes: [...w.timeframes, timeframe] } : w));
    // Never write a watchlist the settings would refuse (that save fails and loses the change).
    if (!settingsPatchSchema.safeParse({ watchlist: next }).success) return;
    void settingsStore.update({ watchlist: next });
  }, [watchlist, chart, timeframe, settingsStore]);

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

import { MAX_SUBSCRIBED_TICKERS, type EventSubscription } from '../../shared/contract/methods/events';
import type { WatchItem } from '../../shared/domain/settings';
import type { SettingsStore } from '../settings/settings-store';
import type { Transport } from '../transport/transport';
import { symbolKey, type MarketStore } from './market-store';
import type { ChartTarget, UiStore } from './ui-store';

/**
 * The high-rate events the screen shows: the visible chart's candles, the prices of the chart's
 * symbol (toolbar) and of the watchlist, and the chart symbol's order book while the book panel is
 * on screen (the core streams a declared book only while some page declares it). Sparklines read
 * stored candles (candles:history), so they ask for nothing.
 */
export function visibleSubscription(
  chart: ChartTarget | null,
  timeframe: string,
  watchlist: readonly WatchItem[] | undefined,
  bookShown = false,
): EventSubscription {
  const tickers = new Map<string, { exchange: string; symbol: string }>();
  for (const s of [...(chart ? [chart] : []), ...(watchlist ?? [])])
    tickers.set(symbolKey(s.exchange, s.symbol), { exchange: s.exchange, symbol: s.symbol });
  return {
    candles: chart ? [{ exchange: chart.exchange, symbol: chart.symbol, timeframe }] : [],
    // The chart's symbol comes first, so it survives the cap of a (very) long watchlist.
    tickers: [...tickers.values()].slice(0, MAX_SUBSCRIBED_TICKERS),
    orderbooks: chart && bookShown ? [{ exchange: chart.exchange, symbol: chart.symbol }] : [],
  };
}

/**
 * Keeps the core told what this page shows (`events:subscribe`): at start, whenever the chart,
 * its timeframe or the watchlist changes, and after a reconnect, when the server sees a new client.
 * The first declaration goes out while the stores are built, before anything renders, so a chart
 * never loads its history under another page's declaration (the Electron window outlives reloads).
 */
export function declareEventSubscription(opts: {
  transport: Transport;
  ui: UiStore;
  settings: SettingsStore;
  market: Pick<MarketStore, 'refreshTickers'>;
}): void {
  const { transport, ui, settings, market } = opts;
  let sent = '';
  let sentTickers = new Set<string>();

  const declare = (again: boolean) => {
    const { chart, timeframe, bottomTab, panelCollapsed } = ui.getState();
    const bookShown = bottomTab === 'book' && !panelCollapsed;
    const sub = visibleSubscription(chart, timeframe, settings.getState().settings?.watchlist, bookShown);
    const text = JSON.stringify(sub);
    if (!again && text === sent) return;
    sent = text;
    const tickers = new Set(sub.tickers.map((t) => symbolKey(t.exchange, t.symbol)));
    const added = [...tickers].some((k) => !sentTickers.has(k));
    sentTickers = tickers;
    transport.api.call('events:subscribe', sub).then(
      // Updates of a symbol just added were not sent to this page: read its latest price once.
      () => {
        if (added) void market.refreshTickers();
      },
      // Lost with the connection (the reconnect declares again) or refused: the next change retries.
      () => {
        sent = '';
        sentTickers = new Set();
      },
    );
  };

  ui.subscribe(() => declare(false));
  settings.subscribe(() => declare(false));
  let connectedBefore = transport.connectionState() === 'open';
  transport.onConnectionStateChange((state) => {
    if (state !== 'open') return;
    if (connectedBefore) declare(true);
    connectedBefore = true;
  });
  declare(true);
}

import { createStore, type StoreApi } from 'zustand/vanilla';
import type { BacktestResult } from '../../shared/contract/methods/signals';
import type { SeriesKey } from '../../shared/domain/market';
import { isTimeframe } from '../../shared/timeframe';
import type { RuleDraft } from '../rules/rule-draft';
import type { PriceScale } from '../chart/chart-controller';
import {
  MAX_CHART_INDICATORS_SHOWN,
  newIndicatorId,
  readChartIndicators,
  type ChartIndicator,
} from '../chart/chart-indicators';
import { PALETTE_SLOTS } from '../chart/chart-colors';
import { nextColor } from '../chart/indicator-lines';
import type { IndicatorRef } from '../../shared/domain/indicator';

export type BottomTab = 'alerts' | 'book' | 'streams' | 'rules' | 'account';
export const BOTTOM_TABS: readonly BottomTab[] = ['alerts', 'book', 'streams', 'rules', 'account'];

export type Dialog =
  | { kind: 'settings'; section?: string }
  | { kind: 'symbol-search' }
  | { kind: 'rule'; ruleId?: number; draft?: Partial<RuleDraft> }
  | { kind: 'shortcuts' };

export type ChartTarget = { exchange: string; symbol: string };

export type BacktestMarkers = {
  key: SeriesKey;
  ruleName: string;
  result: BacktestResult;
  /** the rule editor these markers were shown from, with what was typed in it, to go back to */
  returnTo?: Dialog;
};

export type UiState = {
  chart: ChartTarget | null;
  timeframe: string;
  /** a request to show this candle (an alert clicked in the history); nonce tells repeats apart */
  focus: { time: number; nonce: number } | null;
  bottomTab: BottomTab;
  dialog: Dialog | null;
  /**
   * The chart's indicators with their parameters and colours, in the order they were added. One
   * set for the chart, kept when the symbol or timeframe changes (as a trading chart's layout
   * does), saved with the layout.
   */
  indicators: ChartIndicator[];
  backtest: BacktestMarkers | null;
  /** the chart is placing a new price-alert line */
  placingPriceLine: boolean;
  /** the onboarding was closed without a choice in this browser */
  onboardingDismissed: boolean;
  /** height of the bottom panel in px, as the user dragged it; null: the default share */
  panelHeight: number | null;
  /** the bottom panel shows only its tabs */
  panelCollapsed: boolean;
  /** the price pane's scale */
  priceScale: PriceScale;
  /** a request to show this fill in the Account tab (a fill alert opened); nonce tells repeats apart */
  accountFocus: AccountFocus | null;
};

export type AccountFocus = { exchange: string; alertId: number; time: number; nonce: number };

export type UiActions = {
  openChart(target: ChartTarget, opts?: { timeframe?: string; time?: number }): void;
  /** the Account tab at the fill an alert of kind "fill" was about */
  openFill(fill: Omit<AccountFocus, 'nonce'>): void;
  setTimeframe(timeframe: string): void;
  setBottomTab(tab: BottomTab): void;
  openDialog(dialog: Dialog): void;
  closeDialog(): void;
  /** Adds an indicator in the next unused palette colour; refused past MAX_CHART_INDICATORS_SHOWN. */
  addIndicator(ref: IndicatorRef): void;
  updateIndicator(id: string, patch: Partial<Omit<ChartIndicator, 'id'>>): void;
  removeIndicator(id: string): void;
  showBacktest(markers: BacktestMarkers | null): void;
  setPlacingPriceLine(on: boolean): void;
  dismissOnboarding(): void;
  setPanelHeight(px: number): void;
  setPanelCollapsed(collapsed: boolean): void;
  setPriceScale(scale: PriceScale): void;
};

export type UiStore = StoreApi<UiState & UiActions>;

const LAYOUT_KEY = 'candlewatch.layout.v1';

/** What survives a reload: what was on screen, not transient things like dialogs. */
type Layout = Pick<
  UiState,
  | 'chart'
  | 'timeframe'
  | 'bottomTab'
  | 'indicators'
  | 'onboardingDismissed'
  | 'panelHeight'
  | 'panelCollapsed'
  | 'priceScale'
>;

/** The bottom panel never gets smaller than its tabs and one table row, nor than this. */
export const MIN_PANEL_PX = 96;

function readLayout(storage: Pick<Storage, 'getItem'> | undefined): Partial<Layout> {
  try {
    const raw = storage?.getItem(LAYOUT_KEY);
    if (!raw) return {};
    const parsed = JSON.parse(raw) as Partial<Layout> & { overlays?: unknown; panes?: unknown };
    const out: Partial<Layout> = {};
    if (parsed.chart && typeof parsed.chart.exchange === 'string' && typeof parsed.chart.symbol === 'string')
      out.chart = { exchange: parsed.chart.exchange, symbol: parsed.chart.symbol };
    if (typeof parsed.timeframe === 'string' && isTimeframe(parsed.timeframe))
      out.timeframe = parsed.timeframe;
    if (typeof parsed.bottomTab === 'string' && (BOTTOM_TABS as string[]).includes(parsed.bottomTab))
      out.bottomTab = parsed.bottomTab;
    out.indicators = readChartIndicators(parsed);
    if (parsed.onboardingDismissed === true) out.onboardingDismissed = true;
    if (typeof parsed.panelHeight === 'number' && Number.isFinite(parsed.panelHeight))
      out.panelHeight = Math.max(MIN_PANEL_PX, Math.round(parsed.panelHeight));
    if (parsed.panelCollapsed === true) out.panelCollapsed = true;
    if (parsed.priceScale === 'log' || parsed.priceScale === 'percent') out.priceScale = parsed.priceScale;
    return out;
  } catch {
    // A layout from another version or hand-edited storage: start from the defaults.
    return {};
  }
}

/** UI state: what is on screen, kept in one small store so a component re-renders only for its slice. */
export function createUiStore(storage: Pick<Storage, 'getItem' | 'setItem'> | undefined): UiStore {
  const saved = readLayout(storage);
  const store = createStore<UiState & UiActions>()((set, get) => ({
    chart: saved.chart ?? null,
    timeframe: saved.timeframe ?? '1m',
    focus: null,
    bottomTab: saved.bottomTab ?? 'alerts',
    dialog: null,
    indicators: saved.indicators ?? [],
    backtest: null,
    placingPriceLine: false,
    onboardingDismissed: saved.onboardingDismissed ?? false,
    panelHeight: saved.panelHeight ?? null,
    panelCollapsed: saved.panelCollapsed ?? false,
    priceScale: saved.priceScale ?? 'linear',
    accountFocus: null,

    openChart(target, opts = {}) {
      // A timeframe that is none (a fill alert has '') keeps the one on screen: the chart would
      // otherwise add it to the watchlist, which the settings refuse.
      const timeframe =
        opts.timeframe !== undefined && isTimeframe(opts.timeframe) ? opts.timeframe : get().timeframe;
      set({
        chart: { exchange: target.exchange, symbol: target.symbol },
        timeframe,
        focus: opts.time === undefined ? null : { time: opts.time, nonce: Date.now() + Math.random() },
        placingPriceLine: false,
      });
    },
    openFill: (fill) =>
      set({ bottomTab: 'account', accountFocus: { ...fill, nonce: Date.now() + Math.random() } }),
    setTimeframe(timeframe) {
      if (isTimeframe(timeframe)) set({ timeframe, focus: null });
    },
    setBottomTab: (bottomTab) => set({ bottomTab }),
    openDialog: (dialog) => set({ dialog }),
    closeDialog: () => set({ dialog: null }),
    addIndicator(ref) {
      const shown = get().indicators;
      if (shown.length >= MAX_CHART_INDICATORS_SHOWN) return;
      set({
        indicators: [
          ...shown,
          { id: newIndicatorId(ref.indicator), ref, color: nextColor(shown, PALETTE_SLOTS) },
        ],
      });
    },
    updateIndicator: (id, patch) =>
      set({ indicators: get().indicators.map((i) => (i.id === id ? { ...i, ...patch } : i)) }),
    removeIndicator: (id) => set({ indicators: get().indicators.filter((i) => i.id !== id) }),
    showBacktest: (backtest) => set({ backtest }),
    setPlacingPriceLine: (placingPriceLine) => set({ placingPriceLine }),
    dismissOnboarding: () => set({ onboardingDismissed: true }),
    setPanelHeight: (px) =>
      set({ panelHeight: Math.max(MIN_PANEL_PX, Math.round(px)), panelCollapsed: false }),
    setPanelCollapsed: (panelCollapsed) => set({ panelCollapsed }),
    setPriceScale: (priceScale) => set({ priceScale }),
  }));

  let lastSaved = '';
  store.subscribe((s) => {
    const layout: Layout = {
      chart: s.chart,
      timeframe: s.timeframe,
      bottomTab: s.bottomTab,
      indicators: s.indicators,
      onboardingDismissed: s.onboardingDismissed,
      panelHeight: s.panelHeight,
      panelCollapsed: s.panelCollapsed,
      priceScale: s.priceScale,
    };
    const text = JSON.stringify(layout);
    if (text === lastSaved) return;
    lastSaved = text;
    try {
      storage?.setItem(LAYOUT_KEY, text);
    } catch {
      // Storage full or disabled: the layout then lasts until the page closes.
    }
  });
  return store;
}

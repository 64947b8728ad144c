import { Toasts } from '../alerts/Toasts';
import { useShortcuts } from '../keyboard/use-shortcuts';
import { RuleEditorDialog } from '../rules/RuleEditorDialog';
import { SettingsDialog } from '../settings/SettingsDialog';
import { useUi } from '../state/StoresProvider';
import { useAppliedTheme } from '../theme/use-applied-theme';
import { WatchlistSidebar } from '../watchlist/WatchlistSidebar';
import { SymbolSearchDialog } from '../watchlist/SymbolSearchDialog';
import { BottomPanel } from './BottomPanel';
import { ChartArea } from './ChartArea';
import { ShortcutsDialog } from './ShortcutsDialog';
import { StatusBar } from './StatusBar';
import { TopBar } from './TopBar';

/** Room kept for the chart (and top and status bars) however far the panel is dragged up. */
const MIN_CHART_PX = 260;

/** The monitor's layout: top bar, watchlist on the left, chart over the bottom panel, status bar. */
export function AppFrame() {
  useAppliedTheme();
  useShortcuts();
  const panelHeight = useUi((s) => s.panelHeight);
  const collapsed = useUi((s) => s.panelCollapsed);
  // The chart row takes what the panel leaves, never less than MIN_CHART_PX (the panel gives way).
  const panelRow = collapsed
    ? 'auto'
    : panelHeight === null
      ? 'minmax(140px, 32%)'
      : `min(${panelHeight}px, calc(100% - ${MIN_CHART_PX}px))`;
  return (
    <div className="app-frame" style={{ gridTemplateRows: `auto minmax(0, 1fr) ${panelRow} auto` }}>
      <TopBar />
      <WatchlistSidebar />
      <ChartArea />
      <BottomPanel />
      <StatusBar />
      <Toasts />
      <Dialogs />
    </div>
  );
}

function Dialogs() {
  const dialog = useUi((s) => s.dialog);
  if (!dialog) return null;
  switch (dialog.kind) {
    case 'settings':
      return <SettingsDialog section={dialog.section} />;
    case 'symbol-search':
      return <SymbolSearchDialog />;
    case 'rule':
      return <RuleEditorDialog key={dialog.ruleId ?? 'new'} ruleId={dialog.ruleId} preset={dialog.draft} />;
    case 'shortcuts':
      return <ShortcutsDialog />;
  }
}

import { useEffect } from 'react';
import { KEYED_TIMEFRAMES } from '../chart/ChartToolbar';
import { useStores } from '../state/StoresProvider';
import { BOTTOM_TABS } from '../state/ui-store';
import { isTypingTarget } from './shortcuts';

const focusSymbolSearch = () => document.querySelector<HTMLElement>('[data-symbol-search]')?.focus();

/** Global keyboard shortcuts (SHORTCUTS lists them). */
export function useShortcuts(): void {
  const { ui } = useStores();
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const s = ui.getState();
      const mod = e.ctrlKey || e.metaKey;
      if ((mod && e.key.toLowerCase() === 'k') || (e.key === '/' && !isTypingTarget(e.target))) {
        e.preventDefault();
        // Open, or already open: either way the search field takes the typing that follows.
        if (s.dialog?.kind === 'symbol-search') focusSymbolSearch();
        else if (mod || !s.dialog) s.openDialog({ kind: 'symbol-search' });
        return;
      }
      if (mod && e.key === ',') {
        e.preventDefault();
        s.openDialog({ kind: 'settings' });
        return;
      }
      // Everything else only when no dialog is open and the user is not typing.
      if (s.dialog || isTypingTarget(e.target) || mod) return;
      if (e.altKey) {
        const tab = BOTTOM_TABS[Number(e.key) - 1];
        if (tab) {
          e.preventDefault();
          s.setBottomTab(tab);
        }
        return;
      }
      const tf = /^[1-9]$/.test(e.key) ? KEYED_TIMEFRAMES[Number(e.key) - 1] : undefined;
      if (tf && s.chart) {
        s.setTimeframe(tf);
      } else if (e.key === '?') {
        s.openDialog({ kind: 'shortcuts' });
      } else if ((e.key === 'a' || e.key === 'A') && s.chart) {
        // Sets the mode rather than toggling it: pressing A twice must not leave it off (Esc cancels).
        s.setPlacingPriceLine(true);
      } else if ((e.key === 'n' || e.key === 'N') && s.chart) {
        s.openDialog({
          kind: 'rule',
          draft: { exchange: s.chart.exchange, symbol: s.chart.symbol, timeframe: s.timeframe },
        });
      } else if (e.key === 'Escape' && s.placingPriceLine) {
        s.setPlacingPriceLine(false);
      } else {
        return;
      }
      e.preventDefault();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [ui]);
}

import { useRef, type KeyboardEvent, type PointerEvent } from 'react';
import { AccountPanel } from '../account/AccountPanel';
import { AlertsPanel } from '../alerts/AlertsPanel';
import { OrderBookPanel } from '../book/OrderBookPanel';
import { RulesPanel } from '../rules/RulesPanel';
import { useUi } from '../state/StoresProvider';
import type { BottomTab } from '../state/ui-store';
import { StreamsPanel } from '../streams/StreamsPanel';

const TABS: readonly { id: BottomTab; label: string }[] = [
  { id: 'alerts', label: 'Alerts' },
  { id: 'book', label: 'Order book' },
  { id: 'streams', label: 'Streams' },
  { id: 'rules', label: 'Rules' },
  { id: 'account', label: 'Account' },
];

/** Tabs Alerts · Order book · Streams · Rules · Account, keyboard-driven as the ARIA tabs pattern describes. */
export function BottomPanel() {
  const selected = useUi((s) => s.bottomTab);
  const setTab = useUi((s) => s.setBottomTab);
  const collapsed = useUi((s) => s.panelCollapsed);
  const setCollapsed = useUi((s) => s.setPanelCollapsed);
  const tabRefs = useRef(new Map<BottomTab, HTMLButtonElement>());
  // A tab picked while the panel is folded away opens it: the click asked to see that tab.
  const setSelected = (tab: BottomTab) => {
    setTab(tab);
    if (collapsed) setCollapsed(false);
  };

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    const index = TABS.findIndex((t) => t.id === selected);
    const next =
      event.key === 'ArrowRight'
        ? TABS[(index + 1) % TABS.length]
        : event.key === 'ArrowLeft'
          ? TABS[(index - 1 + TABS.length) % TABS.length]
          : event.key === 'Home'
            ? TABS[0]
            : event.key === 'End'
              ? TABS[TABS.length - 1]
              : undefined;
    if (!next) return;
    event.preventDefault();
    setSelected(next.id);
    tabRefs.current.get(next.id)?.focus();
  };

  return (
    <section className="bottom-panel" aria-label="Details" data-collapsed={collapsed ? 'true' : undefined}>
      <PanelSplitter />
      <div className="tabs" role="tablist" aria-label="Details" onKeyDown={onKeyDown}>
        {TABS.map((tab) => (
          <button
            key={tab.id}
            ref={(el) => {
              if (el) tabRefs.current.set(tab.id, el);
              else tabRefs.current.delete(tab.id);
            }}
            type="button"
            role="tab"
            id={`tab-${tab.id}`}
            className="tab"
            aria-selected={tab.id === selected}
            aria-controls={`tabpanel-${tab.id}`}
            tabIndex={tab.id === selected ? 0 : -1}
            onClick={() => setSelected(tab.id)}
          >
            {tab.label}
          </button>
        ))}
        <button
          type="button"
          className="icon-button panel-toggle"
          aria-expanded={!collapsed}
          aria-controls={`tabpanel-${selected}`}
          title={collapsed ? 'Show the panel' : 'Hide the panel (the chart takes the room)'}
          onClick={() => setCollapsed(!collapsed)}
        >
          {collapsed ? '▴ Show' : '▾ Hide'}
        </button>
      </div>
      <div
        hidden={collapsed}
        className="tab-panel"
        role="tabpanel"
        id={`tabpanel-${selected}`}
        aria-labelledby={`tab-${selected}`}
        tabIndex={0}
      >
        {selected === 'alerts' ? <AlertsPanel /> : null}
        {selected === 'book' && !collapsed ? <OrderBookPanel /> : null}
        {selected === 'streams' ? <StreamsPanel /> : null}
        {selected === 'rules' ? <RulesPanel /> : null}
        {selected === 'account' ? <AccountPanel /> : null}
      </div>
    </section>
  );
}

const KEY_STEP_PX = 24;

/**
 * The bar between chart and panel: drag it (or focus it and press ↑ ↓) to give the panel more or
 * less room. The height is kept with the layout, so it survives a reload.
 */
function PanelSplitter() {
  const height = useUi((s) => s.panelHeight);
  const setHeight = useUi((s) => s.setPanelHeight);
  const drag = useRef<{ startY: number; startHeight: number } | null>(null);
  const panelOf = (el: HTMLElement) => el.closest<HTMLElement>('.bottom-panel');

  const onPointerDown = (e: PointerEvent<HTMLDivElement>) => {
    const panel = panelOf(e.currentTarget);
    if (!panel) return;
    e.currentTarget.setPointerCapture(e.pointerId);
    drag.current = { startY: e.clientY, startHeight: panel.getBoundingClientRect().height };
  };
  const onPointerMove = (e: PointerEvent<HTMLDivElement>) => {
    if (!drag.current) return;
    setHeight(drag.current.startHeight + drag.current.startY - e.clientY);
  };
  const onPointerUp = () => {
    drag.current = null;
  };
  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    const step = e.key === 'ArrowUp' ? KEY_STEP_PX : e.key === 'ArrowDown' ? -KEY_STEP_PX : 0;
    if (step === 0) return;
    e.preventDefault();
    const current = panelOf(e.currentTarget)?.getBoundingClientRect().height ?? height ?? 0;
    setHeight(current + step);
  };
  return (
    <div
      className="panel-splitter"
      role="separator"
      aria-orientation="horizontal"
      aria-label="Resize the panel"
      aria-valuenow={height ?? undefined}
      tabIndex={0}
      onPointerDown={onPointerDown}
      onPointerMove={onPointerMove}
      onPointerUp={onPointerUp}
      onPointerCancel={onPointerUp}
      onKeyDown={onKeyDown}
    />
  );
}

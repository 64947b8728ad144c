import { useRef, type KeyboardEvent } from 'react';
import { AccountPanel } from '../account/AccountPanel';
import { AlertsPanel } from '../alerts/AlertsPanel';
import { RulesPanel } from '../rules/RulesPanel';
import { useUi } from '../state/StoresProvider';
import type { BottomTab } from '../state/ui-store';
import { StreamsPanel } from '../streams/StreamsPanel';

const TABS: readonly { id: BottomTab; label: string }[] = [
  { id: 'alerts', label: 'Alerts' },
  { id: 'streams', label: 'Streams' },
  { id: 'rules', label: 'Rules' },
  { id: 'account', label: 'Account' },
];

/** Tabs Alerts · Streams · Rules · Account, keyboard-driven as the ARIA tabs pattern describes. */
export function BottomPanel() {
  const selected = useUi((s) => s.bottomTab);
  const setSelected = useUi((s) => s.setBottomTab);
  const tabRefs = useRef(new Map<BottomTab, HTMLButtonElement>());

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
    <section className="bottom-panel" aria-label="Details">
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
      </div>
      <div
        className="tab-panel"
        role="tabpanel"
        id={`tabpanel-${selected}`}
        aria-labelledby={`tab-${selected}`}
        tabIndex={0}
      >
        {selected === 'alerts' ? <AlertsPanel /> : null}
        {selected === 'streams' ? <StreamsPanel /> : null}
        {selected === 'rules' ? <RulesPanel /> : null}
        {selected === 'account' ? <AccountPanel /> : null}
      </div>
    </section>
  );
}

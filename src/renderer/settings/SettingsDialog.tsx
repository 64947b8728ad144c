import { useState } from 'react';
import type { WatchItem } from '../../shared/domain/settings';
import { useUi } from '../state/StoresProvider';
import { ThemeToggle } from '../theme/ThemeToggle';
import { Dialog } from '../ui/Dialog';
import { TableHead } from '../ui/TableHead';
import { sameItem } from '../watchlist/watchlist-order';
import { AlertHistorySettings } from './AlertHistorySettings';
import { DataSettings } from './DataSettings';
import { ExchangesSettings } from './ExchangesSettings';
import { NotificationSettings } from './NotificationSettings';
import { ServerSettings } from './ServerSettings';
import { useSettings, useSettingsStore } from './SettingsProvider';

const SECTIONS = [
  { id: 'exchanges', label: 'Exchanges & keys' },
  { id: 'timeframes', label: 'Timeframes' },
  { id: 'notifications', label: 'Notifications' },
  { id: 'data', label: 'Data' },
  { id: 'server', label: 'Server' },
  { id: 'appearance', label: 'Appearance' },
] as const;
type SectionId = (typeof SECTIONS)[number]['id'];

export function SettingsDialog({ section }: { section?: string }) {
  const close = useUi((s) => s.closeDialog);
  const [current, setCurrent] = useState<SectionId>(
    SECTIONS.find((s) => s.id === section)?.id ?? 'exchanges',
  );
  return (
    <Dialog wide title="Settings" onClose={close}>
      <div className="settings-layout">
        <nav aria-label="Settings sections">
          <ul className="settings-nav">
            {SECTIONS.map((s) => (
              <li key={s.id}>
                <button
                  type="button"
                  className={current === s.id ? 'nav-button current' : 'nav-button'}
                  aria-current={current === s.id ? 'page' : undefined}
                  onClick={() => setCurrent(s.id)}
                >
                  {s.label}
                </button>
              </li>
            ))}
          </ul>
        </nav>
        <section className="settings-content" aria-label={SECTIONS.find((s) => s.id === current)?.label}>
          {current === 'exchanges' ? <ExchangesSettings /> : null}
          {current === 'timeframes' ? <TimeframeSettings /> : null}
          {current === 'notifications' ? (
            <>
              <NotificationSettings />
              <AlertHistorySettings />
            </>
          ) : null}
          {current === 'data' ? <DataSettings /> : null}
          {current === 'server' ? <ServerSettings /> : null}
          {current === 'appearance' ? (
            <div className="settings-section">
              <p>Theme</p>
              <ThemeToggle name="settings-theme" />
            </div>
          ) : null}
        </section>
      </div>
    </Dialog>
  );
}

const TIMEFRAMES = ['1m', '5m', '15m', '1h', '4h', '1d'];

/** Which timeframes are streamed and stored for each watched symbol (every one costs a stream). */
function TimeframeSettings() {
  const settings = useSettings();
  const store = useSettingsStore();
  const watchlist = settings?.watchlist ?? [];
  const toggle = (item: WatchItem, tf: string, on: boolean) => {
    const timeframes = on ? [...item.timeframes, tf] : item.timeframes.filter((t) => t !== tf);
    if (timeframes.length === 0) return;
    void store.update({ watchlist: watchlist.map((w) => (sameItem(w, item) ? { ...w, timeframes } : w)) });
  };
  if (watchlist.length === 0) return <p className="empty-hint">The watchlist is empty.</p>;
  return (
    <div className="settings-section">
      <p className="muted">
        Each ticked timeframe is streamed and stored. Opening a chart on another timeframe adds it here. New
        symbols start with 1m.
      </p>
      <table className="data-table" aria-label="Timeframes per symbol">
        <TableHead columns={[{ label: 'Symbol' }, ...TIMEFRAMES.map((tf) => ({ label: tf }))]} />
        <tbody>
          {watchlist.map((w) => (
            <tr key={`${w.exchange}|${w.symbol}`}>
              <th scope="row">
                {w.symbol} <span className="muted">{w.exchange}</span>
              </th>
              {TIMEFRAMES.map((tf) => (
                <td key={tf}>
                  <input
                    type="checkbox"
                    aria-label={`${w.symbol} ${tf}`}
                    checked={w.timeframes.includes(tf)}
                    disabled={w.timeframes.length === 1 && w.timeframes.includes(tf)}
                    onChange={(e) => toggle(w, tf, e.target.checked)}
                  />
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

import { useEffect, useState } from 'react';
import type { StreamState } from '../../shared/domain/stream';
import { formatBytes } from '../format/numbers';
import { useSettingsError } from '../settings/SettingsProvider';
import { useAlerts, useMarket, useStores, useUi } from '../state/StoresProvider';
import { useApi, useCoreLink } from '../transport/TransportProvider';
import { ClockDisplay } from './ClockDisplay';
import { useAppInfo } from './use-app-info';

const STATS_REFRESH_MS = 30_000;
const TODAY_REFRESH_MS = 60_000;

type Health = 'ok' | 'warn' | 'bad' | 'none';

const HEALTH: Record<StreamState, Health> = {
  live: 'ok',
  polling: 'ok',
  connecting: 'warn',
  reconnecting: 'warn',
  backfilling: 'warn',
  stale: 'warn',
  error: 'bad',
  stopped: 'none',
};

/** Overall stream health in a few words: "9 streams live", "8 live · 1 stale". */
function useStreamHealth(): { health: Health; text: string } {
  // A string, so the selector's result compares by value and the bar re-renders only when it reads differently.
  const packed = useMarket((s) => {
    const { health, text } = streamHealth(s.streams);
    return `${health}|${text}`;
  });
  const [health, text] = packed.split('|') as [Health, string];
  return { health, text };
}

function streamHealth(streams: Readonly<Record<string, { state: StreamState }>>): {
  health: Health;
  text: string;
} {
  const counts = new Map<StreamState, number>();
  for (const info of Object.values(streams)) counts.set(info.state, (counts.get(info.state) ?? 0) + 1);
  const total = [...counts.values()].reduce((a, b) => a + b, 0);
  if (total === 0) return { health: 'none', text: 'No streams' };
  const worst = [...counts.keys()].reduce<Health>((w, state) => {
    const h = HEALTH[state];
    return h === 'bad' || w === 'bad' ? 'bad' : h === 'warn' || w === 'warn' ? 'warn' : 'ok';
  }, 'ok');
  const live = (counts.get('live') ?? 0) + (counts.get('polling') ?? 0);
  if (live === total) return { health: 'ok', text: `${total} stream${total === 1 ? '' : 's'} live` };
  const others = [...counts]
    .filter(([st]) => st !== 'live' && st !== 'polling')
    .map(([st, n]) => `${n} ${st}`);
  return { health: worst, text: [`${live} live`, ...others].join(' · ') };
}

export function StatusBar() {
  const api = useApi();
  const info = useAppInfo();
  const error = useSettingsError();
  const marketError = useMarket((s) => s.error);
  const { alerts } = useStores();
  const today = useAlerts((s) => s.today);
  const setTab = useUi((s) => s.setBottomTab);
  const streamHealth = useStreamHealth();
  // The stream states shown are the last the core sent: with the link down they are not current.
  const link = useCoreLink();
  const { health, text } =
    link === 'open'
      ? streamHealth
      : link === 'lost'
        ? { health: 'bad' as const, text: 'core disconnected: nothing is updating' }
        : { health: 'warn' as const, text: 'connecting to the core…' };
  const [dbBytes, setDbBytes] = useState<number>();

  useEffect(() => {
    let live = true;
    const load = () =>
      api.call('store:stats', {}).then(
        (s) => live && setDbBytes(s.databaseBytes + s.walBytes),
        () => {},
      );
    void load();
    const timer = setInterval(load, STATS_REFRESH_MS);
    return () => {
      live = false;
      clearInterval(timer);
    };
  }, [api]);

  useEffect(() => {
    const timer = setInterval(() => alerts.refreshToday(), TODAY_REFRESH_MS);
    return () => clearInterval(timer);
  }, [alerts]);

  return (
    <footer className="status-bar">
      <button
        type="button"
        className="status-item link-button"
        onClick={() => setTab('streams')}
        title="Open the Streams panel"
      >
        <span className="state-dot" data-health={health} aria-hidden="true" />
        <span data-testid="stream-health">{text}</span>
      </button>
      <button
        type="button"
        className="status-item link-button"
        onClick={() => setTab('alerts')}
        title="Open the alert history"
      >
        Alerts today: <span className="num">{today ?? '—'}</span>
      </button>
      <span className="status-item" title="Database file and write-ahead log">
        DB {dbBytes === undefined ? '—' : formatBytes(dbBytes)}
      </span>
      <span className="status-app">
        {info ? `Candlewatch ${info.version} · ${info.mode === 'headless' ? 'headless' : 'desktop'}` : ''}
      </span>
      <span className="status-error" role="alert">
        {error ?? marketError ?? ''}
      </span>
      <ClockDisplay />
    </footer>
  );
}

import { createStore, type StoreApi } from 'zustand/vanilla';
import type { ContractApi } from '../../shared/contract';
import type { Alert, MissedSummary } from '../../shared/domain/alert';
import type { SeriesKey } from '../../shared/domain/market';
import { startOfLocalDay } from '../format/time';
import { showNativeNotification } from './native-notifications';
import type { SoundPlayer } from './sound-player';

export type Toast = { alert: Alert; shownAt: number };

export type AlertsState = {
  /** newest last; each leaves after the toast seconds of the settings unless urgent (those stay until dismissed) */
  toasts: Toast[];
  /** missed-while-away summaries not yet looked at, newest last */
  missed: MissedSummary[];
  /**
   * alerts a paired server fired live while this app was disconnected, told on reconnect: delivered
   * on time by the server (the history has them as it fired them), unlike `missed`
   */
  delivered: { count: number; since: number; truncated: boolean }[];
  /** bumped on every alert change: the history table reloads when it moves */
  revision: number;
  /** alerts fired since local midnight; null until known */
  today: number | null;
};

export type AlertsStore = StoreApi<AlertsState> & {
  closeToast(alertId: number): void;
  acknowledgeMissed(): void;
  acknowledgeDelivered(): void;
  refreshToday(): void;
};

const MAX_TOASTS = 5;

export type AlertsWiring = {
  api: ContractApi;
  sound: SoundPlayer;
  /** headless mode: the browser shows native notifications; Electron's shell shows its own */
  browserNotifications: boolean;
  openChart(target: SeriesKey, time?: number): void;
  now?: () => number;
};

/** Toasts, sounds, native notifications and the counters the status bar shows, fed by alert events. */
export function createAlertsStore(w: AlertsWiring): AlertsStore {
  const now = w.now ?? Date.now;
  const store = createStore<AlertsState>(() => ({
    toasts: [],
    missed: [],
    delivered: [],
    revision: 0,
    today: null,
  }));
  const timers = new Map<number, ReturnType<typeof setTimeout>>();
  const bump = () => store.setState((s) => ({ revision: s.revision + 1 }));

  const closeToast = (alertId: number) => {
    const timer = timers.get(alertId);
    if (timer !== undefined) clearTimeout(timer);
    timers.delete(alertId);
    store.setState((s) => ({ toasts: s.toasts.filter((t) => t.alert.id !== alertId) }));
  };

  let todayRequest = 0;
  const refreshToday = () => {
    const request = ++todayRequest;
    w.api.call('alerts:counts', { filter: { from: startOfLocalDay(now()) } }).then(
      (counts) => request === todayRequest && store.setState({ today: counts.total }),
      // The status bar keeps the last count; the connection indicator says why calls fail.
      () => {},
    );
  };

  w.api.on('alert:fired', ({ alert, toast, toastSeconds }) => {
    bump();
    store.setState((s) => ({ today: s.today === null ? null : s.today + 1 }));
    if (!toast) return;
    store.setState((s) => ({ toasts: [...s.toasts, { alert, shownAt: now() }].slice(-MAX_TOASTS) }));
    if (!alert.urgent)
      timers.set(
        alert.id,
        setTimeout(() => closeToast(alert.id), toastSeconds * 1_000),
      );
  });
  w.api.on('alerts:missed-summary', (summary) => {
    bump();
    store.setState((s) => ({ missed: [...s.missed, summary] }));
  });
  w.api.on('remote:alerts-delivered', ({ alerts, since, truncated }) => {
    bump();
    refreshToday();
    store.setState((s) => ({ delivered: [...s.delivered, { count: alerts.length, since, truncated }] }));
  });
  w.api.on('alerts:status-changed', ({ ids }) => {
    bump();
    if (ids === null) {
      w.sound.stopAll();
      for (const t of store.getState().toasts) closeToast(t.alert.id);
      return;
    }
    for (const id of ids) {
      w.sound.stop(id);
      closeToast(id);
    }
  });
  w.api.on('notify:sound-requested', ({ alertId, sound, volume, repeatEverySeconds }) => {
    if (alertId !== null && repeatEverySeconds !== null)
      w.sound.repeat(alertId, sound, volume, repeatEverySeconds);
    else w.sound.play(sound, volume);
  });
  if (w.browserNotifications) {
    w.api.on('notify:native-requested', (request) =>
      showNativeNotification(request, (target) => target && w.openChart(target)),
    );
  }
  w.api.on('shell:notification-clicked', ({ target }) => w.openChart(target));

  refreshToday();
  return {
    ...store,
    closeToast,
    acknowledgeMissed: () => store.setState({ missed: [] }),
    acknowledgeDelivered: () => store.setState({ delivered: [] }),
    refreshToday,
  };
}

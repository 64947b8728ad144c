import { createStore, type StoreApi } from 'zustand/vanilla';
import type { RuleView } from '../../shared/contract/methods/signals';
import type { Transport } from '../transport/transport';

export type RulesState = {
  rules: RuleView[];
  unreadable: { id: number; name: string; error: string }[];
  loaded: boolean;
  error: string | null;
};

export type RulesStore = StoreApi<RulesState> & { reload(): Promise<void> };

/**
 * Every rule, as rules:list gives them; reloaded when rules:changed says so and after a reconnect,
 * their readiness patched as rules:readiness-changed reports it.
 */
export function createRulesStore(transport: Transport): RulesStore {
  const { api } = transport;
  const store = createStore<RulesState>(() => ({ rules: [], unreadable: [], loaded: false, error: null }));
  let request = 0;
  const reload = async () => {
    const mine = ++request;
    try {
      const { rules, unreadable } = await api.call('rules:list', {});
      if (mine === request) store.setState({ rules, unreadable, loaded: true, error: null });
    } catch (err) {
      if (mine === request) store.setState({ error: err instanceof Error ? err.message : String(err) });
    }
  };
  api.on('rules:changed', () => void reload());
  // Readiness moves with the streams (armed, warming up n of m, waiting, error): patched in place.
  api.on('rules:readiness-changed', ({ rules: changed }) => {
    const byId = new Map(changed.map((c) => [c.id, c.readiness]));
    const { rules } = store.getState();
    if (!rules.some((r) => byId.has(r.id))) return;
    store.setState({ rules: rules.map((r) => (byId.has(r.id) ? { ...r, readiness: byId.get(r.id)! } : r)) });
  });
  let connectedBefore = transport.connectionState() === 'open';
  transport.onConnectionStateChange((state) => {
    if (state !== 'open') return;
    if (connectedBefore) void reload();
    connectedBefore = true;
  });
  void reload();
  return { ...store, reload };
}

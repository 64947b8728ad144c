import { createStore, type StoreApi } from 'zustand/vanilla';
import type { MethodInput } from '../../shared/contract';
import type { Settings } from '../../shared/domain/settings';
import type { Transport } from '../transport/transport';

export type SettingsState = {
  /** undefined until the first answer of settings:get. */
  settings: Settings | undefined;
  /** The last failure to load or save, in words for the status bar. */
  error: string | undefined;
};

export type SettingsStore = StoreApi<SettingsState> & {
  update(patch: MethodInput<'settings:update'>): Promise<void>;
};

/**
 * The settings as the core stores them. Kept fresh by settings:changed (another window or browser
 * tab may change them) and reloaded after a reconnect, when events may have been missed.
 */
export function createSettingsStore(transport: Transport): SettingsStore {
  const store = createStore<SettingsState>(() => ({ settings: undefined, error: undefined }));
  const { api } = transport;

  const load = () =>
    api.call('settings:get', {}).then(
      (settings) => store.setState({ settings, error: undefined }),
      (err: unknown) => store.setState({ error: `Settings could not be loaded: ${messageOf(err)}` }),
    );

  api.on('settings:changed', (settings) => store.setState({ settings }));
  let connectedBefore = transport.connectionState() === 'open';
  transport.onConnectionStateChange((state) => {
    if (state !== 'open') return;
    if (connectedBefore) void load();
    connectedBefore = true;
  });
  // The WebSocket client holds calls until the socket opens, so this is the first load either way.
  void load();

  return {
    ...store,
    async update(patch) {
      try {
        const settings = await api.call('settings:update', patch);
        store.setState({ settings, error: undefined });
      } catch (err) {
        store.setState({ error: `Settings were not saved: ${messageOf(err)}` });
      }
    },
  };
}

const messageOf = (err: unknown) => (err instanceof Error ? err.message : String(err));

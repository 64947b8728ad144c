import { createContext, useContext, type ReactNode } from 'react';
import { useStore } from 'zustand';
import type { Settings } from '../../shared/domain/settings';
import type { SettingsStore } from './settings-store';

const SettingsContext = createContext<SettingsStore | undefined>(undefined);

export function SettingsProvider({ store, children }: { store: SettingsStore; children: ReactNode }) {
  return <SettingsContext.Provider value={store}>{children}</SettingsContext.Provider>;
}

export function useSettingsStore(): SettingsStore {
  const store = useContext(SettingsContext);
  if (!store) throw new Error('useSettingsStore needs a <SettingsProvider> above it');
  return store;
}

/** undefined while the first settings:get is on its way. */
export function useSettings(): Settings | undefined {
  return useStore(useSettingsStore(), (s) => s.settings);
}

export function useSettingsError(): string | undefined {
  return useStore(useSettingsStore(), (s) => s.error);
}

import { createContext, useContext, type ReactNode } from 'react';
import { useStore } from 'zustand';
import type { AlertsState, AlertsStore } from '../alerts/alerts-store';
import type { SoundPlayer } from '../alerts/sound-player';
import type { RulesState, RulesStore } from '../rules/rules-store';
import type { MarketState, MarketStore } from './market-store';
import type { UiActions, UiState, UiStore } from './ui-store';

export type Stores = {
  ui: UiStore;
  market: MarketStore;
  alerts: AlertsStore;
  rules: RulesStore;
  sound: SoundPlayer;
};

const StoresContext = createContext<Stores | undefined>(undefined);

export function StoresProvider({ stores, children }: { stores: Stores; children: ReactNode }) {
  return <StoresContext.Provider value={stores}>{children}</StoresContext.Provider>;
}

export function useStores(): Stores {
  const stores = useContext(StoresContext);
  if (!stores) throw new Error('useStores needs a <StoresProvider> above it');
  return stores;
}

/** A slice of the UI state; the component re-renders only when that slice changes. */
export function useUi<T>(select: (s: UiState & UiActions) => T): T {
  return useStore(useStores().ui, select);
}

export function useMarket<T>(select: (s: MarketState) => T): T {
  return useStore(useStores().market, select);
}

export function useAlerts<T>(select: (s: AlertsState) => T): T {
  return useStore(useStores().alerts, select);
}

export function useRules<T>(select: (s: RulesState) => T): T {
  return useStore(useStores().rules, select);
}

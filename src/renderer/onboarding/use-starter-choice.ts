import { useState } from 'react';
import { useSettingsStore } from '../settings/SettingsProvider';
import { useUi } from '../state/StoresProvider';
import { starterSettings, type StarterChoice } from './onboarding';

/** Applies a first-run choice and opens its first chart; `busy` is the choice being applied. */
export function useStarterChoice(): {
  busy: StarterChoice | undefined;
  choose(c: StarterChoice): Promise<void>;
} {
  const settings = useSettingsStore();
  const openChart = useUi((s) => s.openChart);
  const [busy, setBusy] = useState<StarterChoice>();
  const choose = async (choice: StarterChoice) => {
    setBusy(choice);
    const patch = starterSettings(choice);
    await settings.update(patch);
    setBusy(undefined);
    const first = patch.watchlist[0];
    if (first && settings.getState().error === undefined)
      openChart({ exchange: first.exchange, symbol: first.symbol }, { timeframe: '1m' });
  };
  return { busy, choose };
}

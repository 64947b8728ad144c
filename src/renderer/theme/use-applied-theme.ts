import { useEffect, useSyncExternalStore } from 'react';
import { useSettings } from '../settings/SettingsProvider';
import {
  applyResolvedTheme,
  onSystemThemeChange,
  rememberThemeChoice,
  systemPrefersDark,
} from './apply-theme';
import { resolveTheme } from './theme-choice';

/** Keeps the page's colours in step with the theme setting and, for "system", with the OS. */
export function useAppliedTheme(): void {
  const choice = useSettings()?.appearance.theme;
  const prefersDark = useSyncExternalStore(onSystemThemeChange, systemPrefersDark);
  useEffect(() => {
    // Until the settings arrive, the theme applied from the cache at start stays.
    if (choice === undefined) return;
    applyResolvedTheme(resolveTheme(choice, prefersDark));
    rememberThemeChoice(choice);
  }, [choice, prefersDark]);
}

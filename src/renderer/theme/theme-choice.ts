import type { Settings } from '../../shared/domain/settings';

export type ThemeChoice = Settings['appearance']['theme'];
export type ResolvedTheme = 'dark' | 'light';

export const THEME_CHOICES: readonly { value: ThemeChoice; label: string }[] = [
  { value: 'dark', label: 'Dark' },
  { value: 'light', label: 'Light' },
  { value: 'system', label: 'System' },
];

const CACHE_KEY = 'candlewatch.theme';

export const resolveTheme = (choice: ThemeChoice, systemPrefersDark: boolean): ResolvedTheme =>
  choice === 'system' ? (systemPrefersDark ? 'dark' : 'light') : choice;

const isThemeChoice = (value: unknown): value is ThemeChoice => THEME_CHOICES.some((c) => c.value === value);

/**
 * The settings live in the core and arrive after the first round trip; the last choice is cached
 * locally so the page does not flash the wrong theme while it waits.
 */
export function readCachedThemeChoice(storage: Pick<Storage, 'getItem'> | undefined): ThemeChoice {
  try {
    const value = storage?.getItem(CACHE_KEY);
    return isThemeChoice(value) ? value : 'system';
  } catch {
    return 'system';
  }
}

export function cacheThemeChoice(storage: Pick<Storage, 'setItem'> | undefined, choice: ThemeChoice): void {
  try {
    storage?.setItem(CACHE_KEY, choice);
  } catch {
    // Storage disabled: the theme then follows the system until the settings arrive.
  }
}

import {
  cacheThemeChoice,
  readCachedThemeChoice,
  resolveTheme,
  type ResolvedTheme,
  type ThemeChoice,
} from './theme-choice';

const DARK_QUERY = '(prefers-color-scheme: dark)';

/** theme.css keys every colour off this attribute. */
export function applyResolvedTheme(theme: ResolvedTheme): void {
  document.documentElement.dataset.theme = theme;
}

export const systemPrefersDark = (): boolean => window.matchMedia(DARK_QUERY).matches;

export function onSystemThemeChange(listener: () => void): () => void {
  const query = window.matchMedia(DARK_QUERY);
  query.addEventListener('change', listener);
  return () => query.removeEventListener('change', listener);
}

export function localStorageOrUndefined(): Storage | undefined {
  try {
    return window.localStorage;
  } catch {
    // Reading localStorage throws when the browser blocks storage for the site.
    return undefined;
  }
}

/** Before the first render: the cached choice, so the first paint already has the right colours. */
export function applyCachedTheme(): void {
  applyResolvedTheme(resolveTheme(readCachedThemeChoice(localStorageOrUndefined()), systemPrefersDark()));
}

export function rememberThemeChoice(choice: ThemeChoice): void {
  cacheThemeChoice(localStorageOrUndefined(), choice);
}

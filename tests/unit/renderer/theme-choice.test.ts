import { describe, expect, it } from 'vitest';
import {
  cacheThemeChoice,
  readCachedThemeChoice,
  resolveTheme,
} from '../../../src/renderer/theme/theme-choice';

describe('theme choice', () => {
  it('resolves system from the OS preference and keeps explicit choices', () => {
    expect(resolveTheme('system', true)).toBe('dark');
    expect(resolveTheme('system', false)).toBe('light');
    expect(resolveTheme('dark', false)).toBe('dark');
    expect(resolveTheme('light', true)).toBe('light');
  });

  it('caches the choice and ignores a cached value it does not know', () => {
    const map = new Map<string, string>();
    const storage = {
      getItem: (k: string) => map.get(k) ?? null,
      setItem: (k: string, v: string) => void map.set(k, v),
    };
    expect(readCachedThemeChoice(storage)).toBe('system');
    cacheThemeChoice(storage, 'light');
    expect(readCachedThemeChoice(storage)).toBe('light');
    map.set([...map.keys()][0]!, 'neon');
    expect(readCachedThemeChoice(storage)).toBe('system');
    expect(readCachedThemeChoice(undefined)).toBe('system');
  });
});

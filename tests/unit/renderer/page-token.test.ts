import { describe, expect, it } from 'vitest';
import { takePageToken } from '../../../src/renderer/transport/page-token';

function fakePage(url: string, storage: Map<string, string> | undefined = new Map()) {
  const parsed = new URL(url);
  const replaced: string[] = [];
  return {
    location: { pathname: parsed.pathname, search: parsed.search, hash: parsed.hash },
    history: {
      state: null,
      replaceState: (_s: unknown, _t: string, u?: string | URL | null) => replaced.push(String(u)),
    },
    storage: storage && {
      getItem: (k: string) => storage.get(k) ?? null,
      setItem: (k: string, v: string) => void storage.set(k, v),
    },
    replaced,
  };
}

describe('page token', () => {
  it('takes the token from the URL, keeps it for this tab and cleans the address bar', () => {
    const stored = new Map<string, string>();
    const page = fakePage('http://127.0.0.1:4000/?token=abc_DEF-1&view=x#chart', stored);
    expect(takePageToken(page.location, page.history, page.storage)).toBe('abc_DEF-1');
    expect(page.replaced).toEqual(['/?view=x#chart']);
    expect([...stored.values()]).toEqual(['abc_DEF-1']);
  });

  it('finds the kept token after a reload, when the URL no longer has it', () => {
    const stored = new Map<string, string>();
    const first = fakePage('http://127.0.0.1:4000/?token=kept', stored);
    takePageToken(first.location, first.history, first.storage);
    const reload = fakePage('http://127.0.0.1:4000/', stored);
    expect(takePageToken(reload.location, reload.history, reload.storage)).toBe('kept');
    expect(reload.replaced).toEqual([]);
  });

  it('works without storage and says when there is no token', () => {
    const page = fakePage('http://127.0.0.1:4000/?token=mem', undefined);
    expect(takePageToken(page.location, page.history, undefined)).toBe('mem');
    expect(page.replaced).toEqual(['/']);
    const none = fakePage('http://127.0.0.1:4000/');
    expect(takePageToken(none.location, none.history, none.storage)).toBeUndefined();
  });

  it('survives storage that throws', () => {
    const page = fakePage('http://127.0.0.1:4000/?token=t');
    const throwing = {
      getItem: () => {
        throw new Error('SecurityError');
      },
      setItem: () => {
        throw new Error('QuotaExceededError');
      },
    };
    expect(takePageToken(page.location, page.history, throwing)).toBe('t');
    const reload = fakePage('http://127.0.0.1:4000/');
    expect(takePageToken(reload.location, reload.history, throwing)).toBeUndefined();
  });
});

const STORAGE_KEY = 'candlewatch.token';

type PageLocation = Pick<Location, 'pathname' | 'search' | 'hash'>;
type PageHistory = Pick<History, 'replaceState' | 'state'>;
type TokenStorage = Pick<Storage, 'getItem' | 'setItem'>;

/**
 * The headless server prints a URL with `?token=`. The page takes the token out of the address bar
 * at once (so it is not bookmarked, shared in a screenshot or kept in history) and keeps it in
 * sessionStorage, which survives a reload of this tab and nothing else.
 */
export function takePageToken(
  location: PageLocation,
  history: PageHistory,
  storage: TokenStorage | undefined,
): string | undefined {
  const params = new URLSearchParams(location.search);
  const fromUrl = params.get('token');
  if (fromUrl) {
    try {
      storage?.setItem(STORAGE_KEY, fromUrl);
    } catch {
      // Storage can be disabled or full: the token then lives in memory until the tab reloads.
    }
    params.delete('token');
    const query = params.toString();
    history.replaceState(
      history.state,
      '',
      `${location.pathname}${query ? `?${query}` : ''}${location.hash}`,
    );
    return fromUrl;
  }
  try {
    return storage?.getItem(STORAGE_KEY) ?? undefined;
  } catch {
    return undefined;
  }
}

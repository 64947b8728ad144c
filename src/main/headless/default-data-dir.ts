import { posix, win32 } from 'node:path';

/**
 * Where headless mode keeps its database when no --data-dir is given: the platform's folder for
 * per-user application data (XDG Base Directory on Linux and the BSDs).
 */
export function defaultDataDir(
  platform: NodeJS.Platform,
  env: Readonly<Record<string, string | undefined>>,
  home: string,
): string {
  if (platform === 'win32') {
    return win32.join(env.APPDATA || win32.join(home, 'AppData', 'Roaming'), 'Candlewatch');
  }
  if (platform === 'darwin') return posix.join(home, 'Library', 'Application Support', 'Candlewatch');
  // The XDG spec says a relative XDG_DATA_HOME is invalid and must be ignored.
  const xdg = env.XDG_DATA_HOME;
  const base = xdg && posix.isAbsolute(xdg) ? xdg : posix.join(home, '.local', 'share');
  return posix.join(base, 'candlewatch');
}

import type { Logger } from '../core/base/log';

/** The part of Electron's shell this module uses. */
export type ShellLike = { openExternal(url: string): Promise<void> };

const MAX_URL_LENGTH = 2048;

/**
 * The only URLs handed to the OS: http(s) with a host and without credentials. Anything else
 * (file:, javascript:, smb:, custom app schemes) could start a local program with arguments the
 * page chose (Electron security checklist, "Do not use shell.openExternal with untrusted content");
 * `https://exchange.com@evil.example` is refused because the user would read the wrong host.
 */
export function parseExternalUrl(raw: unknown): URL | undefined {
  if (typeof raw !== 'string' || raw.length > MAX_URL_LENGTH) return undefined;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return undefined;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return undefined;
  if (!url.hostname || url.username || url.password) return undefined;
  return url;
}

/** Opens a link in the system browser if it passes parseExternalUrl; returns whether it did. */
export function openExternalLink(shell: ShellLike, raw: unknown, log: Logger): boolean {
  const url = parseExternalUrl(raw);
  if (!url) {
    log.warn('refused to open a link outside the app', {
      scheme: typeof raw === 'string' ? raw.split(':')[0] : null,
    });
    return false;
  }
  const opening = shell.openExternal(url.href); // eng-disable OPEN_EXTERNAL_JS_CHECK (validated just above)
  opening.catch((err: unknown) => log.warn('the system browser did not open the link', { error: err }));
  return true;
}

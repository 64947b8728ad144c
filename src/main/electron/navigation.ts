import type { Logger } from '../core/base/log';
import { openExternalLink, type ShellLike } from './external-links';
import { originOf } from './trusted-sender';

type Preventable = { preventDefault(): void };

/** The parts of Electron's WebContents that can take the window somewhere else. */
export type NavigableContentsLike = {
  on(event: 'will-navigate' | 'will-redirect', listener: (event: Preventable, url: string) => void): unknown;
  on(event: 'will-attach-webview', listener: (event: Preventable) => void): unknown;
  setWindowOpenHandler(handler: (details: { url: string }) => { action: 'deny' }): void;
};

/**
 * The page never leaves our origin and never opens a window (Electron security checklist, "Disable
 * or limit navigation" and "... creation of new windows"). A link click or window.open to an http(s)
 * URL goes to the system browser instead; a <webview> is never attached. Applied to every
 * webContents the app creates, so a future window cannot forget it.
 */
export function hardenWebContents(
  contents: NavigableContentsLike,
  opts: { trustedOrigins: ReadonlySet<string>; shell: ShellLike; log: Logger },
): void {
  const { trustedOrigins, shell, log } = opts;
  contents.on('will-navigate', (event, url) => {
    // The renderer is a single page: any navigation it starts is a link meant for the browser.
    event.preventDefault();
    openExternalLink(shell, url, log);
  });
  contents.on('will-redirect', (event, url) => {
    const origin = originOf(url);
    if (origin === undefined || !trustedOrigins.has(origin)) {
      event.preventDefault();
      log.warn('blocked a redirect away from the app', { origin: origin ?? null });
    }
  });
  contents.on('will-attach-webview', (event) => {
    event.preventDefault();
    log.warn('blocked a <webview>');
  });
  contents.setWindowOpenHandler(({ url }) => {
    openExternalLink(shell, url, log);
    return { action: 'deny' };
  });
}

/**
 * The UI needs no browser permission (notifications are shown by main, not by the page), so every
 * request is refused and logged (Electron security checklist, "Handle session permission requests").
 */
export function refusePermissionRequest(
  log: Logger,
): (webContents: unknown, permission: string, callback: (granted: boolean) => void) => void {
  return (_webContents, permission, callback) => {
    log.info('denied a permission request', { permission });
    callback(false);
  };
}

/** Synchronous permission and device checks get the same answer as requests. */
export const refusePermissionCheck = (): boolean => false;

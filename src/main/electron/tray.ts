import type { MenuItemTemplate } from './app-menu';

/** The part of Electron's Tray the shell uses. */
export type TrayLike = {
  setToolTip(text: string): void;
  setContextMenu(menu: unknown): void;
  on(event: 'click', listener: () => void): unknown;
  destroy(): void;
};

/**
 * The tray icon keeps Candlewatch reachable while its window is hidden (closing the window hides
 * it: alerts must keep firing). Click or "Show" brings the window back; "Quit" quits for real.
 */
export function createTray<T extends TrayLike>(deps: {
  createTray(): T;
  buildMenu(template: MenuItemTemplate[]): unknown;
  show(): void;
  quit(): void;
}): T {
  const tray = deps.createTray();
  tray.setToolTip('Candlewatch');
  tray.setContextMenu(
    deps.buildMenu([
      { label: 'Show Candlewatch', click: deps.show },
      { type: 'separator' },
      { label: 'Quit', click: deps.quit },
    ]),
  );
  // Windows and most Linux trays report a left click; macOS opens the menu instead.
  tray.on('click', deps.show);
  return tray;
}

/**
 * The application menu as a template for Menu.buildFromTemplate. Roles give each platform its
 * native items and shortcuts (copy/paste in text fields need the Edit menu on macOS).
 */
export type MenuItemTemplate = {
  label?: string;
  role?:
    | 'appMenu'
    | 'editMenu'
    | 'windowMenu'
    | 'reload'
    | 'toggleDevTools'
    | 'resetZoom'
    | 'zoomIn'
    | 'zoomOut'
    | 'togglefullscreen'
    | 'about';
  type?: 'separator';
  accelerator?: string;
  click?: () => void;
  submenu?: MenuItemTemplate[];
};

export function buildAppMenuTemplate(opts: {
  platform: NodeJS.Platform;
  /** DevTools only in development: a packaged app has nothing to debug in the page. */
  devTools: boolean;
  quit(): void;
}): MenuItemTemplate[] {
  const isMac = opts.platform === 'darwin';
  const quit: MenuItemTemplate = { label: 'Quit Candlewatch', accelerator: 'CmdOrCtrl+Q', click: opts.quit };
  const view: MenuItemTemplate[] = [
    { role: 'reload' },
    ...(opts.devTools ? [{ role: 'toggleDevTools' } as const] : []),
    { type: 'separator' },
    { role: 'resetZoom' },
    { role: 'zoomIn' },
    { role: 'zoomOut' },
    { type: 'separator' },
    { role: 'togglefullscreen' },
  ];
  return [
    ...(isMac ? [{ role: 'appMenu' } as const] : [{ label: 'File', submenu: [quit] }]),
    { role: 'editMenu' },
    { label: 'View', submenu: view },
    { role: 'windowMenu' },
    // macOS has "About" in the app menu already.
    ...(isMac ? [] : [{ label: 'Help', submenu: [{ role: 'about' } as const] }]),
  ];
}

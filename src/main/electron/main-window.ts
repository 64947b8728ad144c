import type { Logger } from '../core/base/log';
import { MIN_HEIGHT, MIN_WIDTH, saveWindowBounds, type Rect, type WindowBounds } from './window-bounds';

type Preventable = { preventDefault(): void };

/** The part of Electron's BrowserWindow the shell uses. */
export type BrowserWindowLike = {
  readonly webContents: { readonly id: number };
  on(event: 'close', listener: (event: Preventable) => void): unknown;
  on(event: 'resize' | 'move' | 'closed', listener: () => void): unknown;
  once(event: 'ready-to-show', listener: () => void): unknown;
  loadURL(url: string): Promise<void>;
  show(): void;
  hide(): void;
  focus(): void;
  restore(): void;
  maximize(): void;
  isMinimized(): boolean;
  isMaximized(): boolean;
  isDestroyed(): boolean;
  getNormalBounds(): Rect;
};

/** What the shell passes to `new BrowserWindow(...)`: a subset of BrowserWindowConstructorOptions. */
export type MainWindowOptions = {
  x?: number;
  y?: number;
  width: number;
  height: number;
  minWidth: number;
  minHeight: number;
  show: boolean;
  title: string;
  icon?: string;
  backgroundColor: string;
  webPreferences: {
    preload: string;
    contextIsolation: boolean;
    sandbox: boolean;
    nodeIntegration: boolean;
    nodeIntegrationInWorker: boolean;
    nodeIntegrationInSubFrames: boolean;
    webSecurity: boolean;
    allowRunningInsecureContent: boolean;
    experimentalFeatures: boolean;
    webviewTag: boolean;
    navigateOnDragDrop: boolean;
    safeDialogs: boolean;
    disableBlinkFeatures: string;
    backgroundThrottling: boolean;
    spellcheck: boolean;
  };
};

export type BrowserWindowConstructor<W extends BrowserWindowLike> = new (options: MainWindowOptions) => W;

/** Resize and move fire continuously while dragging: save once the window settles. */
const SAVE_BOUNDS_DELAY_MS = 500;

/**
 * Creates the one window. Its renderer is untrusted by design: isolated, sandboxed, no Node, web
 * security on; it reaches main only through the preload bridge. Closing the window hides it (the
 * tray brings it back) so alerts keep firing and streams keep running; only `isQuitting()` lets it
 * close. Bounds are saved on close and after moves, and restored by the caller.
 */
export function createMainWindow<W extends BrowserWindowLike>(deps: {
  BrowserWindow: BrowserWindowConstructor<W>;
  preloadPath: string;
  iconPath?: string;
  bounds: WindowBounds;
  boundsFile: string;
  isQuitting(): boolean;
  log: Logger;
}): W {
  const { BrowserWindow, bounds, log } = deps;
  const window = new BrowserWindow({
    ...(bounds.x !== undefined && bounds.y !== undefined ? { x: bounds.x, y: bounds.y } : {}),
    width: bounds.width,
    height: bounds.height,
    minWidth: MIN_WIDTH,
    minHeight: MIN_HEIGHT,
    show: false,
    title: 'Candlewatch',
    ...(deps.iconPath ? { icon: deps.iconPath } : {}),
    // Painted before the first frame, so a dark UI does not flash white at start.
    backgroundColor: '#11151c',
    webPreferences: {
      // The preload exposes one frozen object with `call` and `onEvent` (src/preload/bridge.ts).
      preload: deps.preloadPath, // eng-disable PRELOAD_JS_CHECK
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      safeDialogs: true,
      // Middle click (auxclick) would open links without the window-open handler's say.
      disableBlinkFeatures: 'Auxclick',
      // A minimized or hidden window must keep applying live data and timers at full rate.
      backgroundThrottling: false,
      spellcheck: false,
    },
  });
  if (bounds.maximized) window.maximize();
  window.once('ready-to-show', () => window.show());

  const currentBounds = (): WindowBounds => {
    const { x, y, width, height } = window.getNormalBounds();
    return { x, y, width, height, maximized: window.isMaximized() };
  };
  let saveTimer: ReturnType<typeof setTimeout> | undefined;
  const saveSoon = () => {
    clearTimeout(saveTimer);
    saveTimer = setTimeout(() => {
      if (!window.isDestroyed()) saveWindowBounds(deps.boundsFile, currentBounds(), log);
    }, SAVE_BOUNDS_DELAY_MS);
  };
  window.on('resize', saveSoon);
  window.on('move', saveSoon);
  window.on('close', (event) => {
    clearTimeout(saveTimer);
    saveWindowBounds(deps.boundsFile, currentBounds(), log);
    if (!deps.isQuitting()) {
      event.preventDefault();
      window.hide();
    }
  });
  window.on('closed', () => clearTimeout(saveTimer));
  return window;
}

/** Brings the window to the front: from the tray, a second launch, a notification click. */
export function revealWindow(window: BrowserWindowLike | undefined): void {
  if (!window || window.isDestroyed()) return;
  if (window.isMinimized()) window.restore();
  window.show();
  window.focus();
}

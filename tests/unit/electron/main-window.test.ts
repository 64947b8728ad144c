import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { silentLogger } from '../../../src/main/core/base/log';
import { createMainWindow, revealWindow } from '../../../src/main/electron/main-window';
import { DEFAULT_BOUNDS, type WindowBounds } from '../../../src/main/electron/window-bounds';
import { FakeBrowserWindow, FakeEvent } from './fakes';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'cw-window-'));
  FakeBrowserWindow.created = [];
});
afterEach(() => {
  vi.useRealTimers();
  rmSync(dir, { recursive: true, force: true });
});

function open(bounds: WindowBounds = DEFAULT_BOUNDS, quitting = { value: false }) {
  return createMainWindow({
    BrowserWindow: FakeBrowserWindow,
    preloadPath: '/app/out/preload/index.cjs',
    bounds,
    boundsFile: join(dir, 'window-bounds.json'),
    isQuitting: () => quitting.value,
    log: silentLogger(),
  });
}

describe('main window', () => {
  it('is created with the secure web preferences', () => {
    const window = open();
    expect(FakeBrowserWindow.created).toEqual([window]);
    expect(window.options.webPreferences).toEqual({
      preload: '/app/out/preload/index.cjs',
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
      disableBlinkFeatures: 'Auxclick',
      backgroundThrottling: false,
      spellcheck: false,
    });
    expect(window.options.show).toBe(false);
  });

  it('opens where it was and shows itself once the first frame is ready', () => {
    const window = open({ x: 50, y: 60, width: 900, height: 600, maximized: true });
    expect(window.options).toMatchObject({ x: 50, y: 60, width: 900, height: 600 });
    expect(window.calls).toEqual(['maximize']);
    window.emit('ready-to-show');
    expect(window.calls).toEqual(['maximize', 'show']);
  });

  it('lets the OS centre it when no position was saved', () => {
    const window = open();
    expect(window.options).not.toHaveProperty('x');
    expect(window.options).not.toHaveProperty('y');
  });

  it('hides instead of closing, so alerts keep firing, and saves its bounds', () => {
    const window = open();
    const close = new FakeEvent();
    window.emit('close', close);
    expect(close.defaultPrevented).toBe(true);
    expect(window.calls).toContain('hide');
    expect(JSON.parse(readFileSync(join(dir, 'window-bounds.json'), 'utf8'))).toEqual({
      x: 10,
      y: 20,
      width: 1000,
      height: 700,
      maximized: false,
    });
  });

  it('closes for real when the app quits', () => {
    const quitting = { value: false };
    const window = open(DEFAULT_BOUNDS, quitting);
    quitting.value = true;
    const close = new FakeEvent();
    window.emit('close', close);
    expect(close.defaultPrevented).toBe(false);
    expect(window.calls).not.toContain('hide');
  });

  it('saves the bounds once moving or resizing settles', () => {
    vi.useFakeTimers();
    const window = open();
    window.normalBounds = { x: 100, y: 120, width: 1100, height: 720 };
    window.emit('move');
    window.emit('resize');
    expect(() => readFileSync(join(dir, 'window-bounds.json'))).toThrow();
    vi.runAllTimers();
    expect(JSON.parse(readFileSync(join(dir, 'window-bounds.json'), 'utf8'))).toMatchObject({
      x: 100,
      width: 1100,
    });
  });

  it('reveal restores a minimized window, shows and focuses it; ignores a destroyed one', () => {
    const window = open();
    window.minimized = true;
    revealWindow(window);
    expect(window.calls).toEqual(['restore', 'show', 'focus']);
    window.destroyed = true;
    revealWindow(window);
    revealWindow(undefined);
    expect(window.calls).toEqual(['restore', 'show', 'focus']);
  });
});

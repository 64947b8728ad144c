// Stand-ins for the Electron objects the shell modules take as interfaces. Nothing here (or in any
// test) loads the real `electron` package: its binary cannot be downloaded on this machine.
import { EventEmitter } from 'node:events';
import type { Result } from '../../../src/shared/contract';
import { createLogger, type LogRecord, type Logger } from '../../../src/main/core/base/log';
import type { MainWindowOptions } from '../../../src/main/electron/main-window';
import type { IpcEventLike, FrameLike } from '../../../src/main/electron/trusted-sender';

export const WINDOW_ID = 7;

/** A logger that keeps its records, so tests can check what was (and was not) logged. */
export function recordingLogger(): { log: Logger; records: LogRecord[] } {
  const records: LogRecord[] = [];
  return { log: createLogger((r) => records.push(r), { level: 'debug' }), records };
}

type InvokeListener = (event: IpcEventLike, ...args: unknown[]) => Promise<Result<unknown>>;

/** ipcMain that records handlers; `invoke` calls one as Electron would. */
export class FakeIpcMain {
  readonly handlers = new Map<string, InvokeListener>();

  handle(channel: string, listener: InvokeListener): void {
    if (this.handlers.has(channel))
      throw new Error(`Attempted to register a second handler for '${channel}'`);
    this.handlers.set(channel, listener);
  }

  removeHandler(channel: string): void {
    this.handlers.delete(channel);
  }

  invoke(channel: string, event: IpcEventLike, ...args: unknown[]): Promise<Result<unknown>> {
    const listener = this.handlers.get(channel);
    if (!listener) throw new Error(`No handler registered for '${channel}'`);
    return listener(event, ...args);
  }
}

export const mainFrame = (url: string): FrameLike => ({ url, parent: null });
export const subFrame = (url: string, parentUrl = 'app://candlewatch/index.html'): FrameLike => ({
  url,
  parent: mainFrame(parentUrl),
});
export const ipcEvent = (frame: FrameLike | null, senderId = WINDOW_ID): IpcEventLike => ({
  sender: { id: senderId },
  senderFrame: frame,
});

/** A preventable event as Electron passes to will-navigate and friends. */
export class FakeEvent {
  defaultPrevented = false;
  preventDefault(): void {
    this.defaultPrevented = true;
  }
}

/** WebContents with the navigation hooks; `emit` plays an event, `openHandler` is the window-open one. */
export class FakeWebContents extends EventEmitter {
  readonly id = WINDOW_ID;
  openHandler: ((details: { url: string }) => { action: 'deny' }) | undefined;
  readonly sent: unknown[][] = [];
  destroyed = false;

  setWindowOpenHandler(handler: (details: { url: string }) => { action: 'deny' }): void {
    this.openHandler = handler;
  }

  isDestroyed(): boolean {
    return this.destroyed;
  }

  send(channel: string, ...args: unknown[]): void {
    this.sent.push([channel, ...args]);
  }
}

/** BrowserWindow that records its options and what the shell did to it. */
export class FakeBrowserWindow extends EventEmitter {
  static created: FakeBrowserWindow[] = [];
  readonly webContents = new FakeWebContents();
  readonly calls: string[] = [];
  minimized = false;
  maximized = false;
  destroyed = false;
  normalBounds = { x: 10, y: 20, width: 1000, height: 700 };

  constructor(readonly options: MainWindowOptions) {
    super();
    FakeBrowserWindow.created.push(this);
  }

  async loadURL(url: string): Promise<void> {
    this.calls.push(`loadURL ${url}`);
  }
  show(): void {
    this.calls.push('show');
  }
  hide(): void {
    this.calls.push('hide');
  }
  focus(): void {
    this.calls.push('focus');
  }
  restore(): void {
    this.minimized = false;
    this.calls.push('restore');
  }
  maximize(): void {
    this.maximized = true;
    this.calls.push('maximize');
  }
  isMinimized(): boolean {
    return this.minimized;
  }
  isMaximized(): boolean {
    return this.maximized;
  }
  isDestroyed(): boolean {
    return this.destroyed;
  }
  getNormalBounds() {
    return this.normalBounds;
  }
}

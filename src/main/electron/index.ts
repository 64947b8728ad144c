// The Electron entry: the only module that imports electron. It builds the real objects and hands
// them to the small modules next to it, which take interfaces and are unit-tested with fakes.
import {
  app,
  BrowserWindow,
  dialog,
  ipcMain,
  Menu,
  nativeImage,
  Notification,
  powerMonitor,
  protocol,
  safeStorage,
  screen,
  session,
  shell,
  Tray,
  type NativeImage,
} from 'electron';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import appIconPath from '../../../assets/icons/512x512.png?asset';
import trayIconPath from '../../../assets/tray/tray-32.png?asset';
import trayTemplatePath from '../../../assets/tray/tray-template-16.png?asset';
import trayTemplate2xPath from '../../../assets/tray/tray-template-32.png?asset';
import { createCore } from '../core/app';
import { ClientSubscription } from '../core/contract/client-subscription';
import { createLogger, stderrSink } from '../core/base/log';
import { buildAppMenuTemplate } from './app-menu';
import {
  APP_ENTRY_URL,
  APP_ORIGIN,
  APP_SCHEME,
  APP_SCHEME_PRIVILEGES,
  createAppRequestHandler,
} from './app-protocol';
import { installContentSecurityPolicy } from './csp';
import { bindContract, forwardEvents } from './ipc-binding';
import { createMainWindow, revealWindow } from './main-window';
import { hardenWebContents, refusePermissionCheck, refusePermissionRequest } from './navigation';
import { createElectronNotifier } from './notifier';
import { forwardPowerEvents } from './power-events';
import { createSafeStorageSecretBox } from './secret-box';
import { acquireSingleInstance } from './single-instance';
import { createTray } from './tray';
import { probeFingerprint, parseServerAddress } from './remote/pinned-socket';
import { lastSeenAlertFile } from './remote/last-seen-alert';
import { createRemoteLink } from './remote/remote-link';
import { remoteSettingsFile } from './remote/remote-settings';
import { createShellRouter, type ShellRouter } from './remote/shell-router';
import { originOf } from './trusted-sender';
import { fitToDisplays, loadWindowBounds } from './window-bounds';

/** Must equal electron-builder's appId: Windows files notifications and taskbar pins under it. */
const APP_USER_MODEL_ID = 'org.candlewatch.app';

const log = createLogger(stderrSink);
const shellLog = log.child('electron');

// electron-vite serves the renderer in development; a packaged app never trusts that variable.
const devServerUrl = app.isPackaged ? undefined : process.env['ELECTRON_RENDERER_URL'];
const devOrigin = devServerUrl ? originOf(devServerUrl) : undefined;
const trustedOrigins: ReadonlySet<string> = new Set(devOrigin ? [APP_ORIGIN, devOrigin] : [APP_ORIGIN]);

let router: ShellRouter | undefined;
let mainWindow: BrowserWindow | undefined;
let tray: Tray | undefined;
const teardown: (() => void)[] = [];
let quitting = false;
let stopping: Promise<void> | undefined;
let stopped = false;

app.setAppUserModelId(APP_USER_MODEL_ID);
// Every renderer sandboxed, whatever its webPreferences say. Like scheme privileges, only before 'ready'.
app.enableSandbox();
protocol.registerSchemesAsPrivileged([APP_SCHEME_PRIVILEGES]);

if (!acquireSingleInstance(app, () => revealWindow(mainWindow))) {
  app.quit();
} else {
  app.on('web-contents-created', (_event, contents) => {
    hardenWebContents(contents, { trustedOrigins, shell, log: shellLog });
  });
  app.on('activate', () => revealWindow(mainWindow));
  app.on('before-quit', (event) => {
    quitting = true;
    if (stopped) return;
    // Core must flush its writer and close SQLite before the process ends (DESIGN.md, invariant 6).
    event.preventDefault();
    stopping ??= shutdown();
  });
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => app.quit());
  app
    .whenReady()
    .then(start)
    .catch((err: unknown) => {
      shellLog.error('Candlewatch could not start', { error: err });
      dialog.showErrorBox('Candlewatch could not start', err instanceof Error ? err.message : String(err));
      app.exit(1);
    });
}

async function start(): Promise<void> {
  const userData = app.getPath('userData');
  const notifier = createElectronNotifier({
    Notification,
    isSupported: () => Notification.isSupported(),
    onClick(target) {
      revealWindow(mainWindow);
      if (target) router?.tell('shell:notification-clicked', { target });
    },
    log: shellLog.child('notify'),
  });
  const secretBox = createSafeStorageSecretBox(safeStorage, process.platform);
  // The window shows this app's own core or a paired server (remote/shell-router.ts); the local core
  // is built only while it is the one shown.
  const running = createShellRouter({
    startLocal: () =>
      createCore({
        dataDir: userData,
        mode: 'electron',
        version: app.getVersion(),
        log,
        notifier,
        secretBox,
      }),
    settings: remoteSettingsFile(userData, secretBox, (message) => shellLog.warn(message)),
    openLink: (server) =>
      createRemoteLink({
        address: parseServerAddress(server.address),
        token: server.token,
        fingerprint: server.fingerprint,
        log: shellLog.child('remote'),
        lastSeen: lastSeenAlertFile(userData, server.fingerprint),
      }),
    probe: (address) => probeFingerprint(address),
    notifier,
    reloadWindow: () => mainWindow?.webContents.reload(),
    log: shellLog.child('remote'),
  });
  router = running;

  // Camera, clipboard, notifications, USB…: the page gets none of them (navigation.ts says why).
  session.defaultSession.setPermissionRequestHandler(refusePermissionRequest(shellLog));
  session.defaultSession.setPermissionCheckHandler(refusePermissionCheck);
  session.defaultSession.setDevicePermissionHandler(refusePermissionCheck);
  installContentSecurityPolicy(
    session.defaultSession.webRequest,
    (url) => devOrigin !== undefined && originOf(url) === devOrigin,
  );
  protocol.handle(APP_SCHEME, createAppRequestHandler(join(import.meta.dirname, '../renderer')));

  const boundsFile = join(userData, 'window-bounds.json');
  const window = createMainWindow({
    BrowserWindow,
    preloadPath: join(import.meta.dirname, '../preload/index.cjs'),
    // Windows and macOS take the icon from the executable; Linux needs it on the window.
    ...(process.platform === 'linux' ? { iconPath: appIconPath } : {}),
    bounds: fitToDisplays(
      loadWindowBounds(boundsFile, shellLog),
      screen.getAllDisplays().map((display) => display.workArea),
    ),
    boundsFile,
    isQuitting: () => quitting,
    log: shellLog,
  });
  mainWindow = window;
  window.webContents.on('render-process-gone', (_event, details) => {
    shellLog.error('the window renderer stopped', { reason: details.reason, exitCode: details.exitCode });
  });

  // Handlers exist before the page loads, so its first call never races the binding.
  // The window is one client of the core; a reloaded page keeps the last declaration only until
  // its stores declare theirs, which they do before the first render.
  const windowClient = { subscription: new ClientSubscription() };
  teardown.push(
    bindContract({
      ipcMain,
      dispatch: running.dispatch,
      window: { webContentsId: () => mainWindow?.webContents.id, trustedOrigins },
      client: windowClient,
      log: shellLog.child('ipc'),
    }),
    forwardEvents(running.events, () => mainWindow?.webContents, shellLog, windowClient.subscription),
  );
  forwardPowerEvents(powerMonitor, running);

  const quit = () => app.quit();
  Menu.setApplicationMenu(
    Menu.buildFromTemplate(
      buildAppMenuTemplate({ platform: process.platform, devTools: !app.isPackaged, quit }),
    ),
  );
  tray = createTray({
    createTray: () => new Tray(trayImage()),
    buildMenu: (template) => Menu.buildFromTemplate(template),
    show: () => revealWindow(mainWindow),
    quit,
  });

  await window.loadURL(devServerUrl ?? APP_ENTRY_URL);
}

/** macOS menu bars want a black template image (tinted by the OS); other trays the coloured icon. */
function trayImage(): NativeImage {
  if (process.platform !== 'darwin') return nativeImage.createFromPath(trayIconPath);
  const image = nativeImage.createFromPath(trayTemplatePath);
  image.addRepresentation({ scaleFactor: 2, buffer: readFileSync(trayTemplate2xPath) });
  image.setTemplateImage(true);
  return image;
}

async function shutdown(): Promise<void> {
  try {
    for (const undo of teardown.splice(0)) undo();
    tray?.destroy();
    await router?.stop();
  } catch (err) {
    shellLog.error('shutdown was not clean', { error: err });
  } finally {
    stopped = true;
    app.quit();
  }
}

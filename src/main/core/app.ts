import type { AppInfo } from '../../shared/contract/methods/app';
import type { ConfigFile } from './config/config-file';
import { createDispatcher, type Dispatch, type Handlers } from './contract/dispatch';
import { EventHub } from './events';
import type { Logger } from './log';
import { SettingsService } from './settings/settings-service';
import { openDatabase, type Database } from './store/database';
import { SettingsRepository } from './store/settings-repository';

export type CoreOptions = {
  dataDir: string;
  mode: AppInfo['mode'];
  version: string;
  log: Logger;
  /** Seeds settings: each section the file names replaces the stored one at start. */
  config?: ConfigFile;
};

export type Core = {
  dispatch: Dispatch;
  events: EventHub;
  info: AppInfo;
  /** The OS woke up (Electron powerMonitor) or the clock jumped (headless detector). */
  resumed(sleptMs: number): void;
  stop(): Promise<void>;
};

/** Composition root: builds every service from the options and implements the contract. */
export function createCore(opts: CoreOptions): Core {
  const log = opts.log;
  const db: Database = openDatabase(opts.dataDir);
  const events = new EventHub();
  const settings = new SettingsService(new SettingsRepository(db), log.child('settings'));
  if (opts.config) {
    const { rules: _rules, ...sections } = opts.config;
    if (Object.keys(sections).length > 0) settings.update(sections);
  }
  settings.onChange((s) => events.emit('settings:changed', s));

  const info: AppInfo = {
    name: 'Candlewatch',
    version: opts.version,
    mode: opts.mode,
    platform: process.platform,
    dataDir: opts.dataDir,
    startedAt: Date.now(),
  };

  const handlers: Handlers = {
    'app:info': () => info,
    'app:ping': ({ nonce }) => ({ nonce, serverTime: Date.now() }),
    'settings:get': () => settings.get(),
    'settings:update': (patch) => settings.update(patch),
  };

  let stopped = false;
  return {
    dispatch: createDispatcher(handlers, log.child('contract')),
    events,
    info,
    resumed(sleptMs) {
      log.info('system resumed', { sleptMs });
      events.emit('app:resumed', { sleptMs, at: Date.now() });
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      events.close();
      db.pragma('optimize');
      db.close();
    },
  };
}

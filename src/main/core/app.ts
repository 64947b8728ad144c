import type { AppInfo } from '../../shared/contract/methods/app';
import type { ConfigFile } from './config/config-file';
import { createDispatcher, type Dispatch, type Handlers } from './contract/dispatch';
import { EventHub } from './events';
import { parseConfigRules } from './alerts/rule-service';
import { createSignals } from './alerts/signals';
import { createAccounts } from './account/accounts';
import type { ClusterAttachment, LocalStore } from './cluster/cluster-node';
import { createMarketData } from './feed/market-data';
import type { Logger } from './log';
import type { Notifier } from './notify/ports';
import { telegramTokenSource } from './notify/telegram-token';
import { createHeadlessSecretBox } from './secrets/headless-secret-box';
import type { SecretBox } from './secrets/ports';
import { Redactor, redactingDispatch, redactingLogger } from './secrets/redactor';
import { createSecretHandlers } from './secrets/secret-handlers';
import { SecretStore } from './secrets/secret-store';
import { SettingsService } from './settings/settings-service';
import { openDatabase, type Database } from './store/database';
import { SettingsRepository } from './store/settings-repository';
import { BatchedCandleWriter } from './store/batched-candle-writer';
import { CandleRepository } from './store/candle-repository';
import { GapRepository } from './store/gap-repository';
import { RetentionPruner } from './store/retention-pruner';
import { SecretRepository } from './store/secret-repository';
import { SeriesRepository } from './store/series-repository';
import { createStoreHandlers } from './store/store-handlers';
import { createChartHandlers } from './chart/indicator-series';
import { createSubscriptionHandlers } from './client-subscription';

export type CoreOptions = {
  dataDir: string;
  mode: AppInfo['mode'];
  version: string;
  log: Logger;
  /** Seeds settings: each section the file names replaces the stored one at start. */
  config?: ConfigFile;
  /** Native OS notifications for alerts (the Electron shell passes one built on Notification). */
  notifier?: Notifier;
  /** Encrypts API keys at rest (the Electron shell passes one built on safeStorage). */
  secretBox?: SecretBox;
  /**
   * One collector of several sharing PostgreSQL (`npm run serve -- --store postgres://…`): given the
   * local store, it says which streams to collect and adds the shared copies (core/cluster).
   */
  cluster?: (local: LocalStore) => ClusterAttachment;
};

export type Core = {
  dispatch: Dispatch;
  events: EventHub;
  info: AppInfo;
  /** Masks every stored API credential in a text: for shells that log or send text of their own. */
  redact(text: string): string;
  /** The OS woke up (Electron powerMonitor) or the clock jumped (headless detector). */
  resumed(sleptMs: number): void;
  stop(): Promise<void>;
};

/** Composition root: builds every service from the options and implements the contract. */
export function createCore(opts: CoreOptions): Core {
  // Every log record of the core passes the redactor: a credential echoed in an error never gets out.
  const redactor = new Redactor();
  const log = redactingLogger(opts.log, redactor.redact);
  // A bad rule in the config file stops the start before anything is opened, naming the rule.
  const configRules = opts.config?.rules && parseConfigRules(opts.config.rules);
  const db: Database = openDatabase(opts.dataDir);
  const events = new EventHub();
  const settings = new SettingsService(new SettingsRepository(db), log.child('settings'));
  if (opts.config) {
    const { rules: _rules, ...sections } = opts.config;
    if (Object.keys(sections).length > 0) settings.update(sections);
  }
  settings.onChange((s) => events.emit('settings:changed', s));

  const secrets = new SecretStore(
    new SecretRepository(db),
    opts.secretBox ?? createHeadlessSecretBox({ dataDir: opts.dataDir }),
    redactor,
    log.child('secrets'),
  );
  // Store: the engine warms up from candleHistory, records gaps in gapLedger and feeds closed
  // candles to candleWriter.onUpdate.
  const series = new SeriesRepository(db);
  const candleHistory = new CandleRepository(db, series);
  const gapLedger = new GapRepository(db, series);
  const candleWriter = new BatchedCandleWriter(db, series, candleHistory, log.child('store'));
  const retention = new RetentionPruner(
    db,
    series,
    candleHistory,
    () => settings.get().data.retention,
    log.child('retention'),
  );
  retention.start();
  const cluster = opts.cluster?.({
    settings,
    gaps: gapLedger,
    seed(key, candles) {
      candleWriter.enqueue(key, candles);
      candleWriter.flush();
    },
  });

  const telegramEnvToken = process.env.CANDLEWATCH_TELEGRAM_BOT_TOKEN?.trim();
  if (telegramEnvToken) redactor.add(telegramEnvToken);
  const signals = createSignals({
    db,
    events,
    settings,
    candles: candleHistory,
    notifier: opts.notifier,
    configRules,
    // A bot token is a credential: kept encrypted in the secret store (the environment overrides
    // it), never in the settings the UI sees, and masked in every log line like the API keys.
    telegramToken: telegramTokenSource(secrets, telegramEnvToken),
    claimAlert: cluster?.claimAlert,
    log: log.child('signals'),
  });

  // Market data engine: closed candles go to the store writer, then the alert engine, then the UI.
  const market = createMarketData({
    settings: cluster?.feedSettings ?? settings,
    events,
    history: candleHistory,
    gaps: cluster?.gaps ?? gapLedger,
    candleListeners: [candleWriter.onUpdate, ...(cluster ? [cluster.candleListener] : []), signals.onCandles],
    log: log.child('market'),
    detectSleep: opts.mode === 'headless',
  });

  // Private side: keys from the secret store, fills into the alert history and the same channels.
  const accounts = createAccounts({
    db,
    events,
    settings,
    credentials: secrets,
    redactor,
    delivery: signals.dispatcher,
    marketStreams: market.handlers,
    log: log.child('account'),
  });

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
    ...createStoreHandlers({ dataDir: opts.dataDir, series, candles: candleHistory, writer: candleWriter }),
    ...createSecretHandlers(secrets),
    ...signals.handlers,
    ...market.handlers,
    ...accounts.handlers,
    ...createChartHandlers(candleHistory),
    ...createSubscriptionHandlers(),
    // A cluster node answers history, gaps and alerts for every node's streams from PostgreSQL.
    ...cluster?.handlers,
  };

  let stopped = false;
  return {
    dispatch: redactingDispatch(createDispatcher(handlers, log.child('contract')), redactor.redact),
    events,
    info,
    redact: redactor.redact,
    resumed(sleptMs) {
      log.info('system resumed', { sleptMs });
      events.emit('app:resumed', { sleptMs, at: Date.now() });
      market.resumed();
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      await accounts.stop();
      await market.stop();
      await signals.stop();
      await cluster?.stop();
      events.close();
      retention.stop();
      try {
        candleWriter.close();
      } catch (err) {
        log.error('closed candles could not be written at shutdown', {
          error: err,
          lost: candleWriter.pending,
        });
      }
      db.pragma('optimize');
      db.close();
    },
  };
}

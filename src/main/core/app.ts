import type { AppInfo } from '../../shared/contract/methods/app';
import { ContractError } from '../../shared/contract/result';
import type { ConfigFile } from './config/config-file';
import { createDispatcher, type Dispatch } from './contract/dispatch';
import { EventHub } from './events';
import { parseConfigRules } from './alerts/rule-service';
import { createAlertsModule } from './alerts/module';
import { createAccountModule } from './account/module';
import type { AccountTiming } from './account/exchange-account';
import type { ClusterAttachment, LocalStore } from './cluster/cluster-node';
import { createFeedModule } from './feed/module';
import { followRuleDemand } from './feed/rule-demand';
import type { Logger } from './base/log';
import { combineHandlers, type CoreModule } from './module';
import type { Notifier } from './notify/ports';
import { telegramTokenSource } from './notify/telegram-token';
import { createHeadlessSecretBox } from './secrets/headless-secret-box';
import { createSecretsModule } from './secrets/module';
import type { SecretBox } from './secrets/ports';
import { Redactor, redactingDispatch, redactingLogger } from './secrets/redactor';
import { movePlaintextKeys } from './secrets/plaintext-keys';
import { SettingsService } from './settings/settings-service';
import { compactDatabase } from './store/database';
import { createStoreModule } from './store/module';
import { createChartModule } from './chart/module';
import { viewedBooks, viewedSeries } from './contract/client-subscription';
import { createPairingModule, type ServerAccessPort } from './pairing/module';

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
  /** Headless mode serving other machines: its certificate and paired clients (`pairing:*`). */
  serverAccess?: ServerAccessPort;
  /**
   * One collector of several sharing PostgreSQL (`npm run serve -- --store postgres://…`): given the
   * local store, it says which streams to collect and adds the shared copies (core/cluster).
   */
  cluster?: (local: LocalStore) => ClusterAttachment;
  /** The account side's polling intervals (tests shorten them). */
  accountTiming?: Partial<AccountTiming>;
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

/** Composition root: builds every module from the options and implements the contract. */
export function createCore(opts: CoreOptions): Core {
  // Every log record of the core passes the redactor: a credential echoed in an error never gets out.
  const redactor = new Redactor();
  const log = redactingLogger(opts.log, redactor.redact);
  // A bad rule in the config file stops the start before anything is opened, naming the rule.
  const configRules = opts.config?.rules && parseConfigRules(opts.config.rules);
  const store = createStoreModule({
    dataDir: opts.dataDir,
    retention: () => settings.get().data.retention,
    log,
  });
  const events = new EventHub();
  const secretRepo = store.secrets;
  const secrets = createSecretsModule({
    repo: secretRepo,
    box:
      opts.secretBox ??
      createHeadlessSecretBox({ dataDir: opts.dataDir, hasStoredSecrets: () => secretRepo.all().length > 0 }),
    redactor,
    log: log.child('secrets'),
  });
  // Before the settings are read: keys an older version let into them move to the encrypted store.
  movePlaintextKeys({
    compact: () => compactDatabase(store.db),
    settings: store.settings,
    secrets: secrets.store,
    log: log.child('secrets'),
  });
  const settings = new SettingsService(store.settings, log.child('settings'));
  if (opts.config) {
    const { rules: _rules, ...sections } = opts.config;
    if (Object.keys(sections).length > 0) settings.update(sections);
  }
  settings.onChange((s) => events.emit('settings:changed', s));

  const cluster = opts.cluster?.({
    settings,
    gaps: store.gaps,
    seed(key, candles) {
      store.writer.enqueue(key, candles);
      store.writer.flush();
    },
  });

  const telegramEnvToken = process.env.CANDLEWATCH_TELEGRAM_BOT_TOKEN?.trim();
  if (telegramEnvToken) redactor.add(telegramEnvToken);
  const alerts = createAlertsModule({
    alerts: store.alerts,
    rules: store.rules,
    events,
    settings,
    // The database ∪ the writer's queue: the engine warms a series a rule begins to read from it,
    // and a candle still queued (250 ms, longer on a loaded machine) left a hole in the warm-up,
    // so the rule's indicators and its catch-up at binding missed the newest candles.
    candles: store.closed,
    notifier: opts.notifier,
    configRules,
    // A bot token is a credential: kept encrypted in the secret store (the environment overrides
    // it), never in the settings the UI sees, and masked in every log line like the API keys.
    telegramToken: telegramTokenSource(secrets.store, telegramEnvToken),
    claimAlert: cluster?.claimAlert,
    collectedElsewhere: cluster?.collectedElsewhere,
    log: log.child('signals'),
  });

  const chart = createChartModule({ candles: store.closed, events });

  // Market data engine: closed candles go to the store writer, then the alert engine and the
  // chart's live indicators, then the UI.
  const market = createFeedModule({
    settings: cluster?.feedSettings ?? settings,
    events,
    history: store.candles,
    gaps: cluster?.gaps ?? store.gaps,
    // Scroll-back candles go to the writer of every backfill (and a cluster's shared store), not
    // downstream: they are older than anything the rules or the live chart have seen.
    olderCandles: {
      // A cluster's shared store may hold older candles than this node's (another node collected
      // them); this node's holds those it just fetched, before the shared writer's next batch.
      first: async (key) => {
        const local = store.closed.first(key);
        const shared = await cluster?.olderCandles.first(key);
        return local === undefined || shared === undefined ? (shared ?? local) : Math.min(local, shared);
      },
      write(key, candles) {
        store.writer.enqueue(key, candles);
        cluster?.olderCandles.write(key, candles);
      },
    },
    candleListeners: [
      store.writer.onUpdate,
      ...(cluster ? [cluster.candleListener] : []),
      alerts.onCandles,
      chart.live.onUpdate,
    ],
    log: log.child('market'),
    detectSleep: opts.mode === 'headless',
  });

  // Private side: keys from the secret store, fills into the alert history and the same channels.
  const account = createAccountModule({
    accounts: store.accounts,
    alerts: store.alerts,
    events,
    settings,
    credentials: secrets.store,
    redactor,
    delivery: alerts.dispatcher,
    marketStreams: market.streams,
    log: log.child('account'),
    timing: opts.accountTiming,
  });

  // Charts and book panels stream what they show while they show it, without touching the watchlist.
  const views = viewedSeries();
  // A cluster node streams only what it holds a lease on, of the rules' series and the charts' alike.
  const demand = cluster?.feedDemand(market.feed) ?? market.feed;
  views.onChange((keys) => void demand.setViewedSeries(keys));
  // A book is stored nowhere and leased by no one: the node the page talks to streams it.
  const books = viewedBooks();
  books.onChange((refs) => void market.feed.setViewedBooks(refs));

  const info: AppInfo = {
    name: 'Candlewatch',
    version: opts.version,
    mode: opts.mode,
    platform: process.platform,
    dataDir: opts.dataDir,
    startedAt: Date.now(),
  };
  const app: CoreModule = {
    handlers: {
      'app:info': () => info,
      'app:ping': ({ nonce }) => ({ nonce, serverTime: Date.now() }),
      'settings:get': () => settings.get(),
      'settings:update': (patch) => settings.update(patch),
      'events:subscribe': (input, client) => {
        // Only a transport that keeps per-client state can honour a subscription.
        if (!client) throw new ContractError('unavailable', 'events:subscribe needs a connected client');
        const kept = client.subscription.replace(input);
        views.set(client.subscription, input.candles);
        books.set(client.subscription, input.orderbooks);
        return kept;
      },
    },
    start() {},
    stop() {},
  };

  // Started in this order (the store first, the streams that feed the others last) and stopped in
  // the reverse one, so nothing receives data from a module that is not running.
  const pairing = createPairingModule(opts.serverAccess);
  const modules = { app, store, secrets, alerts, chart, market, account, pairing };
  const handlers = combineHandlers(modules);
  // A cluster node answers history, gaps and alerts of every node's streams from PostgreSQL.
  if (cluster) Object.assign(handlers, cluster.handlers);
  for (const module of Object.values(modules)) module.start();
  // Rules own their data: the feed streams what the enabled rules read, watched or not (from the
  // rules the alerts module loaded at its start on).
  const stopFollowingRules = followRuleDemand({
    feed: demand,
    events,
    rules: () => alerts.engine.rules,
    watchlist: () => settings.get().watchlist,
    now: Date.now,
  });

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
      stopFollowingRules();
      await account.stop();
      await market.stop();
      chart.stop();
      await alerts.stop();
      await cluster?.stop();
      events.close();
      store.stop();
    },
  };
}

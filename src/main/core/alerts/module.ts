import type { signalsMethods } from '../../../shared/contract/methods/signals';
import { ContractError } from '../../../shared/contract/result';
import type { Alert } from '../../../shared/domain/alert';
import type { SeriesKey } from '../../../shared/domain/market';
import type { Rule } from '../../../shared/domain/rule';
import type { Settings } from '../../../shared/domain/settings';
import type { CandleUpdate } from '../candles/ports';
import type { Handler } from '../contract/dispatch';
import type { CoreModule } from '../module';
import type { EventHub } from '../events';
import type { Logger } from '../base/log';
import { NotifyDispatcher } from '../notify/dispatcher';
import { eventNotifier, nativeChannel, soundChannel, toastChannel } from '../notify/local-channels';
import type { Notifier } from '../notify/ports';
import { telegramChannel, webhookChannel, type RemoteOptions } from '../notify/remote-channels';
import type { AlertRepository } from '../store/alert-repository';
import type { RuleRepository } from '../store/rule-repository';
import { AlertHousekeeping, type AlertHousekeepingOptions } from './alert-expiry';
import { AlertService } from './alert-service';
import { backtestRule, type BacktestCandles } from './backtest';
import { RuleEngine, SERIES_DEPTH } from './rule-engine';
import { ReadinessTracker } from './rule-readiness';
import { RuleService } from './rule-service';

export type AlertsModuleOptions = {
  /** the store's repositories of alerts and rules */
  alerts: AlertRepository;
  rules: RuleRepository;
  events: EventHub;
  settings: { get(): Settings; onChange(listener: (s: Settings) => void): () => void };
  /** closed candles, the database ∪ the writer's queue: warm-up of the engine and backtests */
  candles: BacktestCandles;
  /** the Electron shell's Notification; headless mode asks the browser through an event */
  notifier?: Notifier;
  /** rules of the config file (parsed with parseConfigRules), seeded at start */
  configRules?: readonly Rule[];
  /**
   * the Telegram bot token (telegramTokenSource: the environment, else the secret store), kept out
   * of the settings the UI sees; may throw when the stored one does not decrypt
   */
  telegramToken?: () => string | undefined;
  log: Logger;
  now?: () => number;
  remote?: RemoteOptions;
  missedQuietMs?: number;
  missedMaxWaitMs?: number;
  /** several collectors: the shared store decides which node tells an alert (AlertServiceOptions.claim) */
  claimAlert?: (alert: Alert) => Promise<boolean>;
  /** several collectors: another node holds this series' stream (ReadinessInputs.elsewhere) */
  collectedElsewhere?: (key: SeriesKey) => boolean;
  /** expiry and history pruning in the background; tests shorten the waits */
  housekeeping?: Pick<AlertHousekeepingOptions, 'intervalMs' | 'initialDelayMs' | 'batch'>;
};

type AlertsHandlers = { [M in keyof typeof signalsMethods]: Handler<M> };

export type AlertsModule = CoreModule<AlertsHandlers> & {
  /** feed of the candle collector: closed and forming candles, in order per series */
  onCandles(update: CandleUpdate): void;
  engine: RuleEngine;
  rules: RuleService;
  alerts: AlertService;
  housekeeping: AlertHousekeeping;
  dispatcher: NotifyDispatcher;
  /** sends a pending missed summary and waits (briefly) for deliveries in flight */
  stop(): Promise<void>;
};

/** How long shutdown waits for webhooks still retrying: their state is in the last results anyway. */
const STOP_WAIT_MS = 3_000;

/** Builds indicators → rules → alerts → notify over one database and wires their contract handlers. */
export function createAlertsModule(opts: AlertsModuleOptions): AlertsModule {
  const now = opts.now ?? Date.now;
  const ruleRepo = opts.rules;
  const dispatcher = new NotifyDispatcher({
    channels: [
      nativeChannel(opts.notifier ?? eventNotifier(opts.events)),
      soundChannel(opts.events, now),
      toastChannel(opts.events),
      webhookChannel(opts.remote),
      telegramChannel(opts.telegramToken ?? (() => undefined), opts.remote),
    ],
    prefs: () => opts.settings.get().notifications,
    now,
    log: opts.log.child('notify'),
  });
  const alertRepo = opts.alerts;
  const alerts = new AlertService({
    alerts: alertRepo,
    rules: ruleRepo,
    events: opts.events,
    delivery: dispatcher,
    log: opts.log.child('alerts'),
    now,
    missedQuietMs: opts.missedQuietMs,
    missedMaxWaitMs: opts.missedMaxWaitMs,
    claim: opts.claimAlert,
  });
  const engine = new RuleEngine({
    onFire: (f) => alerts.record(f),
    state: {
      load: (id, key) => ruleRepo.loadState(id, key),
      save: (id, key, s) => ruleRepo.saveState(id, key, s),
    },
    history: (key, before, limit) => opts.candles.before(key, before ?? Number.MAX_SAFE_INTEGER, limit),
    log: opts.log.child('rules'),
    now,
  });
  const readiness = new ReadinessTracker({
    events: opts.events,
    watchlist: () => opts.settings.get().watchlist,
    held: (key) => engine.heldCandles(key),
    depth: SERIES_DEPTH,
    now,
    elsewhere: opts.collectedElsewhere,
  });
  const rules = new RuleService({
    repo: ruleRepo,
    alerts,
    events: opts.events,
    onRules: (list) => {
      engine.setRules(list);
      readiness.setRules(list);
    },
    readiness: (r) => readiness.of(r),
    now,
    log: opts.log.child('rules'),
  });
  const housekeeping = new AlertHousekeeping({
    alerts,
    repo: alertRepo,
    settings: () => opts.settings.get().alerts,
    log: opts.log.child('alerts'),
    now,
    ...opts.housekeeping,
  });

  let offSettings = (): void => {};
  const handlers: AlertsHandlers = {
    'rules:list': () => rules.list(),
    'rules:create': (rule) => rules.create(rule),
    'rules:update': ({ id, rule }) => rules.update(id, rule),
    'rules:delete': ({ id }) => ({ deleted: rules.delete(id) }),
    'rules:set-enabled': ({ id, enabled }) => rules.setEnabled(id, enabled),
    'rules:backtest': (input) =>
      backtestRule('id' in input ? rules.get(input.id).rule : input.rule, input.range, {
        candles: opts.candles,
        watchlist: opts.settings.get().watchlist,
        log: opts.log.child('backtest'),
      }),
    'rules:export': () => rules.exportRules(),
    'rules:import': ({ document, mode }) => rules.importRules(document.rules, mode),
    'alerts:list': ({ filter, limit, beforeId }) => alerts.list(filter, limit, beforeId),
    'alerts:get': ({ id }) => {
      const found = alerts.get(id);
      if (!found) throw new ContractError('not-found', `there is no alert ${id}`);
      return found;
    },
    'alerts:dismiss': ({ ids }) => ({ dismissed: alerts.dismiss(ids) }),
    'alerts:dismiss-all': ({ filter }) => ({ dismissed: alerts.dismissAll(filter) }),
    'alerts:counts': ({ filter }) => alerts.counts(filter),
    'notify:status': () => ({ channels: dispatcher.status() }),
    'notify:test': async ({ channel }) => ({ channels: await dispatcher.test(channel) }),
  };

  return {
    handlers,
    onCandles: (u) => {
      engine.onCandles(u);
      readiness.candlesArrived();
    },
    engine,
    rules,
    alerts,
    housekeeping,
    dispatcher,
    start() {
      engine.setWatchlist(opts.settings.get().watchlist);
      offSettings = opts.settings.onChange((s) => {
        engine.setWatchlist(s.watchlist);
        readiness.setRules(engine.rules);
      });
      if (opts.configRules && opts.configRules.length > 0) rules.seed(opts.configRules);
      rules.start();
      housekeeping.start();
    },
    async stop() {
      offSettings();
      readiness.stop();
      housekeeping.stop();
      rules.stop();
      alerts.flush();
      let timer: ReturnType<typeof setTimeout> | undefined;
      await Promise.race([
        dispatcher.idle(),
        new Promise<void>((resolve) => (timer = setTimeout(resolve, STOP_WAIT_MS))),
      ]);
      clearTimeout(timer);
    },
  };
}

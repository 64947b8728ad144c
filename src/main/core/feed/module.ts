import type { Handlers } from '../contract/dispatch';
import type { CandleHistory, CandleUpdateListener, GapLedger } from '../candles/ports';
import type { EventHub } from '../events';
import { ExchangeRegistry } from '../exchange/exchange-registry';
import type { Logger } from '../base/log';
import type { CoreModule } from '../module';
import type { SettingsService } from '../settings/settings-service';
import { CandleEventCoalescer } from './candle-events';
import { systemClock, type Clock } from '../base/clock';
import { FeedService } from './feed-service';
import { OlderHistory, type OlderCandleStore } from './older-history';

type FeedHandlers = Pick<
  Handlers,
  | 'exchanges:list'
  | 'markets:search'
  | 'gaps:list'
  | 'tickers:list'
  | 'orderbook:watch'
  | 'orderbook:unwatch'
  | 'candles:fetch-older'
>;
export type StreamHandlers = Pick<Handlers, 'streams:list' | 'streams:errors' | 'streams:reconnect'>;

export type FeedModuleOptions = {
  /** the settings service, or a cluster node's view of it (core/cluster: only the streams it leases) */
  settings: Pick<SettingsService, 'get' | 'onChange'>;
  events: EventHub;
  history: CandleHistory;
  gaps: GapLedger;
  /** receive every candle update in order, before the UI: the store writer, the alert engine */
  candleListeners: CandleUpdateListener[];
  /** where candles fetched for scroll-back are stored (the writer of every backfill) */
  olderCandles: OlderCandleStore;
  log: Logger;
  /** headless mode detects sleep itself (no powerMonitor) */
  detectSleep: boolean;
  clock?: Clock;
};

export type FeedModule = CoreModule<FeedHandlers> & {
  /**
   * the streams panel's methods over the market streams; the account module answers them for both
   * the market and the private streams
   */
  streams: StreamHandlers;
  feed: FeedService;
  /** the OS woke up: reconnect and backfill every stream */
  resumed(): void;
  stop(): Promise<void>;
};

/** The market data engine wired to settings, the store, the alert engine and the contract. */
export function createFeedModule(opts: FeedModuleOptions): FeedModule {
  const { settings, events, log } = opts;
  const clock = opts.clock ?? systemClock;
  const registry = new ExchangeRegistry({ clock, log: log.child('exchange') });
  const feed = new FeedService({
    registry,
    history: opts.history,
    gaps: opts.gaps,
    log,
    clock,
    staleTimeoutMs: settings.get().feed.staleTimeoutMs,
    onClockJump: opts.detectSleep
      ? (sleptMs) => {
          log.info('the clock jumped: the machine slept', { sleptMs });
          events.emit('app:resumed', { sleptMs, at: clock.now() });
          feed.resumed();
        }
      : undefined,
  });
  const older = new OlderHistory({
    source: async (exchange) => {
      await feed.settled();
      return registry.get(exchange);
    },
    store: opts.olderCandles,
    retentionDays: (tf) => settings.get().data.retention[tf] ?? null,
    clock,
    log: log.child('history'),
  });
  for (const listener of opts.candleListeners) feed.onCandles(listener);
  const candleEvents = new CandleEventCoalescer(events);
  feed.onCandles(candleEvents.push);
  feed.onState((info) => events.emit('stream:state-changed', info));
  // Emitted as the registry changes, so a client has an exchange's name and state before the first
  // stream:state-changed of that exchange: the chart never says "binance can't be reached".
  registry.onChange(() => events.emit('exchanges:changed', registry.list()));
  feed.onTicker((t) => events.emitCoalesced('ticker:updated', `${t.exchange}|${t.symbol}`, t));
  feed.onBook((b) => events.emitCoalesced('orderbook:updated', `${b.exchange}|${b.symbol}`, b));
  feed.onTrades((t) => events.emitCoalesced('trades:updated', `${t.exchange}|${t.symbol}`, t));

  let unsubscribe = (): void => {};

  return {
    feed,
    handlers: {
      // Settings are applied asynchronously: answer with them applied, not with the state before.
      'exchanges:list': async () => {
        await feed.settled();
        return registry.list();
      },
      'markets:search': async ({ exchange, query, limit }) => {
        await feed.settled();
        return registry.search(exchange, query, limit);
      },
      'gaps:list': (filter) => opts.gaps.list(filter),
      'tickers:list': () => feed.tickers(),
      'candles:fetch-older': ({ series, limit }) => older.fetch(series, limit),
      'orderbook:watch': async ({ exchange, symbol, depth }) => {
        await feed.watchBook(exchange, symbol, depth);
        return {};
      },
      'orderbook:unwatch': async ({ exchange, symbol }) => {
        await feed.unwatchBook(exchange, symbol);
        return {};
      },
    },
    streams: {
      'streams:list': async () => {
        await feed.settled();
        return feed.list();
      },
      'streams:errors': ({ id }) => [...feed.errors(id)],
      'streams:reconnect': ({ id }) => ({ reconnected: feed.reconnect(id) }),
    },
    start() {
      unsubscribe = settings.onChange((s) => void feed.applySettings(s));
      void feed.applySettings(settings.get());
    },
    resumed: () => feed.resumed(),
    async stop() {
      unsubscribe();
      await feed.stop();
      candleEvents.close();
    },
  };
}

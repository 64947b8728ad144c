import { MAX_HISTORY_CANDLES } from '../../../shared/contract/methods/store';
import type { Alert } from '../../../shared/domain/alert';
import type { Candle, SeriesKey } from '../../../shared/domain/market';
import type { Settings } from '../../../shared/domain/settings';
import type { CandleUpdateListener, GapLedger } from '../candles/ports';
import type { Handlers } from '../contract/dispatch';
import { effectiveWatchlist, type FeedService } from '../feed/feed-service';
import type { OlderCandleStore } from '../feed/older-history';
import type { SeriesDemand } from '../feed/rule-demand';
import type { Logger } from '../base/log';
import { openPgStore, type PgStore } from '../store/postgres/pg-store';
import { SharedCandleWriter } from './shared-candle-writer';
import { StreamLeases, streamName, type LeasedStream } from './stream-leases';

/** What the settings service offers the feed; the cluster hands the feed a view of it. */
export type SettingsSource = { get(): Settings; onChange(listener: (s: Settings) => void): () => void };

/** The node's own SQLite parts the cluster works with (built by createCore). */
export type LocalStore = {
  settings: SettingsSource;
  gaps: GapLedger;
  /** stores closed candles in the local SQLite now (the shared history of a stream just taken over) */
  seed(key: SeriesKey, candles: readonly Candle[]): void;
};

/** What streams beyond the watchlist: the series the enabled rules read, the series charts show. */
export type FeedDemand = Pick<FeedService, 'setRuleDemand' | 'setViewedSeries'>;

/** How the core changes when it is one collector of a cluster (createCore's `cluster` option). */
export type ClusterAttachment = {
  /** the settings the feed sees: the watchlist cut to the streams this node holds a lease on */
  feedSettings: SettingsSource;
  /**
   * Wraps the feed's other demand: the streams the rules read join the leases (a symbol only a rule
   * reads is shared out like a watched one), and the feed streams only what this node holds. Without
   * it every node would stream every rule's series and evaluate its rules, and a takeover would find
   * no hole to backfill, the survivor having collected the stream all along.
   */
  feedDemand(feed: FeedDemand): FeedDemand;
  /** another node holds this series' stream: it collects it and evaluates its rules (rule readiness) */
  collectedElsewhere(key: SeriesKey): boolean;
  /** closed candles also go to the shared store */
  candleListener: CandleUpdateListener;
  /** gaps recorded locally and in the shared ledger */
  gaps: GapLedger;
  /** scroll-back: older than the oldest candle in the shared store, written there too */
  olderCandles: OlderCandleStore;
  /**
   * Called after the alert is in the local SQLite and before any channel: true when this node is
   * the first to record it in the shared store. A second firing of the same rule on the same candle
   * (the node that took a stream over re-reading its last candles) is refused by the database.
   */
  claimAlert(alert: Alert): Promise<boolean>;
  /** reads that answer for every stream of the cluster, not only this node's */
  handlers: Pick<Handlers, 'candles:history' | 'gaps:list' | 'alerts:list' | 'alerts:counts'>;
  stop(): Promise<void>;
};

export type ClusterNodeOptions = {
  url: string;
  node: string;
  log: Logger;
  ttlMs?: number;
  heartbeatMs?: number;
  /** closed candles copied from the shared store before a stream taken over starts (default 1,000) */
  seedCandles?: number;
};

export type ClusterNode = {
  store: PgStore;
  leases: StreamLeases;
  attach(local: LocalStore): ClusterAttachment;
  /** after the core stopped: last candles written, leases given back, connections closed */
  stop(): Promise<void>;
};

/**
 * One headless collector of several sharing a PostgreSQL database. The node keeps its own SQLite
 * as the engine's working store (synchronous reads on the hot path, secrets that never leave the
 * node) and PostgreSQL is the shared record: every closed candle, gap and alert of every node.
 * Leases decide what this node collects; before it starts a stream it took over, it copies the
 * stream's shared history into its SQLite, so its collector backfills the hole from where the
 * previous owner stopped writing, before any later candle goes downstream.
 */
export async function startClusterNode(opts: ClusterNodeOptions): Promise<ClusterNode> {
  const store = await openPgStore(opts.url, { node: opts.node });
  const log = opts.log;
  const leases = new StreamLeases({
    pool: store.pool,
    node: opts.node,
    ttlMs: opts.ttlMs,
    heartbeatMs: opts.heartbeatMs,
    log: log.child('leases'),
  });
  const writer = new SharedCandleWriter(store.candles, log.child('shared-store'));
  let detach: (() => void) | undefined;

  const attach = (local: LocalStore): ClusterAttachment => {
    const listeners = new Set<(s: Settings) => void>();
    /** streams whose shared history is in the local SQLite: the feed may collect them */
    const ready = new Set<string>();
    const mine = (s: LeasedStream) => ready.has(streamName(s));
    /** the feed's rule demand and viewed series, given in full; the feed sees what is `mine` */
    let feed: FeedDemand | undefined;
    let ruleDemand: ReadonlyMap<string, SeriesDemand> = new Map();
    let viewed: readonly SeriesKey[] = [];
    const view = (s: Settings): Settings => ({ ...s, watchlist: effectiveWatchlist(s).filter(mine) });
    const notify = () => {
      if (feed) {
        void feed.setRuleDemand(new Map([...ruleDemand].filter(([, d]) => mine(d.key))));
        void feed.setViewedSeries(viewed.filter(mine));
      }
      const s = view(local.settings.get());
      for (const l of listeners) l(s);
    };
    /** every stream of the cluster with its timeframes: the watchlist's and the rules' */
    const wanted = () => {
      const out = new Map<string, LeasedStream & { timeframes: Set<string> }>();
      const add = (s: LeasedStream, timeframes: readonly string[]) => {
        const name = streamName(s);
        const known = out.get(name) ?? { exchange: s.exchange, symbol: s.symbol, timeframes: new Set() };
        for (const t of timeframes) known.timeframes.add(t);
        out.set(name, known);
      };
      for (const w of effectiveWatchlist(local.settings.get())) add(w, w.timeframes);
      for (const d of ruleDemand.values()) add(d.key, [d.key.timeframe]);
      return out;
    };
    const setWanted = () => leases.setWanted([...wanted().values()]);

    const seed = async (stream: string) => {
      const item = wanted().get(stream);
      for (const timeframe of item?.timeframes ?? []) {
        const key = { exchange: item!.exchange, symbol: item!.symbol, timeframe };
        local.seed(key, await store.candles.recent(key, opts.seedCandles ?? 1_000));
      }
    };
    let changing: Promise<void> = Promise.resolve();
    const offLeases = leases.onChange((change) => {
      changing = changing.then(async () => {
        for (const s of change.released) ready.delete(s);
        for (const s of change.acquired) {
          try {
            await seed(s);
          } catch (err) {
            // Without the shared history the collector would start from its own, older copy: it
            // still backfills to now, only from further back.
            log.warn('could not copy the shared history of a stream taken over', { stream: s, error: err });
          }
          if (leases.ownedStreams().has(s)) ready.add(s);
        }
        log.info('collecting', { streams: [...ready].sort(), node: opts.node });
        notify();
      });
    });
    const offSettings = local.settings.onChange(() => {
      void setWanted();
      notify();
    });
    void setWanted().then(() => leases.start());
    detach = () => {
      offLeases();
      offSettings();
    };

    const gapIds = new Map<number, Promise<number | undefined>>();
    const claims = new Set<Promise<unknown>>();
    const shared = <T>(what: string, p: Promise<T>) =>
      p.catch((err: unknown) => {
        log.error(`${what} in the shared store failed`, { error: err });
        return undefined;
      });
    /** Updates the shared twin of a local gap once its insert is done (in order, never before). */
    const onShared = (id: number, update: (sharedId: number) => Promise<void>, what: string) => {
      const pending = gapIds.get(id);
      if (pending)
        gapIds.set(
          id,
          pending.then(async (sid) =>
            sid === undefined ? undefined : (await shared(what, update(sid)), sid),
          ),
        );
    };

    return {
      feedSettings: {
        get: () => view(local.settings.get()),
        onChange(listener) {
          listeners.add(listener);
          return () => listeners.delete(listener);
        },
      },
      feedDemand(target) {
        feed = target;
        return {
          setRuleDemand(demand) {
            ruleDemand = demand;
            void setWanted();
            return target.setRuleDemand(new Map([...demand].filter(([, d]) => mine(d.key))));
          },
          setViewedSeries(keys) {
            viewed = [...keys];
            return target.setViewedSeries(viewed.filter(mine));
          },
        };
      },
      collectedElsewhere: (key) => !mine(key),
      candleListener: writer.onUpdate,
      olderCandles: {
        first: async (key) => (await store.candles.storedRange(key))?.first,
        write: (key, candles) => writer.enqueue(key, candles),
      },
      gaps: {
        opened(gap) {
          const id = local.gaps.opened(gap);
          gapIds.set(id, shared('recording a gap', store.gaps.opened(gap)));
          return id;
        },
        filled(id, filled, at) {
          local.gaps.filled(id, filled, at);
          onShared(id, (sid) => store.gaps.filled(sid, filled, at), 'a gap fill');
          gapIds.delete(id);
        },
        failed(id, error) {
          local.gaps.failed(id, error);
          onShared(id, (sid) => store.gaps.failed(sid, error), 'a gap failure');
        },
        list: (filter) => local.gaps.list(filter),
      },
      async claimAlert(alert) {
        const { id: _local, statusAt: _at, status, ...draft } = alert;
        const reason = status === 'missed' ? 'computed from backfilled candles' : 'fired';
        const insert = store.alerts.insert(
          { ...draft, status: status === 'missed' ? 'missed' : 'active' },
          reason,
        );
        // Shutdown waits for these: an alert fired just before SIGTERM still reaches the shared record.
        claims.add(insert);
        const stored = await insert.finally(() => claims.delete(insert));
        if (!stored)
          log.info('another node already recorded this alert; not delivered again', {
            rule: alert.ruleName,
            candleTime: alert.candleTime,
          });
        return stored !== null;
      },
      handlers: {
        'candles:history': async (query) => {
          const key = query.series;
          let rows: Candle[];
          let truncated = false;
          if ('last' in query) rows = await store.candles.recent(key, query.last);
          else if ('before' in query) rows = await store.candles.before(key, query.before, query.limit);
          else {
            rows = await store.candles.range(key, query.from, query.to, MAX_HISTORY_CANDLES + 1);
            truncated = rows.length > MAX_HISTORY_CANDLES;
            if (truncated) rows.length = MAX_HISTORY_CANDLES;
          }
          return { series: key, candles: rows, stored: await store.candles.storedRange(key), truncated };
        },
        'gaps:list': (filter) => store.gaps.list(filter),
        'alerts:list': async ({ filter, limit, beforeId }) => {
          const rows = await store.alerts.list(filter, limit + 1, beforeId);
          return { alerts: rows.slice(0, limit), hasMore: rows.length > limit };
        },
        'alerts:counts': ({ filter }) => store.alerts.counts(filter),
      },
      async stop() {
        detach?.();
        await changing;
        await Promise.allSettled([...claims, ...gapIds.values()]);
        await writer.flush();
      },
    };
  };

  return {
    store,
    leases,
    attach,
    async stop() {
      detach?.();
      try {
        await writer.flush();
      } catch (err) {
        log.error('closed candles could not be written to the shared store at shutdown', {
          error: err,
          lost: writer.pending,
        });
      }
      await leases.stop();
      await store.close();
    },
  };
}

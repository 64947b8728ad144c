import type { SeriesKey } from '../../../shared/domain/market';
import { seriesId } from '../../../shared/domain/market';
import type { StreamInfo, StreamState, StreamTransport } from '../../../shared/domain/stream';
import { timeframeMs } from '../../../shared/timeframe';
import { Backfiller, type SyncTarget } from '../candles/backfiller';
import type { CandleHistory, CandleUpdate, CandleUpdateListener, GapLedger } from '../candles/ports';
import { SeriesCollector } from '../candles/series-collector';
import { TimeframeAggregator } from '../candles/timeframe-aggregator';
import { REST_PRIORITY, type CandleBatch, type MarketSource } from '../exchange/market-source';
import { Emitter } from '../base/emitter';
import type { Logger } from '../base/log';
import { Backoff } from '../base/backoff';
import { toStreamError } from '../base/classify-error';
import { sleep, type Clock } from '../base/clock';
import { loadAndCheckSymbol } from './market-check';
import { StreamStatus } from '../streams/stream-status';
import { streamLoopDeps } from '../streams/stream-loop-deps';
import { WatchLoop, type BreakReason } from '../streams/watch-loop';

export type CandleStreamDeps = {
  source: MarketSource;
  clock: Clock;
  log: Logger;
  history: CandleHistory;
  gaps: GapLedger;
  random?: () => number;
  warmupCandles: number;
  /** every update leaves the stream here, in order */
  emit: CandleUpdateListener;
  onState(info: StreamInfo): void;
};

/** What the feed service holds for every candle series, whatever feeds it. */
export type SeriesStream = {
  readonly id: string;
  readonly key: SeriesKey;
  readonly status: StreamStatus;
  start(): void;
  stop(unsubscribe?: boolean): Promise<void>;
  forceReconnect(reason: BreakReason, dropConnection?: boolean): void;
  checkStale(now: number, timeoutMs: number): boolean;
  onUpdate(listener: CandleUpdateListener): () => void;
};

/** Polling an exchange without websocket candles: often enough to see each candle close, gently. */
export function pollIntervalMs(timeframe: string): number {
  return Math.min(15_000, Math.max(2_000, Math.floor(timeframeMs(timeframe) / 4)));
}

/** The status of one candle series; only how it is fed differs between the stream kinds. */
function candleStatus(
  id: string,
  key: SeriesKey,
  transport: StreamTransport,
  deps: CandleStreamDeps,
): StreamStatus {
  return new StreamStatus(
    {
      id,
      kind: 'candles',
      exchange: key.exchange,
      symbol: key.symbol,
      timeframe: key.timeframe,
      transport,
    },
    deps.clock,
    deps.onState,
  );
}

/**
 * REST backfill of one candle series from candles of `fetchTimeframe` (the series' own, or 1m for
 * an aggregate). Filled candles go out through `release`; once caught up, a stream still showing
 * 'backfilling' moves to `settledState`.
 */
function candleBackfiller(
  target: SyncTarget,
  fetchTimeframe: string,
  deps: CandleStreamDeps,
  stream: { status: StreamStatus; release(updates: CandleUpdate[]): void; settledState(): StreamState },
): Backfiller {
  const { source, clock, log } = deps;
  const { symbol } = target.key;
  return new Backfiller(target, {
    fetchTimeframe,
    fetch: (since, limit, priority) => source.fetchCandles(symbol, fetchTimeframe, since, limit, priority),
    pageLimit: source.capabilities().maxCandlesPerRequest,
    gaps: deps.gaps,
    clock,
    log,
    backoff: new Backoff({ random: deps.random }),
    restBlockedForMs: () => source.restBlockedForMs(),
    emit: (updates) => stream.release(updates),
    onError: (c) => stream.status.error(toStreamError(c, clock.now())),
    onDone: () => {
      if (stream.status.state === 'backfilling') stream.status.set(stream.settledState());
    },
  });
}

/**
 * One candle series fed by a websocket watch (or REST polls): the watch loop hands each wake's
 * candles to the collector, which releases closed candles in order and asks for REST backfill
 * whenever a hole is possible; later candles wait until it is filled.
 */
export class CandleStream implements SeriesStream {
  readonly id: string;
  readonly status: StreamStatus;
  private readonly collector: SeriesCollector;
  private readonly backfiller: Backfiller;
  private readonly loop: WatchLoop<CandleBatch>;
  private readonly updates = new Emitter<CandleUpdate>();
  private readonly stopPolling = new AbortController();
  private polled = false;

  constructor(
    readonly key: SeriesKey,
    readonly transport: 'websocket' | 'rest-poll',
    private readonly deps: CandleStreamDeps,
  ) {
    this.id = seriesId(key);
    const { source } = deps;
    this.status = candleStatus(this.id, key, transport, deps);
    this.collector = new SeriesCollector(key, {
      lastClosed: deps.history.lastClosedOpenTime(key),
      warmupCandles: deps.warmupCandles,
    });
    this.backfiller = candleBackfiller(this.collector, key.timeframe, deps, {
      status: this.status,
      release: (updates) => this.release(updates),
      settledState: () => this.flowingState(),
    });
    this.loop = new WatchLoop<CandleBatch>(
      this.status,
      {
        prepare: () => loadAndCheckSymbol(source, key.symbol),
        watch: () =>
          transport === 'websocket'
            ? source.watchCandles(key.symbol, key.timeframe, this.cursor())
            : this.poll(),
        onData: (batch, now) => {
          this.status.message(now);
          this.release(this.collector.live(batch.candles, batch.connection));
          if (this.collector.isSyncing) this.backfiller.kick();
        },
        onBroken: (reason) => {
          this.polled = false;
          this.collector.broken(reason);
        },
        flowingState: () => this.flowingState(),
        dropConnection: (reason) => source.reconnect(key.symbol, { keepLiveSockets: reason === 'stale' }),
        unsubscribe: () =>
          transport === 'websocket' ? source.unwatchCandles(key.symbol, key.timeframe) : Promise.resolve(),
      },
      streamLoopDeps(deps),
    );
  }

  start(): void {
    this.loop.start();
  }

  async stop(unsubscribe = true): Promise<void> {
    this.backfiller.stop();
    this.stopPolling.abort();
    await this.loop.stop(unsubscribe);
  }

  forceReconnect(reason: BreakReason, dropConnection = true): void {
    this.loop.forceReconnect(reason, dropConnection);
  }

  checkStale(now: number, timeoutMs: number): boolean {
    return this.loop.checkStale(now, timeoutMs);
  }

  onUpdate(listener: CandleUpdateListener): () => void {
    return this.updates.on(listener);
  }

  private flowingState(): StreamState {
    if (this.collector.isSyncing) return 'backfilling';
    return this.transport === 'websocket' ? 'live' : 'polling';
  }

  /** the oldest open time the collector still needs to see (undefined: only the newest) */
  private cursor(): number | undefined {
    return this.collector.cursor;
  }

  private async poll(): Promise<CandleBatch> {
    const { source, clock } = this.deps;
    if (this.polled) await sleep(clock, pollIntervalMs(this.key.timeframe), this.stopPolling.signal);
    this.polled = true;
    const since = this.cursor() ?? clock.now() - 2 * timeframeMs(this.key.timeframe);
    const candles = await source.fetchCandles(
      this.key.symbol,
      this.key.timeframe,
      since,
      1000,
      REST_PRIORITY.poll,
    );
    // A REST answer is a complete snapshot of each candle: every poll is as trustworthy as the last.
    return { candles, connection: 0 };
  }

  private release(updates: CandleUpdate[]): void {
    for (const u of updates) {
      this.deps.emit(u);
      this.updates.emit(u);
    }
  }
}

/**
 * A timeframe the exchange does not serve, built from its 1m stream. It has no socket of its own:
 * its "watch" is the queue of the 1m stream's updates, so the same loop, states and counters apply.
 */
export class AggregatedStream implements SeriesStream {
  readonly id: string;
  readonly status: StreamStatus;
  private readonly aggregator: TimeframeAggregator;
  private readonly backfiller: Backfiller;
  private readonly loop: WatchLoop<CandleUpdate[]>;
  private readonly updates = new Emitter<CandleUpdate>();
  private queue: CandleUpdate[] = [];
  private wake: (() => void) | null = null;
  private readonly detach: () => void;

  constructor(
    readonly key: SeriesKey,
    readonly base: SeriesStream,
    private readonly deps: CandleStreamDeps,
  ) {
    this.id = seriesId(key);
    const { source } = deps;
    this.status = candleStatus(this.id, key, 'aggregated', deps);
    this.aggregator = new TimeframeAggregator(key, base.key.timeframe, {
      lastClosed: deps.history.lastClosedOpenTime(key),
      warmupCandles: deps.warmupCandles,
    });
    this.backfiller = candleBackfiller(this.aggregator, base.key.timeframe, deps, {
      status: this.status,
      release: (updates) => this.release(updates),
      settledState: () => 'live',
    });
    this.detach = base.onUpdate((u) => {
      this.queue.push(u);
      this.wake?.();
    });
    this.loop = new WatchLoop<CandleUpdate[]>(
      this.status,
      {
        prepare: () => loadAndCheckSymbol(source, key.symbol),
        watch: () => this.next(),
        onData: (updates, now) => {
          this.status.message(now);
          for (const u of updates) this.release(this.aggregator.onBase(u));
          if (this.aggregator.isSyncing) this.backfiller.kick();
        },
        // The 1m stream keeps its own series whole; the aggregate only follows it.
        onBroken: () => {},
        flowingState: () => (this.aggregator.isSyncing ? 'backfilling' : 'live'),
        dropConnection: () => base.forceReconnect('stale'),
        unsubscribe: async () => this.detach(),
      },
      streamLoopDeps(deps),
    );
  }

  start(): void {
    this.loop.start();
  }

  async stop(): Promise<void> {
    this.backfiller.stop();
    // Detaching from the 1m stream is all its "unsubscribe" does: always done.
    await this.loop.stop(true);
  }

  forceReconnect(reason: BreakReason): void {
    this.base.forceReconnect(reason);
  }

  /** the 1m stream has its own watchdog */
  checkStale(): boolean {
    return false;
  }

  onUpdate(listener: CandleUpdateListener): () => void {
    return this.updates.on(listener);
  }

  /** Mirrors the 1m stream while it is not delivering, so the UI shows why the aggregate is quiet. */
  mirror(baseState: StreamState): void {
    if (baseState !== 'live' && baseState !== 'polling' && baseState !== 'backfilling')
      this.status.set(baseState);
  }

  private next(): Promise<CandleUpdate[]> {
    if (this.queue.length > 0) return Promise.resolve(this.queue.splice(0));
    return new Promise((resolve) => {
      this.wake = () => {
        this.wake = null;
        resolve(this.queue.splice(0));
      };
    });
  }

  private release(updates: CandleUpdate[]): void {
    for (const u of updates) {
      this.deps.emit(u);
      this.updates.emit(u);
    }
  }
}

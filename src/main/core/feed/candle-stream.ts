import type { SeriesKey } from '../../../shared/domain/market';
import { seriesId } from '../../../shared/domain/market';
import type { StreamInfo, StreamState, StreamTransport } from '../../../shared/domain/stream';
import { timeframeMs } from '../../../shared/timeframe';
import { Backfiller, type SyncTarget } from '../candles/backfiller';
import { BoundaryCloser, boundaryGraceMs } from '../candles/boundary-closer';
import type { CandleHistory, CandleUpdate, CandleUpdateListener, GapLedger } from '../candles/ports';
import { missedTrades } from '../candles/quiet-market';
import { SeriesCollector } from '../candles/series-collector';
import { TimeframeAggregator } from '../candles/timeframe-aggregator';
import { REST_PRIORITY, type CandleBatch, type MarketSource } from '../exchange/market-source';
import { Emitter } from '../base/emitter';
import type { Logger } from '../base/log';
import { Backoff } from '../base/backoff';
import { classifyError, toStreamError } from '../base/classify-error';
import type { Clock } from '../base/clock';
import { loadAndCheckSymbol } from './market-check';
import { StreamStatus, type StreamIdentity } from '../streams/stream-status';
import { StreamRunner } from '../streams/stream-runner';
import type { BreakReason } from '../streams/watch-loop';
import { pollIntervalMs, staleAfterMs } from './stale-threshold';
import { TransportFallback, type FallbackOptions } from './transport-fallback';

export type CandleStreamDeps = {
  source: MarketSource;
  clock: Clock;
  log: Logger;
  history: CandleHistory;
  gaps: GapLedger;
  random?: () => number;
  warmupCandles: number;
  /** when a failing websocket gives way to REST polling, and how often it is tried again */
  fallback?: FallbackOptions;
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

/** Who one candle series is; only how it is fed differs between the stream kinds. */
function candleIdentity(id: string, key: SeriesKey, transport: StreamTransport): StreamIdentity {
  return {
    id,
    kind: 'candles',
    exchange: key.exchange,
    symbol: key.symbol,
    timeframe: key.timeframe,
    transport,
  };
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
  private readonly closer: BoundaryCloser;
  private readonly runner: StreamRunner<CandleBatch>;
  private readonly updates = new Emitter<CandleUpdate>();
  /** websocket streams only: polls REST while the websocket keeps failing */
  private readonly fallback: TransportFallback | null;
  /** the connection of a websocket probe that worked: its first batch continues the polled series */
  private handover: number | null = null;

  constructor(
    readonly key: SeriesKey,
    readonly transport: 'websocket' | 'rest-poll',
    private readonly deps: CandleStreamDeps,
  ) {
    this.id = seriesId(key);
    const { source } = deps;
    this.fallback = transport === 'websocket' ? new TransportFallback(deps.fallback) : null;
    this.runner = new StreamRunner<CandleBatch>(
      candleIdentity(this.id, key, transport),
      {
        prepare: () => loadAndCheckSymbol(source, key.symbol),
        watch: () => (this.fallback && !this.fallback.polling ? this.watchSocket() : this.poll()),
        onData: (batch, now) => {
          this.status.message(now);
          if (this.handover !== null && batch.connection === this.handover) {
            // back from polling on purpose: the polled series continues on the socket, no break
            this.collector.adopt(batch.connection);
            this.handover = null;
          }
          this.release(this.collector.live(batch.candles, batch.connection));
          if (this.collector.isSyncing) this.backfiller.kick();
        },
        onBroken: (reason) => {
          this.collector.broken(reason);
          this.closer.cancel();
          if (reason !== 'resume' && this.fallback?.failed(deps.clock.now())) this.useTransport('rest-poll');
        },
        flowingState: () => this.flowingState(),
        dropConnection: (reason) => source.reconnect(key.symbol, { keepLiveSockets: reason === 'stale' }),
        unsubscribe: () =>
          transport === 'websocket' ? source.unwatchCandles(key.symbol, key.timeframe) : Promise.resolve(),
        quietCheck: (since) => this.quietCheck(since),
        waitingSince: () => source.subscriptionWaitingSince?.('candles', key.symbol, key.timeframe) ?? null,
        staleAfterMs: (settingMs) => {
          const polling = transport === 'rest-poll' || this.fallback?.polling === true;
          return staleAfterMs({ kind: 'candles', timeframe: key.timeframe, polling }, settingMs);
        },
      },
      { ...deps, restBlockedForMs: () => source.restBlockedForMs() },
    );
    this.status = this.runner.status;
    this.collector = new SeriesCollector(key, {
      lastClosed: deps.history.lastClosedOpenTime(key),
      warmupCandles: deps.warmupCandles,
    });
    this.backfiller = candleBackfiller(this.collector, key.timeframe, deps, {
      status: this.status,
      release: (updates) => this.release(updates),
      settledState: () => this.flowingState(),
    });
    // A candle closes at its period's end even if the exchange pushes nothing after it.
    this.closer = new BoundaryCloser(
      key.timeframe,
      boundaryGraceMs(source.capabilities(), key.timeframe),
      deps.clock,
      (now) => {
        this.release(this.collector.boundaryPassed(now));
        if (this.collector.isSyncing) this.backfiller.kick();
      },
    );
  }

  start(): void {
    this.runner.start();
  }

  /**
   * A silent candle stream: quiet market or dead stream? An exchange that promises pushes while
   * nothing trades (Binance, Bybit, Bitget: ExchangeFacts.pushesQuietIntervals) is dead when silent;
   * on one that does not (OKX, BingX, KuCoin Futures), REST decides: trades the stream never showed
   * make it dead, none make it a quiet market that stays live (issue 16: a quiet OKX symbol was
   * reconnected every 30 s, tearing down the busy ones sharing its socket).
   */
  private quietCheck(since: number): Promise<boolean> | null {
    const { source } = this.deps;
    if (source.capabilities().facts.pushesQuietIntervals === true) return null;
    const seen = this.collector.newestSeen;
    return source
      .fetchCandles(this.key.symbol, this.key.timeframe, seen?.openTime ?? since, 50, REST_PRIORITY.poll)
      .then((rows) => !missedTrades(seen, rows));
  }

  async stop(unsubscribe = true): Promise<void> {
    this.backfiller.stop();
    this.closer.cancel();
    await this.runner.stop(unsubscribe);
  }

  forceReconnect(reason: BreakReason, dropConnection = true): void {
    this.runner.forceReconnect(reason, dropConnection);
  }

  checkStale(now: number, timeoutMs: number): boolean {
    return this.runner.checkStale(now, timeoutMs);
  }

  onUpdate(listener: CandleUpdateListener): () => void {
    return this.updates.on(listener);
  }

  private flowingState(): StreamState {
    // confirming a close over REST is part of receiving live, not a backfill
    if (this.collector.isSyncing && !this.collector.isConfirming) return 'backfilling';
    return this.transport === 'websocket' && !this.fallback?.polling ? 'live' : 'polling';
  }

  private async watchSocket(): Promise<CandleBatch> {
    const batch = await this.deps.source.watchCandles(this.key.symbol, this.key.timeframe, this.cursor());
    this.fallback?.delivered();
    return batch;
  }

  private useTransport(transport: 'websocket' | 'rest-poll'): void {
    this.status.identity.transport = transport;
    this.deps.log.warn(
      transport === 'rest-poll'
        ? `${this.id}: the websocket keeps failing; polling REST until it works again`
        : `${this.id}: the websocket works again; leaving REST polling`,
    );
  }

  /** While polling: try the websocket in the background; once it delivers, the next watch uses it. */
  private probeSocket(): void {
    const { source } = this.deps;
    source.watchCandles(this.key.symbol, this.key.timeframe, this.cursor()).then(
      (batch) => {
        if (!this.fallback?.polling) return;
        this.fallback.delivered();
        this.handover = batch.connection;
        this.useTransport('websocket');
        this.runner.wakePoll();
      },
      (err: unknown) => this.deps.log.debug(`${this.id}: the websocket still fails`, { error: err }),
    );
  }

  /** the oldest open time the collector still needs to see (undefined: only the newest) */
  private cursor(): number | undefined {
    return this.collector.cursor;
  }

  private async poll(): Promise<CandleBatch> {
    const { source, clock } = this.deps;
    if (this.fallback?.probeDue(clock.now())) this.probeSocket();
    await this.runner.pollTurn(pollIntervalMs(this.key.timeframe));
    // a probe that delivered woke the wait: the socket continues the series
    if (this.fallback && !this.fallback.polling) return this.watchSocket();
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
    this.closer.follow(this.collector.formingOpenTime);
  }
}

/**
 * A timeframe the exchange does not serve, built from its 1m stream. It has no socket and no loop
 * of its own: it listens to the 1m stream's released updates and aggregates each as it comes, so it
 * is as live, and as whole, as that stream (whose state it mirrors when it stops delivering).
 */
export class AggregatedStream implements SeriesStream {
  readonly id: string;
  readonly status: StreamStatus;
  private readonly aggregator: TimeframeAggregator;
  private readonly backfiller: Backfiller;
  private readonly updates = new Emitter<CandleUpdate>();
  private detach: (() => void) | null = null;
  private stopped = false;

  constructor(
    readonly key: SeriesKey,
    readonly base: SeriesStream,
    private readonly deps: CandleStreamDeps,
  ) {
    this.id = seriesId(key);
    this.status = new StreamStatus(candleIdentity(this.id, key, 'aggregated'), deps.clock, deps.onState);
    this.aggregator = new TimeframeAggregator(key, base.key.timeframe, {
      lastClosed: deps.history.lastClosedOpenTime(key),
      warmupCandles: deps.warmupCandles,
    });
    this.backfiller = candleBackfiller(this.aggregator, base.key.timeframe, deps, {
      status: this.status,
      release: (updates) => this.release(updates),
      settledState: () => 'live',
    });
  }

  start(): void {
    if (this.stopped || this.detach) return;
    this.detach = this.base.onUpdate((u) => this.onBase(u));
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.backfiller.stop();
    // Detaching from the 1m stream is all its "unsubscribe" does.
    this.detach?.();
    this.status.set('stopped');
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

  /** One released update of the 1m stream (in the 1m stream's own turn: a failure here is ours). */
  private onBase(u: CandleUpdate): void {
    const now = this.deps.clock.now();
    try {
      this.status.message(now);
      this.release(this.aggregator.onBase(u));
      if (this.aggregator.isSyncing) this.backfiller.kick();
      this.status.set(this.aggregator.isSyncing ? 'backfilling' : 'live');
    } catch (err) {
      // Never thrown into the 1m stream's loop; shown, and the next update tries again.
      this.status.error(toStreamError(classifyError(err), now));
      this.status.set('error');
    }
  }

  private release(updates: CandleUpdate[]): void {
    for (const u of updates) {
      this.deps.emit(u);
      this.updates.emit(u);
    }
  }
}

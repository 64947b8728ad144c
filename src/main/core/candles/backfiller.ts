import type { Candle, SeriesKey } from '../../../shared/domain/market';
import { alignTime } from '../../../shared/timeframe';
import type { Backoff } from '../base/backoff';
import { classifyError, type ClassifiedError } from '../base/classify-error';
import { sleep, type Clock } from '../base/clock';
import type { Logger } from '../base/log';
import { candlesInRange } from './candle-time';
import type { CandleUpdate, GapLedger } from './ports';
import type { FetchRange } from './series-collector';

/** What a backfiller drives: a SeriesCollector or a TimeframeAggregator. */
export type SyncTarget = {
  readonly key: SeriesKey;
  nextFetch(): FetchRange | null;
  applyFetch(range: FetchRange, page: readonly Candle[]): CandleUpdate[];
};

export type BackfillDeps = {
  /** timeframe of the candles fetched (1m for an aggregated series) */
  fetchTimeframe: string;
  /** one REST page: candles opening at or after `since`; `priority` orders the exchange's REST queue */
  fetch(since: number, limit: number, priority: number): Promise<Candle[]>;
  pageLimit: number;
  gaps: GapLedger;
  clock: Clock;
  log: Logger;
  backoff: Backoff;
  restBlockedForMs(): number;
  emit(updates: CandleUpdate[]): void;
  onError(error: ClassifiedError): void;
  /** the series has no hole left */
  onDone(): void;
};

type OpenGap = { id: number; from: number; filled: number };

/**
 * Fills what the target says is missing, page by page over REST, until nothing is. Pages are
 * queued at the exchange with the gap's end time as priority, so the newest gap of all series is
 * fetched first. Each gap (not a warm-up of a new series) is recorded in the gap ledger: opened
 * when found, filled with the number of candles the exchange had, or failed with the reason (and
 * then retried with backoff, honouring Retry-After).
 */
export class Backfiller {
  private running = false;
  private stopped = false;
  private gap: OpenGap | null = null;
  private readonly stopSignal = new AbortController();

  constructor(
    private readonly target: SyncTarget,
    private readonly deps: BackfillDeps,
  ) {}

  get active(): boolean {
    return this.running;
  }

  /** Start filling if the target needs it and no fill is under way. */
  kick(): void {
    if (this.running || this.stopped || this.target.nextFetch() === null) return;
    this.running = true;
    void this.run().finally(() => {
      this.running = false;
    });
  }

  stop(): void {
    this.stopped = true;
    this.stopSignal.abort();
  }

  private async run(): Promise<void> {
    const { clock, gaps } = this.deps;
    for (let range = this.target.nextFetch(); range && !this.stopped; range = this.target.nextFetch()) {
      if (range.reason !== 'warmup' && this.gap?.from !== range.from) this.openGap(range);
      let page: Candle[];
      try {
        page = await this.deps.fetch(range.from, this.deps.pageLimit, range.to);
      } catch (err) {
        if (this.stopped) return;
        const c = classifyError(err);
        if (this.gap) gaps.failed(this.gap.id, `${c.kind}: ${c.message}`);
        this.gap = null;
        this.deps.onError(c);
        const delay = Math.max(this.deps.backoff.next(), this.deps.restBlockedForMs());
        this.deps.log.warn(`backfill of ${this.target.key.symbol} ${this.target.key.timeframe} failed`, {
          kind: c.kind,
          retryInMs: delay,
        });
        await sleep(clock, delay, this.stopSignal.signal);
        continue;
      }
      if (this.stopped) return;
      this.deps.backoff.reset();
      const updates = this.target.applyFetch(range, page);
      if (this.gap) {
        for (const u of updates) if (u.origin === 'backfill') this.gap.filled += u.closed.length;
        const next = this.target.nextFetch();
        if (next && next.reason !== 'warmup') this.gap.from = next.from;
      }
      this.deps.emit(updates);
    }
    this.closeGap();
    if (!this.stopped) this.deps.onDone();
  }

  private openGap(range: FetchRange): void {
    this.closeGap();
    const { key } = this.target;
    const tf = key.timeframe;
    // An aggregated series fetches 1m candles; its ledger speaks in its own timeframe.
    const from = alignTime(range.from, tf);
    const to = alignTime(range.to, tf);
    const id = this.deps.gaps.opened({
      exchange: key.exchange,
      symbol: key.symbol,
      timeframe: tf,
      from,
      to,
      expected: candlesInRange(from, to, tf),
      reason: range.reason === 'warmup' ? 'start' : range.reason,
      detectedAt: this.deps.clock.now(),
    });
    this.gap = { id, from: range.from, filled: 0 };
  }

  private closeGap(): void {
    if (!this.gap) return;
    this.deps.gaps.filled(this.gap.id, this.gap.filled, this.deps.clock.now());
    this.gap = null;
  }
}

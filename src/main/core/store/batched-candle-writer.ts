import type { Database } from 'better-sqlite3';
import { seriesId, type Candle, type SeriesKey } from '../../../shared/domain/market';
import type { CandleUpdateListener } from '../candles/ports';
import type { Logger } from '../base/log';
import type { CandleAnomaly, CandleRepository } from './candle-repository';
import type { SeriesRepository } from './series-repository';

export type CandleWriterOptions = {
  /** longest a closed candle waits in memory before its transaction */
  intervalMs?: number;
  /** queued rows that start a transaction before the interval; also the most rows one transaction holds */
  maxBatchRows?: number;
  /** delay before the first retry of a failed write, doubled up to `retryMaxMs` */
  retryMinMs?: number;
  retryMaxMs?: number;
};

export type WriterError = { message: string; code: string | null; at: number };

type Queued = { key: SeriesKey; sid: string; candles: Candle[]; next: number };
/** The rows of one series in one transaction. */
type Group = { key: SeriesKey; id: number | undefined; rows: Candle[] };
type KeyedAnomaly = CandleAnomaly & { key: SeriesKey };

const DEFAULTS: Required<CandleWriterOptions> = {
  intervalMs: 250,
  maxBatchRows: 5_000,
  retryMinMs: 250,
  retryMaxMs: 10_000,
};

/**
 * Writes closed candles in batches: the collector's hot path only appends to an in-memory queue;
 * one transaction per 250 ms (or per `maxBatchRows`) turns a hundred streams' closes into one
 * commit. A long backfill is written in `maxBatchRows` slices with the event loop free between them.
 *
 * A failed transaction (disk full, database locked) rolls back and the rows stay queued: they are
 * retried with backoff until they are on disk, and the failure is logged and kept in `lastError`.
 * The forming candle never reaches this class: only `CandleUpdate.closed` is queued.
 */
export class BatchedCandleWriter {
  private readonly opts: Required<CandleWriterOptions>;
  /** Arrival order; entries before `head` are written and dropped in bulk (shift() is O(n)). */
  private queue: Queued[] = [];
  private head = 0;
  private pendingRows = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private immediate: ReturnType<typeof setImmediate> | undefined;
  private failures = 0;
  private error: WriterError | null = null;
  private anomalyCount = 0;
  private closed = false;
  private idleWaiters: (() => void)[] = [];
  private readonly insertGroups: (groups: Group[]) => KeyedAnomaly[];

  constructor(
    db: Database,
    private readonly series: SeriesRepository,
    private readonly candles: CandleRepository,
    private readonly log: Logger,
    opts: CandleWriterOptions = {},
  ) {
    this.opts = { ...DEFAULTS, ...opts };
    this.insertGroups = db.transaction((groups: Group[]) => {
      const anomalies: KeyedAnomaly[] = [];
      for (const { key, id, rows } of groups) {
        this.candles.insertClosed(id ?? this.series.ensure(key), rows, (a) => anomalies.push({ ...a, key }));
      }
      return anomalies;
    });
  }

  /** Subscribe this to the collector: closed candles are queued, the forming one is ignored. */
  readonly onUpdate: CandleUpdateListener = (update) => this.enqueue(update.key, update.closed);

  enqueue(key: SeriesKey, closed: readonly Candle[]): void {
    if (closed.length === 0) return;
    if (this.closed) {
      this.log.error('closed candles arrived after the writer was closed; they are not stored', {
        series: seriesId(key),
        count: closed.length,
      });
      return;
    }
    const valid: Candle[] = [];
    for (const c of closed) {
      // A NaN or missing value would fail the NOT NULL constraint and block every row queued
      // behind it on retry; it is reported here instead and the rest are written. Closed candles
      // are final (CandleUpdate), so they are queued by reference, not copied.
      if (c.length === 6 && c.every(Number.isFinite) && Number.isInteger(c[0])) valid.push(c);
      else
        this.log.warn('data anomaly: a closed candle with a missing or non-finite value was not stored', {
          series: seriesId(key),
          candle: c.map(String),
        });
    }
    if (valid.length === 0) return;
    this.queue.push({ key, sid: seriesId(key), candles: valid, next: 0 });
    this.pendingRows += valid.length;
    this.schedule();
  }

  /** Closed candles queued and not yet committed. */
  get pending(): number {
    return this.pendingRows;
  }

  /** The last failed write; null again once a write succeeds. */
  get lastError(): WriterError | null {
    return this.error;
  }

  /** Closed candles that arrived again with values different from the stored ones. */
  get anomalies(): number {
    return this.anomalyCount;
  }

  /** Resolves when the queue is empty (benchmarks and tests wait on it). */
  idle(): Promise<void> {
    if (this.pendingRows === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /**
   * Writes everything queued now, synchronously (shutdown). Throws the database error if a write
   * fails; the rows that were not written stay queued and the retry timer is armed again.
   */
  flush(): void {
    this.cancelTimers();
    try {
      while (this.pendingRows > 0) this.writeSlice();
    } catch (err) {
      this.failed(err);
      if (!this.closed) this.armRetry();
      throw err;
    }
  }

  /** Flushes and refuses further rows. */
  close(): void {
    this.closed = true;
    this.flush();
  }

  private schedule(): void {
    if (this.closed || this.failures > 0) return; // a retry timer is already armed
    if (this.pendingRows >= this.opts.maxBatchRows) {
      this.immediate ??= setImmediate(() => this.tick());
    } else {
      this.timer ??= setTimeout(() => this.tick(), this.opts.intervalMs);
    }
  }

  private tick(): void {
    this.cancelTimers();
    try {
      this.writeSlice();
    } catch (err) {
      this.failed(err);
      this.armRetry();
      return;
    }
    // What is left is either a backfill's next slice or rows that already waited: no new interval.
    if (this.pendingRows > 0) this.immediate = setImmediate(() => this.tick());
  }

  private armRetry(): void {
    const delay = Math.min(this.opts.retryMinMs * 2 ** (this.failures - 1), this.opts.retryMaxMs);
    this.timer = setTimeout(() => this.tick(), delay);
  }

  /**
   * One transaction of at most maxBatchRows rows from the head of the queue, grouped by series: a
   * live mix of 100 streams becomes 100 runs of consecutive keys (one counter update each, and
   * neighbouring b-tree pages) instead of 100 interleaved single rows.
   */
  private writeSlice(): void {
    const groups = new Map<string, Group>();
    const taken: { queued: Queued; take: number }[] = [];
    let budget = this.opts.maxBatchRows;
    for (let i = this.head; i < this.queue.length && budget > 0; i++) {
      const queued = this.queue[i]!;
      const take = Math.min(queued.candles.length - queued.next, budget);
      let group = groups.get(queued.sid);
      if (!group) {
        // Looked up before the transaction so known ids are cached; new series are created inside it.
        group = { key: queued.key, id: this.series.find(queued.key), rows: [] };
        groups.set(queued.sid, group);
      }
      for (let j = queued.next; j < queued.next + take; j++) group.rows.push(queued.candles[j]!);
      taken.push({ queued, take });
      budget -= take;
    }
    const anomalies = this.insertGroups([...groups.values()]);
    // Committed: only now do the rows leave the queue.
    for (const { queued, take } of taken) {
      queued.next += take;
      this.pendingRows -= take;
    }
    while (
      this.head < this.queue.length &&
      this.queue[this.head]!.next >= this.queue[this.head]!.candles.length
    ) {
      this.head++;
    }
    if (this.head === this.queue.length || this.head >= 1_024) {
      this.queue = this.queue.slice(this.head);
      this.head = 0;
    }
    for (const a of anomalies) this.reportAnomaly(a);
    this.succeeded();
  }

  private succeeded(): void {
    if (this.failures > 0) {
      this.log.info('candle writes recovered', { attempts: this.failures });
      this.failures = 0;
      this.error = null;
    }
    if (this.pendingRows === 0) {
      const waiters = this.idleWaiters;
      this.idleWaiters = [];
      for (const resolve of waiters) resolve();
    }
  }

  private failed(err: unknown): void {
    this.failures++;
    const code = typeof (err as { code?: unknown }).code === 'string' ? (err as { code: string }).code : null;
    const message = err instanceof Error ? err.message : String(err);
    const repeated = this.error?.message === message;
    this.error = { message, code, at: Date.now() };
    // Every failure is visible in lastError; the log gets the first one and every tenth repeat.
    if (!repeated || this.failures % 10 === 0) {
      this.log.error('writing closed candles failed; they stay queued and are retried', {
        code,
        message,
        attempt: this.failures,
        pending: this.pendingRows,
      });
    }
  }

  private reportAnomaly(a: KeyedAnomaly): void {
    this.anomalyCount++;
    this.log.warn(
      'data anomaly: a closed candle arrived again with different values; the stored one is kept',
      {
        series: seriesId(a.key),
        openTime: a.stored[0],
        stored: a.stored,
        received: a.received,
      },
    );
  }

  private cancelTimers(): void {
    if (this.timer) clearTimeout(this.timer);
    if (this.immediate) clearImmediate(this.immediate);
    this.timer = undefined;
    this.immediate = undefined;
  }
}

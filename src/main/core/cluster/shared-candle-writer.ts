import { seriesId, type Candle, type SeriesKey } from '../../../shared/domain/market';
import type { CandleUpdateListener } from '../candles/ports';
import type { Logger } from '../base/log';
import type { SeriesCandles, SharedCandleStore } from '../store/shared-store';

export type SharedWriterOptions = { intervalMs?: number; maxBatchRows?: number; retryMaxMs?: number };

/**
 * Closed candles into the shared store, off the collector's hot path: queued per series, written
 * every `intervalMs` as one multi-row upsert of at most `maxBatchRows` rows. A failed write (server
 * restarting, network) keeps the rows queued and retries with a doubling delay; nothing is dropped.
 * The local SQLite keeps its own BatchedCandleWriter: this one only makes the candles shared.
 */
export class SharedCandleWriter {
  private readonly queue = new Map<string, { key: SeriesKey; candles: Candle[] }>();
  private queued = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private writing: Promise<void> | undefined;
  private failures = 0;
  /** flush() writes in a loop of its own; no timer may start a concurrent write meanwhile */
  private flushing = false;
  private readonly intervalMs: number;
  private readonly maxBatchRows: number;
  private readonly retryMaxMs: number;
  /** flush latencies in ms, for the benchmark */
  readonly flushTimes: number[] = [];

  constructor(
    private readonly store: SharedCandleStore,
    private readonly log: Logger,
    opts: SharedWriterOptions = {},
  ) {
    this.intervalMs = opts.intervalMs ?? 250;
    this.maxBatchRows = opts.maxBatchRows ?? 5_000;
    this.retryMaxMs = opts.retryMaxMs ?? 10_000;
  }

  readonly onUpdate: CandleUpdateListener = (update) => this.enqueue(update.key, update.closed);

  enqueue(key: SeriesKey, closed: readonly Candle[]): void {
    if (closed.length === 0) return;
    const sid = seriesId(key);
    const entry = this.queue.get(sid) ?? { key, candles: [] };
    entry.candles.push(...closed);
    this.queue.set(sid, entry);
    this.queued += closed.length;
    this.schedule(this.queued >= this.maxBatchRows ? 0 : this.intervalMs);
  }

  get pending(): number {
    return this.queued;
  }

  /** Writes until the queue is empty; throws after the first failed attempt (shutdown reports it). */
  async flush(): Promise<void> {
    this.flushing = true;
    try {
      this.cancelTimer();
      await this.writing;
      // The write in flight may have armed the next one as it ended: this loop does it instead.
      this.cancelTimer();
      while (this.queued > 0) await this.writeBatch();
    } finally {
      this.flushing = false;
    }
  }

  private cancelTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private schedule(delayMs: number): void {
    if (this.timer || this.writing || this.flushing) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.writing = this.writeBatch()
        .then(() => {
          this.failures = 0;
        })
        .catch((err: unknown) => {
          this.failures++;
          if (this.failures === 1 || this.failures % 10 === 0)
            this.log.error('writing closed candles to the shared store failed; they stay queued', {
              error: err,
              pending: this.queued,
              attempt: this.failures,
            });
        })
        .finally(() => {
          this.writing = undefined;
          const retry = Math.min(this.intervalMs * 2 ** this.failures, this.retryMaxMs);
          if (this.queued > 0) this.schedule(this.failures > 0 ? retry : 0);
        });
    }, delayMs);
  }

  private async writeBatch(): Promise<void> {
    const batch: SeriesCandles[] = [];
    let budget = this.maxBatchRows;
    for (const entry of this.queue.values()) {
      if (budget <= 0) break;
      const rows = entry.candles.slice(0, budget);
      batch.push({ key: entry.key, candles: rows });
      budget -= rows.length;
    }
    const started = performance.now();
    const { anomalies } = await this.store.writeClosed(batch);
    this.flushTimes.push(performance.now() - started);
    // Committed: only now do the rows leave the queue.
    for (const { key, candles } of batch) {
      const sid = seriesId(key);
      const entry = this.queue.get(sid)!;
      entry.candles.splice(0, candles.length);
      if (entry.candles.length === 0) this.queue.delete(sid);
      this.queued -= candles.length;
    }
    for (const a of anomalies)
      this.log.warn('data anomaly: the shared store holds this closed candle with other values; it is kept', {
        series: seriesId(a.key),
        openTime: a.stored[0],
        stored: a.stored,
        received: a.received,
      });
  }
}

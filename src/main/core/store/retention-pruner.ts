import type { Database } from 'better-sqlite3';
import type { Logger } from '../base/log';
import { BackgroundBatches } from './background-batches';
import type { CandleRepository } from './candle-repository';
import type { SeriesRepository } from './series-repository';

/** Days of closed candles kept per timeframe; absent or null means forever (settings `data.retention`). */
export type RetentionPolicy = Readonly<Record<string, number | null>>;

export type RetentionOptions = {
  /** pause between passes once everything due is deleted */
  intervalMs?: number;
  /** first pass after start, so start-up (warm-up, backfill) has the database first */
  initialDelayMs?: number;
  /** most rows one transaction deletes: each step stays a few milliseconds long */
  batchRows?: number;
  now?: () => number;
};

const DAY_MS = 86_400_000;

/**
 * Deletes candles older than their timeframe's retention, in small transactions with the event loop
 * free between them, so a first pass over a year of 1s candles never blocks the live streams.
 */
export class RetentionPruner {
  private readonly opts: Required<RetentionOptions>;
  private passDeleted = 0;
  private readonly batch: (limit: number) => number;
  private readonly runner: BackgroundBatches;

  constructor(
    db: Database,
    private readonly series: SeriesRepository,
    candles: CandleRepository,
    private readonly policy: () => RetentionPolicy,
    private readonly log: Logger,
    opts: RetentionOptions = {},
  ) {
    this.opts = {
      intervalMs: 10 * 60_000,
      initialDelayMs: 30_000,
      batchRows: 2_000,
      now: Date.now,
      ...opts,
    };
    this.batch = db.transaction((limit: number) => {
      const policy = this.policy();
      const now = this.opts.now();
      let deleted = 0;
      for (const s of this.series.all()) {
        const days = policy[s.timeframe];
        if (days == null || s.candleCount === 0) continue;
        deleted += candles.deleteOlderThan(s.id, now - days * DAY_MS, limit - deleted);
        if (deleted >= limit) break;
      }
      return deleted;
    });
    this.runner = new BackgroundBatches({
      intervalMs: this.opts.intervalMs,
      initialDelayMs: this.opts.initialDelayMs,
      step: () => {
        const deleted = this.pruneBatch();
        this.passDeleted += deleted;
        return deleted >= this.opts.batchRows;
      },
      onPassEnd: () => {
        if (this.passDeleted > 0)
          this.log.info('retention removed expired candles', { candles: this.passDeleted });
        this.passDeleted = 0;
      },
      onError: (err) => {
        this.log.warn('retention pass failed; it runs again later', { error: err });
        this.passDeleted = 0;
      },
    });
  }

  start(): void {
    this.runner.start();
  }

  stop(): void {
    this.runner.stop();
  }

  /** Deletes at most `batchRows` expired candles in one transaction; returns how many. */
  pruneBatch(): number {
    return this.batch(this.opts.batchRows);
  }
}

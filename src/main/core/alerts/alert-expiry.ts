import type { AlertSettings } from '../../../shared/domain/settings';
import type { Logger } from '../base/log';
import type { AlertRepository } from '../store/alert-repository';
import { BackgroundBatches } from '../store/background-batches';
import type { AlertService } from './alert-service';

export type AlertHousekeepingOptions = {
  alerts: AlertService;
  repo: AlertRepository;
  settings: () => AlertSettings;
  log: Logger;
  now: () => number;
  /** pause between passes once nothing more is due */
  intervalMs?: number;
  /** first pass after start: start-up (warm-up, backfill) has the database first */
  initialDelayMs?: number;
  /** most alerts one step expires or deletes: each transaction stays a few milliseconds long */
  batch?: number;
};

const DAY_MS = 86_400_000;

/**
 * The background side of the alert lifecycle: active alerts nobody dismissed become expired when
 * their time is up, and the history is pruned to its count and age bounds (settings `alerts`), in
 * small transactions (BackgroundBatches) every minute.
 */
export class AlertHousekeeping {
  private readonly batch: number;
  private readonly runner: BackgroundBatches;
  private pass = { expired: 0, pruned: 0 };

  constructor(private readonly opts: AlertHousekeepingOptions) {
    this.batch = opts.batch ?? 500;
    this.runner = new BackgroundBatches({
      intervalMs: opts.intervalMs ?? 60_000,
      initialDelayMs: opts.initialDelayMs ?? 20_000,
      step: () => {
        const done = this.runBatch();
        this.pass.expired += done.expired;
        this.pass.pruned += done.pruned;
        return done.expired >= this.batch || done.pruned >= this.batch;
      },
      onPassEnd: () => {
        if (this.pass.expired > 0 || this.pass.pruned > 0)
          this.opts.log.info('alert housekeeping', this.pass);
        this.pass = { expired: 0, pruned: 0 };
      },
      onError: (err) => {
        this.opts.log.warn('alert expiry and history pruning failed; they run again later', { error: err });
        this.pass = { expired: 0, pruned: 0 };
      },
    });
  }

  start(): void {
    this.runner.start();
  }

  stop(): void {
    this.runner.stop();
  }

  /** One step: expires, then prunes, at most `batch` alerts each; returns what it did. */
  runBatch(): { expired: number; pruned: number } {
    const s = this.opts.settings();
    const expired = this.opts.alerts.expireDue(
      s.expireAfterMinutes === null ? null : s.expireAfterMinutes * 60_000,
      this.batch,
    );
    const olderThan = s.keepDays === null ? null : this.opts.now() - s.keepDays * DAY_MS;
    const pruned = this.opts.repo.prune(olderThan, s.keepCount, this.batch);
    return { expired, pruned };
  }
}

import type { AlertSettings } from '../../../shared/domain/settings';
import type { Logger } from '../base/log';
import type { AlertRepository } from '../store/alert-repository';
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
 * their time is up, and the history is pruned to its count and age bounds (settings `alerts`).
 * Each step is one small transaction, with the event loop free between steps, so a first pass over
 * a large history never blocks the live streams.
 */
export class AlertHousekeeping {
  private readonly intervalMs: number;
  private readonly initialDelayMs: number;
  private readonly batch: number;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private immediate: ReturnType<typeof setImmediate> | undefined;
  private pass = { expired: 0, pruned: 0 };

  constructor(private readonly opts: AlertHousekeepingOptions) {
    this.intervalMs = opts.intervalMs ?? 60_000;
    this.initialDelayMs = opts.initialDelayMs ?? 20_000;
    this.batch = opts.batch ?? 500;
  }

  start(): void {
    this.stop();
    this.timer = setTimeout(() => this.step(), this.initialDelayMs);
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    if (this.immediate) clearImmediate(this.immediate);
    this.timer = undefined;
    this.immediate = undefined;
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

  private step(): void {
    this.timer = undefined;
    this.immediate = undefined;
    let done: { expired: number; pruned: number };
    try {
      done = this.runBatch();
    } catch (err) {
      this.opts.log.warn('alert expiry and history pruning failed; they run again later', { error: err });
      this.pass = { expired: 0, pruned: 0 };
      this.timer = setTimeout(() => this.step(), this.intervalMs);
      return;
    }
    this.pass.expired += done.expired;
    this.pass.pruned += done.pruned;
    if (done.expired >= this.batch || done.pruned >= this.batch) {
      this.immediate = setImmediate(() => this.step());
      return;
    }
    if (this.pass.expired > 0 || this.pass.pruned > 0) this.opts.log.info('alert housekeeping', this.pass);
    this.pass = { expired: 0, pruned: 0 };
    this.timer = setTimeout(() => this.step(), this.intervalMs);
  }
}

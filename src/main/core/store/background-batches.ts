/**
 * Housekeeping that deletes or updates many rows (candle retention, alert expiry and history) runs
 * as a series of small transactions with the event loop free between them, so a first pass over a
 * large table never blocks the live streams: `step` does one transaction and says whether more is
 * due right away; once a pass is done the next starts `intervalMs` later.
 */
export type BackgroundBatchesOptions = {
  /** one small transaction; true when more is due right away */
  step(): boolean;
  /** the pass ended (nothing more due) */
  onPassEnd(): void;
  /** a step threw: the pass ends and the next one starts at the usual interval */
  onError(err: unknown): void;
  intervalMs: number;
  /** first pass after start, so start-up (warm-up, backfill) has the database first */
  initialDelayMs: number;
};

export class BackgroundBatches {
  private timer: ReturnType<typeof setTimeout> | undefined;
  private immediate: ReturnType<typeof setImmediate> | undefined;

  constructor(private readonly opts: BackgroundBatchesOptions) {}

  start(): void {
    this.stop();
    this.timer = setTimeout(() => this.run(), this.opts.initialDelayMs);
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    if (this.immediate) clearImmediate(this.immediate);
    this.timer = undefined;
    this.immediate = undefined;
  }

  private run(): void {
    this.timer = undefined;
    this.immediate = undefined;
    let more: boolean;
    try {
      more = this.opts.step();
    } catch (err) {
      this.opts.onError(err);
      this.timer = setTimeout(() => this.run(), this.opts.intervalMs);
      return;
    }
    if (more) {
      this.immediate = setImmediate(() => this.run());
      return;
    }
    this.opts.onPassEnd();
    this.timer = setTimeout(() => this.run(), this.opts.intervalMs);
  }
}

export type FrameScheduler = (run: () => void) => void;

/** The browser's animation frame; hidden tabs pause it, which is exactly when nobody needs renders. */
export const animationFrame: FrameScheduler = (run) => {
  requestAnimationFrame(() => run());
};

/**
 * Keeps the newest value per key and hands the whole batch over once per animation frame: a burst
 * of 50 tickers in one frame costs one store update and one render, not 50.
 */
export class FrameBatcher<T> {
  private pending = new Map<string, T>();
  private scheduled = false;

  constructor(
    private readonly flush: (batch: ReadonlyMap<string, T>) => void,
    private readonly schedule: FrameScheduler = animationFrame,
  ) {}

  push(key: string, value: T): void {
    this.pending.set(key, value);
    if (this.scheduled) return;
    this.scheduled = true;
    this.schedule(() => this.run());
  }

  private run(): void {
    this.scheduled = false;
    if (this.pending.size === 0) return;
    const batch = this.pending;
    this.pending = new Map();
    this.flush(batch);
  }
}

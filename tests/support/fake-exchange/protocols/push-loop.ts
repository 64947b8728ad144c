import type { Now } from '../clock';

/**
 * The two clocks of a fake's market streams: `tick` every `intervalMs` (forming candles, tickers,
 * book updates) and `second` just after every second boundary of the fake's clock (closed candles go
 * out right after the second that ends them).
 */
export class PushLoop {
  private readonly tickTimer: NodeJS.Timeout;
  private secondTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly now: Now,
    intervalMs: number,
    tick: (now: number) => void,
    private readonly second: (now: number) => void,
  ) {
    this.tickTimer = setInterval(() => tick(this.now()), intervalMs);
    this.scheduleSecond();
  }

  private scheduleSecond(): void {
    // A few ms past the boundary, so the closing second has completed by the time we look.
    const delay = 1000 - (this.now() % 1000) + 2;
    this.secondTimer = setTimeout(() => {
      this.second(this.now());
      this.scheduleSecond();
    }, delay);
  }

  stop(): void {
    clearInterval(this.tickTimer);
    clearTimeout(this.secondTimer);
  }
}

import type { ExchangeCapabilities } from '../../../shared/domain/exchange';
import { nextOpenTime, timeframeMs } from '../../../shared/timeframe';
import type { Clock, TimerHandle } from '../base/clock';

/**
 * How long after a candle's period ends we wait for the exchange's own next update before closing
 * it ourselves. An exchange that pushes empty intervals (Binance sends a flat kline every period)
 * closes the candle with its next push within milliseconds, so the timer is only a fallback; one
 * that skips them may never push again until someone trades, so we close soon after the boundary
 * (the short wait absorbs late pushes of trades made just before it). Never more than half a period.
 */
export function boundaryGraceMs(
  caps: Pick<ExchangeCapabilities, 'emptyIntervals'>,
  timeframe: string,
): number {
  const grace = caps.emptyIntervals === 'pushed' ? 5_000 : 1_000;
  return Math.min(grace, Math.floor(timeframeMs(timeframe) / 2));
}

/**
 * One timer per candle stream, set at the forming candle's period end plus the grace: when it fires
 * and no later candle has opened, the stream closes the candle (SeriesCollector.boundaryPassed).
 */
export class BoundaryCloser {
  private timer: TimerHandle | null = null;
  private armedFor: number | undefined;

  constructor(
    private readonly timeframe: string,
    private readonly graceMs: number,
    private readonly clock: Clock,
    private readonly onDue: (now: number) => void,
  ) {}

  /** Times the end of the candle opening at `openTime` (or nothing when undefined); idempotent. */
  follow(openTime: number | undefined): void {
    if (openTime === this.armedFor) return;
    this.cancel();
    if (openTime === undefined) return;
    this.armedFor = openTime;
    const dueAt = nextOpenTime(openTime, this.timeframe) + this.graceMs;
    this.timer = this.clock.setTimeout(
      () => {
        this.timer = null;
        this.armedFor = undefined;
        this.onDue(this.clock.now());
      },
      Math.max(0, dueAt - this.clock.now()),
    );
  }

  cancel(): void {
    if (this.timer) this.clock.clearTimeout(this.timer);
    this.timer = null;
    this.armedFor = undefined;
  }
}

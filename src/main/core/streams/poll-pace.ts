import { sleep, type Clock } from '../base/clock';

/** The read a poll wait was pacing is called off: the stream broke or stopped while it waited. */
export class PollCalledOff extends Error {
  constructor() {
    super('poll called off: the stream broke or stopped while it waited');
    this.name = 'PollCalledOff';
  }
}

/**
 * The pace of a stream that polls REST: the first read at once (after a start or a break), each
 * later one an interval after the last. A break or a stop calls off a read still waiting its turn,
 * so a watch the loop already left never reads later (it once made a REST call after the stream
 * had stopped, and a candle stream's left-over wait could watch the socket behind the loop's back).
 */
export class PollPace {
  private polled = false;
  private round = 0;
  private stopped = false;
  private waiting: AbortController | null = null;

  constructor(private readonly clock: Clock) {}

  /** Resolves when the next read is due; rejects with PollCalledOff when a break or stop came first. */
  async turn(intervalMs: number): Promise<void> {
    const round = this.round;
    if (this.polled && !this.stopped) {
      const waiting = new AbortController();
      this.waiting = waiting;
      await sleep(this.clock, intervalMs, waiting.signal);
      if (this.waiting === waiting) this.waiting = null;
    }
    if (this.stopped || round !== this.round) throw new PollCalledOff();
    this.polled = true;
  }

  /** Ends the wait now: the read is due at once (a websocket probe delivered, say). */
  wake(): void {
    this.waiting?.abort();
  }

  /** The stream broke: the next read goes at once, and a read still waiting is called off. */
  reset(): void {
    this.round++;
    this.polled = false;
    this.waiting?.abort();
  }

  stop(): void {
    this.stopped = true;
    this.reset();
  }
}

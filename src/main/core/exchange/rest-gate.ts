import { MarketDataError } from '../base/classify-error';
import { sleep, type Clock } from '../base/clock';

type Job = {
  priority: number;
  seq: number;
  run: () => Promise<unknown>;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
};

/** The streams that shared the closed gate simply reconnect: a network failure, not a bad request. */
export class RestGateClosedError extends MarketDataError {
  constructor() {
    super('network', 'the exchange connection was closed');
    this.name = 'RestGateClosedError';
  }
}

/**
 * Every REST call to one exchange passes here, highest priority first, at most `concurrency` at a
 * time. The exchange's weight limit is kept by ccxt's own throttle, which spaces the calls' starts
 * at `rateLimit × cost` whatever their number in flight; the gate only decides which call goes
 * next and how many wait on the network at once. One at a time made the pace the round trip's
 * (a 3,000-stream warm-up took minutes at 100 ms a call, far under the limit); a few in flight let
 * ccxt's throttle set the pace. After a 429 no call starts until the Retry-After window has passed
 * (Binance bans an IP that keeps calling through a 429, 418): only the calls already in flight,
 * sent before the answer, may meet it too.
 *
 * Calls at `sharedPriority` (a stream's REST polling and quiet checks) outrank history, but take at
 * most every other start while history calls wait: when sockets fail in a wave, every stream falls
 * back to polling at once, and strict priority let the polls of thousands of streams starve the
 * warm-up and gap fills for as long as the wave lasted (issue 15, seen at 3,000 streams).
 */
export class RestGate {
  private readonly queue: Job[] = [];
  private blockedUntilMs = 0;
  private seq = 0;
  private running = 0;
  private pumping = false;
  private closed = false;
  private readonly stop = new AbortController();
  private lastStartShared = false;

  constructor(
    private readonly clock: Clock,
    private readonly concurrency = 1,
    private readonly sharedPriority = Infinity,
  ) {}

  /** calls waiting for their turn (not those in flight) */
  get waiting(): number {
    return this.queue.length;
  }

  run<T>(fn: () => Promise<T>, priority = 0): Promise<T> {
    if (this.closed) return Promise.reject(new RestGateClosedError());
    return new Promise<T>((resolve, reject) => {
      this.queue.push({
        priority,
        seq: this.seq++,
        run: fn,
        resolve: resolve as (v: unknown) => void,
        reject,
      });
      void this.pump();
    });
  }

  /** Open (or extend) a window in which no REST call may start. */
  block(ms: number): void {
    this.blockedUntilMs = Math.max(this.blockedUntilMs, this.clock.now() + ms);
  }

  blockedForMs(): number {
    return Math.max(0, this.blockedUntilMs - this.clock.now());
  }

  async waitUntilClear(): Promise<void> {
    while (!this.closed && this.blockedForMs() > 0)
      await sleep(this.clock, this.blockedForMs(), this.stop.signal);
  }

  close(): void {
    this.closed = true;
    this.stop.abort();
    for (const job of this.queue.splice(0)) job.reject(new RestGateClosedError());
  }

  private async pump(): Promise<void> {
    if (this.pumping) return;
    this.pumping = true;
    try {
      while (this.queue.length > 0 && this.running < this.concurrency && !this.closed) {
        await this.waitUntilClear();
        if (this.closed) break;
        this.start(this.takeNext());
      }
    } finally {
      this.pumping = false;
    }
  }

  private start(job: Job): void {
    this.running++;
    new Promise<unknown>((resolve) => resolve(job.run())).then(job.resolve, job.reject).finally(() => {
      this.running--;
      void this.pump();
    });
  }

  private takeNext(): Job {
    let index = this.best(() => true);
    const shared = this.queue[index]!.priority === this.sharedPriority;
    if (shared && this.lastStartShared) {
      const below = this.best((job) => job.priority < this.sharedPriority);
      if (below >= 0) index = below;
    }
    const [job] = this.queue.splice(index, 1);
    this.lastStartShared = job!.priority === this.sharedPriority;
    return job!;
  }

  /** index of the highest-priority (then oldest) queued job that `eligible` accepts, or -1 */
  private best(eligible: (job: Job) => boolean): number {
    let best = -1;
    for (let i = 0; i < this.queue.length; i++) {
      const a = this.queue[i]!;
      if (!eligible(a)) continue;
      const b = best < 0 ? undefined : this.queue[best]!;
      if (!b || a.priority > b.priority || (a.priority === b.priority && a.seq < b.seq)) best = i;
    }
    return best;
  }
}

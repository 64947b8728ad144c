import type { Clock, TimerHandle } from '../../src/main/core/base/clock';

type Timer = { at: number; seq: number; fn: () => void };

/**
 * A clock whose time moves only when a test says so. `advance` fires due timers in time order and
 * lets the promise chains they start run before moving on, so loops and backoff are deterministic.
 */
export class FakeClock implements Clock {
  private time: number;
  private seq = 0;
  private readonly timers = new Map<number, Timer>();
  /** wall time that passed while "asleep" (jump): the monotonic clock did not see it */
  private slept = 0;

  constructor(start = Date.UTC(2026, 0, 5, 12, 0, 0)) {
    this.time = start;
  }

  now(): number {
    return this.time;
  }

  monotonic(): number {
    return this.time - this.slept;
  }

  setTimeout(fn: () => void, ms: number): TimerHandle {
    const id = ++this.seq;
    this.timers.set(id, { at: this.time + Math.max(0, ms), seq: id, fn });
    return { id };
  }

  clearTimeout(handle: TimerHandle): void {
    this.timers.delete(handle.id as number);
  }

  /** pending timer delays from now, soonest first */
  pendingDelays(): number[] {
    return [...this.timers.values()].map((t) => t.at - this.time).sort((a, b) => a - b);
  }

  async advance(ms: number): Promise<void> {
    const end = this.time + ms;
    await settle();
    for (;;) {
      const next = [...this.timers.entries()]
        .filter(([, t]) => t.at <= end)
        .sort(([, a], [, b]) => a.at - b.at || a.seq - b.seq)[0];
      if (!next) break;
      this.timers.delete(next[0]);
      this.time = Math.max(this.time, next[1].at);
      next[1].fn();
      await settle();
    }
    this.time = end;
    await settle();
  }

  /** Jumps the clock without firing timers in between (a machine waking from sleep). */
  jump(ms: number): void {
    this.time += ms;
    this.slept += ms;
  }

  /** Time passes without timers firing, the machine awake (a process starved of CPU). */
  stall(ms: number): void {
    this.time += ms;
  }
}

/** Lets every pending promise continuation run (a few macrotask turns). */
export async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise<void>((r) => setImmediate(r));
}

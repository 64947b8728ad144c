import { describe, expect, it } from 'vitest';
import { OlderRetry, olderRetryDelayMs, type RetryTimers } from '../../../src/renderer/chart/older-retry';

/** Timers that run only when the test moves the clock: no wall clock involved. */
function manualTimers() {
  let now = 1_000_000;
  let nextId = 1;
  const waiting = new Map<number, { at: number; fn: () => void }>();
  const timers: RetryTimers = {
    now: () => now,
    setTimeout: (fn, ms) => {
      const id = nextId++;
      waiting.set(id, { at: now + ms, fn });
      return id;
    },
    clearTimeout: (id) => void waiting.delete(id as number),
  };
  return {
    timers,
    waiting,
    /** moves the clock to `to`, running every timer due by then */
    advanceTo(to: number) {
      now = to;
      for (const [id, t] of [...waiting]) {
        if (t.at > now) continue;
        waiting.delete(id);
        t.fn();
      }
    },
    get now() {
      return now;
    },
  };
}

describe('olderRetryDelayMs', () => {
  it('waits what the exchange asked for, then no less than a doubling backoff', () => {
    expect(olderRetryDelayMs(12_000, 0)).toBe(12_000);
    expect(olderRetryDelayMs(1_000, 0)).toBe(1_000);
    expect([1, 2, 3, 4, 5, 6].map((n) => olderRetryDelayMs(1_000, n))).toEqual([
      4_000, 8_000, 16_000, 32_000, 60_000, 60_000,
    ]);
    // A long wait the exchange asked for is kept past the cap.
    expect(olderRetryDelayMs(120_000, 3)).toBe(120_000);
  });

  it('backs off on its own when the exchange names no wait', () => {
    expect([0, 1, 2, 3, 4, 5, 9].map((n) => olderRetryDelayMs(null, n))).toEqual([
      2_000, 4_000, 8_000, 16_000, 32_000, 60_000, 60_000,
    ]);
    expect(olderRetryDelayMs(0, 0)).toBe(2_000);
  });
});

describe('OlderRetry', () => {
  it('retries once when the wait is over, and says when that is', () => {
    const clock = manualTimers();
    let retries = 0;
    const retry = new OlderRetry(() => retries++, clock.timers);
    const start = clock.now;
    expect(retry.schedule(12_000)).toBe(start + 12_000);
    expect(retry.pending).toBe(true);
    clock.advanceTo(start + 11_999);
    expect(retries).toBe(0);
    clock.advanceTo(start + 12_000);
    expect(retries).toBe(1);
    expect(retry.pending).toBe(false);
    clock.advanceTo(start + 100_000);
    expect(retries).toBe(1);
  });

  it('keeps at most one retry waiting, and waits longer for each rate limit in a row', () => {
    const clock = manualTimers();
    let retries = 0;
    const retry = new OlderRetry(() => retries++, clock.timers);
    const first = retry.schedule(1_000);
    const second = retry.schedule(1_000);
    expect(clock.waiting.size).toBe(1);
    expect(second - first).toBe(3_000); // the second in a row waits the backoff's 4 s
    clock.advanceTo(second);
    expect(retries).toBe(1);
    // An answer without a rate limit: the next one gets the exchange's own wait again.
    retry.succeeded();
    expect(retry.schedule(1_000)).toBe(clock.now + 1_000);
  });

  it('drops the waiting retry when cancelled (Retry pressed) or reset (another series opened)', () => {
    const clock = manualTimers();
    let retries = 0;
    const retry = new OlderRetry(() => retries++, clock.timers);
    retry.schedule(5_000);
    retry.cancel();
    expect(retry.pending).toBe(false);
    clock.advanceTo(clock.now + 60_000);
    expect(retries).toBe(0);

    retry.schedule(5_000);
    retry.schedule(5_000);
    retry.reset();
    clock.advanceTo(clock.now + 600_000);
    expect(retries).toBe(0);
    expect(clock.waiting.size).toBe(0);
    // A new series starts from the exchange's wait.
    expect(retry.schedule(5_000)).toBe(clock.now + 5_000);
  });
});

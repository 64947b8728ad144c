import { afterEach, describe, expect, it, vi } from 'vitest';
import { startClockJumpDetector } from '../../../src/main/headless/clock-jump';

afterEach(() => {
  vi.useRealTimers();
});

describe('clock jump detector', () => {
  it('reports how far the wall clock ran ahead of a tick, past the threshold only', () => {
    let now = 1_000_000;
    const jumps: number[] = [];
    const detector = startClockJumpDetector({ onJump: (ms) => jumps.push(ms), now: () => now });
    now += 1_000;
    detector.check();
    now += 1_000 + 9_000; // a slow tick, below the 10 s threshold
    detector.check();
    now += 1_000 + 3_600_000; // an hour asleep
    detector.check();
    now -= 60_000; // the clock set back: nothing to backfill
    detector.check();
    detector.stop();
    expect(jumps).toEqual([3_600_000]);
  });

  it('ticks on its own interval and stops', () => {
    vi.useFakeTimers();
    let now = 0;
    const jumps: number[] = [];
    const detector = startClockJumpDetector({
      onJump: (ms) => jumps.push(ms),
      now: () => now,
      intervalMs: 1_000,
      thresholdMs: 5_000,
    });
    now = 60_000;
    vi.advanceTimersByTime(1_000);
    expect(jumps).toEqual([59_000]);
    detector.stop();
    now = 600_000;
    vi.advanceTimersByTime(5_000);
    expect(jumps).toEqual([59_000]);
  });
});

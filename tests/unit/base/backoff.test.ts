import { describe, expect, it } from 'vitest';
import { Backoff, retryAfterMs } from '../../../src/main/core/base/backoff';

describe('Backoff', () => {
  it('doubles its ceiling from 1 s up to 30 s and draws full jitter below it', () => {
    const draws = [0.999, 0.5, 0];
    let i = 0;
    const b = new Backoff({ random: () => draws[i++ % draws.length]! });
    const ceilings: number[] = [];
    const delays: number[] = [];
    for (let n = 0; n < 8; n++) {
      ceilings.push(b.ceilingMs);
      delays.push(b.next());
    }
    expect(ceilings).toEqual([1_000, 2_000, 4_000, 8_000, 16_000, 30_000, 30_000, 30_000]);
    expect(delays).toEqual([999, 1_000, 0, 7_992, 8_000, 0, 29_970, 15_000]);
  });

  it('starts again from 1 s once data flows', () => {
    const b = new Backoff({ random: () => 0.5 });
    for (let n = 0; n < 5; n++) b.next();
    b.reset();
    expect(b.ceilingMs).toBe(1_000);
    expect(b.capped()).toBe(30_000);
  });
});

describe('retryAfterMs', () => {
  it('reads Retry-After as seconds or an HTTP date', () => {
    const now = Date.UTC(2026, 0, 1, 0, 0, 0);
    expect(retryAfterMs('2', now)).toBe(2_000);
    expect(retryAfterMs('Thu, 01 Jan 2026 00:00:30 GMT', now)).toBe(30_000);
    expect(retryAfterMs(undefined, now)).toBeUndefined();
    expect(retryAfterMs('soon', now)).toBeUndefined();
  });
});

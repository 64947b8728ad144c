import { describe, expect, it } from 'vitest';
import { TransportFallback } from '../../../src/main/core/feed/transport-fallback';

describe('TransportFallback', () => {
  it('polls after N websocket failures in a row, not before; data in between starts the count again', () => {
    const f = new TransportFallback({ failures: 3, silentMs: 60_000, probeEveryMs: 10_000 });
    expect(f.failed(0)).toBe(false);
    expect(f.failed(1_000)).toBe(false);
    f.delivered();
    expect(f.failed(2_000)).toBe(false);
    expect(f.failed(3_000)).toBe(false);
    expect(f.failed(4_000)).toBe(true);
    expect(f.polling).toBe(true);
    // already polling: a failed poll is not another switch
    expect(f.failed(5_000)).toBe(false);
  });

  it('polls when the websocket has not delivered for T seconds since it first failed', () => {
    const f = new TransportFallback({ failures: 10, silentMs: 30_000 });
    expect(f.failed(0)).toBe(false);
    expect(f.failed(30_000)).toBe(true);
  });

  it('while polling, tries the websocket every probeEveryMs, and leaves polling once it delivers', () => {
    const f = new TransportFallback({ failures: 1, probeEveryMs: 10_000 });
    f.failed(0);
    expect(f.probeDue(5_000)).toBe(false);
    expect(f.probeDue(10_000)).toBe(true);
    expect(f.probeDue(12_000)).toBe(false);
    expect(f.probeDue(20_000)).toBe(true);
    f.delivered();
    expect(f.polling).toBe(false);
    expect(f.probeDue(40_000)).toBe(false);
  });
});

import { describe, expect, it } from 'vitest';
import { RestGate, RestGateClosedError } from '../../../src/main/core/exchange/rest-gate';
import { FakeClock, settle } from '../../support/fake-clock';

describe('RestGate', () => {
  it('runs one call at a time, highest priority first, in order within a priority', async () => {
    const clock = new FakeClock();
    const gate = new RestGate(clock);
    const order: string[] = [];
    let release!: () => void;
    const first = gate.run(() => new Promise<void>((r) => (release = r)).then(() => order.push('first')), 1);
    await settle();
    const calls = [
      gate.run(async () => order.push('old gap'), 100),
      gate.run(async () => order.push('new gap'), 500),
      gate.run(async () => order.push('new gap, later'), 500),
      gate.run(async () => order.push('markets'), Number.MAX_SAFE_INTEGER),
    ];
    await settle();
    expect(order).toEqual([]);
    release();
    await Promise.all([first, ...calls]);
    expect(order).toEqual(['first', 'markets', 'new gap', 'new gap, later', 'old gap']);
  });

  it('starts no call inside a Retry-After window', async () => {
    const clock = new FakeClock();
    const gate = new RestGate(clock);
    const startedAt: number[] = [];
    const t0 = clock.now();
    gate.block(2_000);
    const call = gate.run(async () => startedAt.push(clock.now()));
    await clock.advance(1_999);
    expect(startedAt).toEqual([]);
    gate.block(3_000); // a second 429 extends the window
    await clock.advance(2_000);
    expect(startedAt).toEqual([]);
    await clock.advance(1_001);
    await call;
    expect(startedAt).toEqual([t0 + 1_999 + 3_000]);
    expect(gate.blockedForMs()).toBe(0);
  });

  it('passes errors through and rejects queued calls when closed', async () => {
    const clock = new FakeClock();
    const gate = new RestGate(clock);
    await expect(gate.run(() => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    gate.block(10_000);
    const queued = gate.run(async () => 1);
    gate.close();
    await expect(queued).rejects.toBeInstanceOf(RestGateClosedError);
    await expect(gate.run(async () => 1)).rejects.toBeInstanceOf(RestGateClosedError);
  });
});

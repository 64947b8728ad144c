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

describe('RestGate sharing starts between live polls and history', () => {
  const POLL = 1_000;
  async function startOrder(queue: [string, number][]): Promise<string[]> {
    const gate = new RestGate(new FakeClock(), 1, POLL);
    const order: string[] = [];
    let release!: () => void;
    const first = gate.run(() => new Promise<void>((r) => (release = r)), 0);
    await settle();
    const calls = queue.map(([name, priority]) => gate.run(async () => order.push(name), priority));
    release();
    await Promise.all([first, ...calls]);
    return order;
  }

  it('gives history every other start while polls wait, markets always first', async () => {
    const order = await startOrder([
      ['poll 1', POLL],
      ['poll 2', POLL],
      ['poll 3', POLL],
      ['old gap', 100],
      ['new gap', 500],
      ['markets', POLL + 1],
    ]);
    expect(order).toEqual(['markets', 'poll 1', 'new gap', 'poll 2', 'old gap', 'poll 3']);
  });

  it('runs polls back to back when no history waits, and history in priority order when no poll does', async () => {
    expect(
      await startOrder([
        ['poll 1', POLL],
        ['poll 2', POLL],
      ]),
    ).toEqual(['poll 1', 'poll 2']);
    expect(
      await startOrder([
        ['old gap', 100],
        ['new gap', 500],
      ]),
    ).toEqual(['new gap', 'old gap']);
  });
});

describe('RestGate with several calls in flight', () => {
  it('runs up to `concurrency` calls at once, the next one as soon as one ends, highest priority first', async () => {
    const clock = new FakeClock();
    const gate = new RestGate(clock, 2);
    const releases = new Map<string, () => void>();
    const started: string[] = [];
    const call = (name: string, priority: number) =>
      gate.run(() => {
        started.push(name);
        return new Promise<void>((r) => releases.set(name, r));
      }, priority);
    const calls = [call('a', 1), call('b', 1), call('low', 0), call('high', 9)];
    await settle();
    // queued in the same tick: the highest priority first, then the oldest
    expect(started).toEqual(['high', 'a']);
    expect(gate.waiting).toBe(2);
    releases.get('a')!();
    await settle();
    expect(started).toEqual(['high', 'a', 'b']);
    releases.get('high')!();
    await settle();
    expect(started).toEqual(['high', 'a', 'b', 'low']);
    for (const name of ['b', 'low']) releases.get(name)!();
    await Promise.all(calls);
    expect(gate.waiting).toBe(0);
  });

  it('starts nothing more once a Retry-After window opens, even with room in flight', async () => {
    const clock = new FakeClock();
    const gate = new RestGate(clock, 3);
    const started: number[] = [];
    let fail!: (err: Error) => void;
    const limited = gate.run(() => new Promise<void>((_, reject) => (fail = reject)));
    await settle();
    gate.block(5_000); // what pauseGateOnRetryAfter does when the 429 arrives
    fail(new Error('429'));
    await expect(limited).rejects.toThrow('429');
    const t0 = clock.now();
    const next = [
      gate.run(async () => started.push(clock.now())),
      gate.run(async () => started.push(clock.now())),
    ];
    await clock.advance(4_999);
    expect(started).toEqual([]);
    await clock.advance(1);
    await Promise.all(next);
    expect(started).toEqual([t0 + 5_000, t0 + 5_000]);
  });

  it('turns a call that throws before its promise into a rejection', async () => {
    const gate = new RestGate(new FakeClock(), 2);
    await expect(
      gate.run(() => {
        throw new Error('sync');
      }),
    ).rejects.toThrow('sync');
    await expect(gate.run(async () => 'still running')).resolves.toBe('still running');
  });
});

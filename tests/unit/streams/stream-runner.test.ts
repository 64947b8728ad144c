import { describe, expect, it } from 'vitest';
import { MarketDataError } from '../../../src/main/core/base/classify-error';
import { silentLogger } from '../../../src/main/core/base/log';
import { StreamRunner } from '../../../src/main/core/streams/stream-runner';
import type { BreakReason } from '../../../src/main/core/streams/watch-loop';
import type { StreamState } from '../../../src/shared/domain/stream';
import { FakeClock } from '../../support/fake-clock';

const identity = {
  id: 'test|BTC/USDT|ticker',
  kind: 'ticker' as const,
  exchange: 'test',
  symbol: 'BTC/USDT',
  timeframe: null,
  transport: 'websocket' as const,
};

const POLL_MS = 5_000;

/**
 * A stream on the runner whose watch the test resolves or fails by hand (`polls: false`), or that
 * polls a counter every POLL_MS (`polls: true`), recording what the runner asks of it.
 */
function setup(opts: { polls?: boolean; staleAfterMs?: (settingMs: number) => number | null } = {}) {
  const clock = new FakeClock();
  const states: StreamState[] = [];
  const seen = {
    watches: 0,
    reads: 0,
    data: [] as number[],
    broken: [] as BreakReason[],
    drops: [] as BreakReason[],
    unsubscribes: 0,
  };
  let pending: { resolve(v: number): void; reject(e: unknown): void } | null = null;
  const runner: StreamRunner<number> = new StreamRunner<number>(
    { ...identity, transport: opts.polls ? 'rest-poll' : 'websocket' },
    {
      prepare: () => Promise.resolve(),
      watch: async () => {
        if (opts.polls) {
          await runner.pollTurn(POLL_MS);
          return ++seen.reads;
        }
        seen.watches++;
        return new Promise<number>((resolve, reject) => {
          pending = { resolve, reject };
        });
      },
      onData: (value, now) => {
        runner.status.message(now);
        seen.data.push(value);
      },
      onBroken: (reason) => seen.broken.push(reason),
      flowingState: () => (opts.polls ? 'polling' : 'live'),
      dropConnection: (reason) => seen.drops.push(reason),
      unsubscribe: () => {
        seen.unsubscribes++;
        return Promise.resolve();
      },
      ...(opts.staleAfterMs ? { staleAfterMs: opts.staleAfterMs } : {}),
    },
    {
      clock,
      log: silentLogger(),
      random: () => 0.5,
      restBlockedForMs: () => 0,
      onState: (info) => states.push(info.state),
    },
  );
  const deliver = (value: number) => {
    const p = pending;
    pending = null;
    p?.resolve(value);
  };
  const fail = (err: unknown) => {
    const p = pending;
    pending = null;
    p?.reject(err);
  };
  return { clock, runner, states, seen, deliver, fail };
}

describe('StreamRunner', () => {
  it('stops while a reconnect waits its backoff: no retry after, the wait is cleared, unsubscribed once', async () => {
    const { clock, runner, states, seen, fail } = setup();
    runner.start();
    await clock.advance(0);
    fail(new MarketDataError('network', 'socket closed'));
    await clock.advance(0);
    expect(runner.status.state).toBe('reconnecting');
    // Full jitter at 0.5 of a 1 s ceiling: the retry waits 500 ms.
    expect(clock.pendingDelays()).toEqual([500]);
    await runner.stop();
    expect(runner.status.state).toBe('stopped');
    expect(clock.pendingDelays()).toEqual([]);
    await clock.advance(10_000);
    expect(seen.watches).toBe(1);
    expect(seen.unsubscribes).toBe(1);
    expect(states).toEqual(['reconnecting', 'stopped']);
  });

  it('a forced reconnect during a poll wait calls that read off and reads again at once', async () => {
    const { clock, runner, states, seen } = setup({ polls: true });
    runner.start();
    await clock.advance(0);
    expect(seen.data).toEqual([1]);
    await clock.advance(POLL_MS);
    expect(seen.data).toEqual([1, 2]);
    // Halfway through the wait for read 3, the stream is forced to reconnect.
    await clock.advance(POLL_MS / 2);
    runner.forceReconnect('stale');
    await clock.advance(0);
    expect(seen.broken).toEqual(['stale']);
    expect(seen.drops).toEqual(['stale']);
    expect(seen.data).toEqual([1, 2, 3]);
    // The called-off read never runs: the next read is one interval after the new one, not sooner.
    await clock.advance(POLL_MS - 1);
    expect(seen.reads).toBe(3);
    await clock.advance(1);
    expect(seen.data).toEqual([1, 2, 3, 4]);
    expect(clock.pendingDelays()).toEqual([POLL_MS]);
    expect(states).toEqual(['polling', 'reconnecting', 'polling']);
  });

  it('stopped during a poll wait, it reads nothing more and leaves no timer', async () => {
    const { clock, runner, seen } = setup({ polls: true });
    runner.start();
    await clock.advance(0);
    expect(seen.reads).toBe(1);
    expect(clock.pendingDelays()).toEqual([POLL_MS]);
    await runner.stop();
    expect(clock.pendingDelays()).toEqual([]);
    await clock.advance(3 * POLL_MS);
    expect(seen.reads).toBe(1);
    expect(runner.status.state).toBe('stopped');
  });

  it('a woken poll reads at once, and the wait after it is a whole interval', async () => {
    const { clock, runner, seen } = setup({ polls: true });
    runner.start();
    await clock.advance(1_000);
    runner.wakePoll();
    await clock.advance(0);
    expect(seen.reads).toBe(2);
    expect(clock.pendingDelays()).toEqual([POLL_MS]);
  });

  it('checks a stopped stream for staleness without touching it, and marks it stale no more', async () => {
    const { clock, runner, seen, deliver } = setup();
    runner.start();
    await clock.advance(0);
    deliver(1);
    await clock.advance(0);
    await runner.stop();
    await clock.advance(120_000);
    expect(runner.checkStale(clock.now(), 30_000)).toBe(false);
    runner.markStale('the account shows changes this stream never delivered', clock.now());
    runner.forceReconnect('resume');
    await clock.advance(0);
    expect(runner.status.state).toBe('stopped');
    expect(runner.status.snapshot().lastError).toBeNull();
    expect(seen.broken).toEqual([]);
    expect(seen.drops).toEqual([]);
    expect(seen.watches).toBe(2);
  });

  it('calls a silent stream stale past the threshold its stream kind gives, and reconnects it', async () => {
    const { clock, runner, states, seen, deliver } = setup({ staleAfterMs: (setting) => setting + 10_000 });
    runner.start();
    await clock.advance(0);
    deliver(1);
    await clock.advance(40_000);
    expect(runner.checkStale(clock.now(), 30_000)).toBe(false);
    expect(runner.status.snapshot().staleAfterMs).toBe(40_000);
    await clock.advance(1);
    expect(runner.checkStale(clock.now(), 30_000)).toBe(true);
    await clock.advance(0);
    expect(seen.drops).toEqual(['stale']);
    expect(runner.status.snapshot().lastError).toMatchObject({ kind: 'stale' });
    deliver(2);
    await clock.advance(0);
    expect(states).toEqual(['live', 'stale', 'reconnecting', 'live']);
  });

  it('never calls a stream stale whose kind says silence is no failure', async () => {
    const { clock, runner, deliver } = setup({ staleAfterMs: () => null });
    runner.start();
    await clock.advance(0);
    deliver(1);
    await clock.advance(600_000);
    expect(runner.checkStale(clock.now(), 30_000)).toBe(false);
    expect(runner.status.snapshot()).toMatchObject({ state: 'live', staleAfterMs: null });
  });

  it('marks a stream stale for a reason found elsewhere; a caller that closed the socket has it left alone', async () => {
    const { clock, runner, states, seen, deliver } = setup();
    runner.start();
    await clock.advance(0);
    deliver(1);
    await clock.advance(0);
    runner.markStale('the exchange reports balance changes this stream never delivered', clock.now(), false);
    await clock.advance(0);
    expect(runner.status.snapshot().lastError).toMatchObject({
      kind: 'stale',
      message: 'the exchange reports balance changes this stream never delivered',
    });
    expect(seen.broken).toEqual(['stale']);
    expect(seen.drops).toEqual([]);
    // the watch after the first update was left, and the stream subscribed again
    expect(seen.watches).toBe(3);
    expect(states).toEqual(['live', 'stale', 'reconnecting']);
  });
});

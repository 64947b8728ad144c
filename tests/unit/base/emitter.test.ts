import { describe, expect, it } from 'vitest';
import { Emitter, KeyedDebounce } from '../../../src/main/core/base/emitter';
import { FakeClock } from '../../support/fake-clock';

describe('Emitter', () => {
  it('calls every listener until its handle removes it', () => {
    const e = new Emitter<number>();
    const a: number[] = [];
    const b: number[] = [];
    const offA = e.on((v) => a.push(v));
    e.on((v) => b.push(v));
    e.emit(1);
    offA();
    e.emit(2);
    expect(a).toEqual([1]);
    expect(b).toEqual([1, 2]);
    expect(e.size).toBe(1);
  });
});

describe('KeyedDebounce', () => {
  const collect = (clock: FakeClock) => {
    const out: Array<[string, number[]]> = [];
    const d = new KeyedDebounce<string, number, number[]>({
      clock,
      ms: 16,
      merge: (pending, v) => [...(pending ?? []), v],
      flush: (key, payload) => out.push([key, payload]),
    });
    return { d, out };
  };

  it('merges a burst per key into one payload sent once the window ends', async () => {
    const clock = new FakeClock();
    const { d, out } = collect(clock);
    d.push('a', 1);
    d.push('b', 2);
    d.push('a', 3);
    await clock.advance(15);
    expect(out).toEqual([]);
    await clock.advance(1);
    expect(out).toEqual([
      ['a', [1, 3]],
      ['b', [2]],
    ]);
    d.push('a', 4);
    await clock.advance(16);
    expect(out.at(-1)).toEqual(['a', [4]]);
  });

  it('flushes at once on demand and drops what is pending on close', async () => {
    const clock = new FakeClock();
    const { d, out } = collect(clock);
    d.push('a', 1);
    d.flush();
    expect(out).toEqual([['a', [1]]]);
    d.push('a', 2);
    d.close();
    await clock.advance(100);
    expect(out).toEqual([['a', [1]]]);
    expect(clock.pendingDelays()).toEqual([]);
  });
});

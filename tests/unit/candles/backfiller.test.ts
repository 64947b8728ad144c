import ccxt from 'ccxt';
import { describe, expect, it } from 'vitest';
import type { Candle } from '../../../src/shared/domain/market';
import { Backfiller } from '../../../src/main/core/candles/backfiller';
import { SeriesCollector } from '../../../src/main/core/candles/series-collector';
import { Backoff } from '../../../src/main/core/base/backoff';
import { silentLogger } from '../../../src/main/core/base/log';
import { MINUTE, T0, candleAt, candles, partial } from '../../support/candle-builders';
import { FakeClock } from '../../support/fake-clock';
import { MemoryCandles } from '../../support/memory-candles';

const key = { exchange: 'binance', symbol: 'BTC/USDT', timeframe: '1m' };

function setup(opts: { lastClosed?: number; failures?: unknown[]; blockedUntil?: () => number } = {}) {
  const clock = new FakeClock(T0 + 40 * MINUTE);
  const store = new MemoryCandles();
  const collector = new SeriesCollector(key, { lastClosed: opts.lastClosed, warmupCandles: 5 });
  const failures = [...(opts.failures ?? [])];
  const calls: Array<{ since: number; at: number; priority: number }> = [];
  const errors: string[] = [];
  let done = 0;
  const backfiller = new Backfiller(collector, {
    fetchTimeframe: '1m',
    fetch: async (since, limit, priority) => {
      calls.push({ since, at: clock.now(), priority });
      const failure = failures.shift();
      if (failure) throw failure;
      const all: Candle[] = [...candles(0, 30), partial(candleAt(30), 0.5)];
      return all.filter((c) => c[0] >= since).slice(0, limit);
    },
    pageLimit: 4,
    gaps: store,
    clock,
    log: silentLogger(),
    backoff: new Backoff({ random: () => 0.5 }),
    restBlockedForMs: () => Math.max(0, (opts.blockedUntil?.() ?? 0) - clock.now()),
    emit: (updates) => updates.forEach(store.write),
    onError: (c) => errors.push(c.kind),
    onDone: () => done++,
  });
  return { clock, store, collector, backfiller, calls, errors, done: () => done };
}

describe('Backfiller', () => {
  it('fills a gap page by page, releases it in order, and records it in the ledger', async () => {
    const { clock, store, collector, backfiller, calls, done } = setup({ lastClosed: T0 + 9 * MINUTE });
    collector.live([partial(candleAt(30), 0.4)], 1);
    backfiller.kick();
    await clock.advance(0);
    expect(calls.map((c) => (c.since - T0) / MINUTE)).toEqual([10, 14, 18, 22, 26]);
    expect(calls.every((c) => c.priority === T0 + 29 * MINUTE)).toBe(true);
    expect(store.series(key)).toEqual(candles(10, 20));
    expect(store.forming.get('binance|BTC/USDT|1m')).toEqual(partial(candleAt(30), 0.4));
    expect(store.gaps).toEqual([
      expect.objectContaining({
        from: T0 + 10 * MINUTE,
        to: T0 + 29 * MINUTE,
        expected: 20,
        filled: 20,
        reason: 'start',
      }),
    ]);
    expect(done()).toBe(1);
  });

  it('does not record the warm-up of a new series as a gap', async () => {
    const { clock, store, collector, backfiller } = setup();
    collector.live([partial(candleAt(30), 0.4)], 1);
    backfiller.kick();
    await clock.advance(0);
    expect(store.series(key)).toEqual(candles(25, 5));
    expect(store.gaps).toEqual([]);
  });

  it('records a failed fill, waits out Retry-After, and fills it on a later attempt', async () => {
    const blockedUntil = T0 + 40 * MINUTE + 5_000;
    const { clock, store, collector, backfiller, calls, errors } = setup({
      lastClosed: T0 + 25 * MINUTE,
      failures: [new ccxt.DDoSProtection('binance 429')],
      blockedUntil: () => blockedUntil,
    });
    collector.live([partial(candleAt(30), 0.4)], 1);
    backfiller.kick();
    await clock.advance(4_999);
    expect(calls).toHaveLength(1);
    expect(errors).toEqual(['rate-limited']);
    expect(store.gaps[0]).toMatchObject({ error: expect.stringContaining('rate-limited'), filledAt: null });
    await clock.advance(1);
    expect(calls.map((c) => c.at)).toEqual([T0 + 40 * MINUTE, blockedUntil]);
    expect(store.series(key)).toEqual(candles(26, 4));
    expect(store.gaps[1]).toMatchObject({ expected: 4, filled: 4, reason: 'start', error: null });
  });
});

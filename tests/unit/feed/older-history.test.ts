import { describe, expect, it } from 'vitest';
import type { Candle, SeriesKey } from '../../../src/shared/domain/market';
import { MarketDataError } from '../../../src/main/core/base/classify-error';
import { systemClock } from '../../../src/main/core/base/clock';
import { silentLogger } from '../../../src/main/core/base/log';
import { SimSource } from '../../../src/main/core/exchange/sim/sim-source';
import { OlderHistory } from '../../../src/main/core/feed/older-history';

const MIN = 60_000;
const key: SeriesKey = { exchange: 'sim', symbol: 'BTC/USDT', timeframe: '1m' };

/** A store holding the candles written to it, oldest first, starting at `first`. */
function memoryStore(first: number | undefined) {
  const written: Candle[][] = [];
  let oldest = first;
  return {
    written,
    store: {
      first: () => oldest,
      write(_key: SeriesKey, candles: readonly Candle[]) {
        written.push([...candles]);
        oldest = Math.min(oldest ?? Infinity, candles[0]![0]);
      },
    },
  };
}

function olderHistory(store: ReturnType<typeof memoryStore>['store'], retentionDays: number | null = null) {
  const sim = new SimSource({}, systemClock);
  const history = new OlderHistory({
    source: () => Promise.resolve(sim),
    store,
    retentionDays: () => retentionDays,
    clock: systemClock,
    log: silentLogger(),
  });
  return { sim, history };
}

describe('OlderHistory on the sim exchange (history for any time)', () => {
  it('fetches, stores and answers the candles before the oldest stored one, equal to the exchange', async () => {
    const first = Math.floor(Date.now() / MIN) * MIN - 10_000 * MIN;
    const mem = memoryStore(first);
    const { sim, history } = olderHistory(mem.store);
    const answer = await history.fetch(key, 2_500);
    expect(answer).toMatchObject({ exchangeName: 'Simulated exchange', end: null, error: null });
    // The sim's own answer for the same 2,500 minutes, asked in pages of its 1,000-candle limit.
    const truth: Candle[] = [];
    for (let since = first - 2_500 * MIN; since < first; since += 1_000 * MIN)
      truth.push(
        ...(await sim.fetchCandles('BTC/USDT', '1m', since, Math.min(1_000, (first - since) / MIN))),
      );
    expect(answer.candles).toEqual(truth);
    expect(mem.written.flat()).toEqual(answer.candles);
  });

  it('runs two calls for one series one after the other: the second goes on where the first ended', async () => {
    const first = Math.floor(Date.now() / MIN) * MIN - 1_000 * MIN;
    const mem = memoryStore(first);
    const { history } = olderHistory(mem.store);
    const [a, b] = await Promise.all([history.fetch(key, 300), history.fetch(key, 300)]);
    expect(a.candles.at(-1)![0]).toBe(first - MIN);
    expect(b.candles.at(-1)![0]).toBe(a.candles[0]![0] - MIN);
    const times = mem.written.flat().map((c) => c[0]);
    expect(new Set(times).size).toBe(600);
  });

  it('stops at the retention cut-off and says so', async () => {
    const first = Math.floor(Date.now() / MIN) * MIN - 100 * MIN;
    const mem = memoryStore(first);
    // 1m candles kept 0.1 day (144 minutes): 44 or so older ones may still be fetched.
    const { history } = olderHistory(mem.store, 0.1);
    const answer = await history.fetch(key, 1_000);
    expect(answer.end).toBe('retention');
    expect(answer.candles.length).toBeGreaterThan(40);
    expect(answer.candles.length).toBeLessThan(45);
  });

  it('refuses in plain words while nothing of the series is stored', async () => {
    const { history } = olderHistory(memoryStore(undefined).store);
    await expect(history.fetch(key, 100)).rejects.toThrow(/No BTC\/USDT 1m candles are stored yet/);
  });

  it("names the exchange's wait after a rate limit, so the chart can ask again by itself", async () => {
    const first = Math.floor(Date.now() / MIN) * MIN - 1_000 * MIN;
    const { sim, history } = olderHistory(memoryStore(first).store);
    let blockedMs = 12_000;
    // As the RestGate reports it after a 429 with Retry-After: 12.
    sim.restBlockedForMs = () => blockedMs;
    sim.fetchCandles = () => Promise.reject(new MarketDataError('rate-limited', '429 Too Many Requests'));
    const limited = await history.fetch(key, 100);
    expect(limited.candles).toEqual([]);
    expect(limited.error).toEqual({
      kind: 'rate-limited',
      retryInMs: 12_000,
      message:
        'Simulated exchange is limiting requests (it asks to wait 12 s); older candles load again after the wait.',
    });
    // No wait known (ccxt's own throttle refused): the chart backs off by itself.
    blockedMs = 0;
    expect((await history.fetch(key, 100)).error).toMatchObject({ kind: 'rate-limited', retryInMs: null });
    // Other failures are not waited out: the user retries them.
    sim.fetchCandles = () => Promise.reject(new MarketDataError('network', 'ECONNRESET'));
    blockedMs = 5_000;
    expect((await history.fetch(key, 100)).error).toMatchObject({ kind: 'network', retryInMs: null });
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StreamState } from '../../../src/shared/domain/stream';
import { REST_CONCURRENCY } from '../../../src/main/core/exchange/ccxt-source';
import { startFakeExchange, type FakeExchange } from '../../support/fake-exchange';
import { idOf, key, startEngine, until } from './engine-harness';

let fake: FakeExchange;

beforeAll(async () => {
  fake = await startFakeExchange({
    symbols: ['BTC/USDT', 'ETH/USDT', 'SOL/USDT'],
    updateIntervalMs: 250,
    seed: 11,
  });
});

afterAll(async () => {
  await fake.close();
});

/** Transitions a candle stream may make; anything else is a bug in the state machine. */
const ALLOWED: Record<StreamState, StreamState[]> = {
  connecting: ['backfilling', 'live', 'reconnecting'],
  backfilling: ['live', 'reconnecting', 'stale'],
  live: ['backfilling', 'reconnecting', 'stale'],
  stale: ['reconnecting'],
  reconnecting: ['backfilling', 'live', 'stale'],
  polling: [],
  error: [],
  stopped: [],
};

describe('market data engine against the fake Binance, real ccxt', () => {
  it('keeps every closed candle equal to the exchange through drops, bad frames, a stall and 429 bursts', async () => {
    const series = [
      key('BTC/USDT', '1s'),
      key('ETH/USDT', '1s'),
      key('SOL/USDT', '1s'),
      key('SOL/USDT', '1m'),
    ];
    const { feed, store, states, ready } = startEngine(fake, [
      { exchange: 'binance', symbol: 'BTC/USDT', timeframes: ['1s'] },
      { exchange: 'binance', symbol: 'ETH/USDT', timeframes: ['1s'] },
      { exchange: 'binance', symbol: 'SOL/USDT', timeframes: ['1s', '1m'] },
    ]);
    await ready;
    const candleIds = series.map((k) => idOf(k.symbol, k.timeframe));
    const allLive = () => candleIds.every((id) => feed.list().find((s) => s.id === id)?.state === 'live');
    try {
      await until('every stream live', allLive);
      const restStart = fake.restLog().length;

      const btcId = idOf('BTC/USDT', '1s');
      const oneSecond = series.filter((k) => k.timeframe === '1s');
      /** The engine got over the last fault: every stream live, each 1 s series closed `n` candles more. */
      const movedOn = async (what: string, n = 3) => {
        const before = oneSecond.map((k) => store.series(k).length);
        await until(
          what,
          () => allLive() && oneSecond.every((k, i) => store.series(k).length >= before[i]! + n),
          45_000,
        );
      };

      fake.faults.dropAllConnections();
      await movedOn('candles again after every socket dropped');
      fake.faults.sendMalformedFrame();
      await until('the malformed frame reported', () =>
        feed.errors(btcId).some((e) => e.kind === 'malformed'),
      );
      await movedOn('candles again after a malformed frame');
      fake.faults.dropOneConnection();
      await movedOn('candles again after one socket dropped');
      // A reconnect that finds a hole backfills over REST: these calls meet a burst of 429s with
      // Retry-After. One quick enough to find no hole makes no call (seen once with a core kept
      // busy), so the sockets are dropped again until the whole burst has been met.
      fake.faults.restStatus(429, 3, { retryAfterSec: 2 });
      const limitedSoFar = () => fake.restLog().filter((e, i) => i >= restStart && e.status === 429).length;
      for (let drops = 1; limitedSoFar() < 3; drops++) {
        if (drops > 6) throw new Error(`6 drops of every socket met ${limitedSoFar()} of the 3 429s`);
        fake.faults.dropAllConnections();
        await until('the 429 burst met', () => limitedSoFar() === 3, 15_000).catch(() => {});
      }
      await movedOn('candles again after the 429 burst');
      // Ended by hand once every stream was found stale: a late timer cannot end it early.
      fake.faults.stall(600_000);
      await until(
        'every stream found stale',
        () => candleIds.every((id) => states.get(id)!.includes('stale')),
        45_000,
      );
      fake.faults.endStall();
      await movedOn('candles again after the stall');
      fake.faults.dropAllConnections();
      await movedOn('candles again after the last drop');

      // 1. Every closed candle of every series equals the exchange's: no gap, no duplicate, no changed value.
      expect(store.violations).toEqual([]);
      for (const k of series) {
        const closed = store.series(k);
        expect(closed.length, `${k.symbol} ${k.timeframe}`).toBeGreaterThanOrEqual(
          k.timeframe === '1s' ? 40 : 20,
        );
        const truth = fake.truth(k.symbol, k.timeframe, closed[0]![0], closed.at(-1)![0]);
        expect(closed, `${k.symbol} ${k.timeframe}`).toEqual(truth);
      }

      // 2. No REST call started inside a Retry-After window: the only ones landing in it are those
      // already on their way when the 429 was answered (the gate keeps REST_CONCURRENCY in flight).
      const log = fake.restLog().slice(restStart);
      const limited = log.filter((e) => e.status === 429);
      expect(limited).toHaveLength(3);
      for (const hit of limited) {
        const windowEnd = hit.at + hit.retryAfterSec! * 1000;
        const inside = log.filter((e) => e !== hit && e.at > hit.at && e.at < windowEnd);
        expect(inside.length, `calls within ${hit.retryAfterSec} s after the 429 at ${hit.at}`).toBeLessThan(
          REST_CONCURRENCY,
        );
      }

      // 3. The stall was detected and recovered from; every state change was a legal one.
      for (const id of candleIds) {
        const seen = states.get(id)!;
        expect(seen[0], id).toBe('backfilling');
        expect(seen.at(-1), id).toBe('live');
        const from = ['connecting' as StreamState, ...seen];
        for (let i = 1; i < from.length; i++) {
          expect(ALLOWED[from[i - 1]!], `${id}: ${from.slice(0, i + 1).join(' → ')}`).toContain(from[i]);
        }
        const stale = seen.indexOf('stale');
        expect(stale, `${id} went stale during the stall`).toBeGreaterThan(0);
        expect(seen.slice(stale)).toEqual(expect.arrayContaining(['reconnecting', 'live']));
      }
      const btc = feed.list().find((s) => s.id === idOf('BTC/USDT', '1s'))!;
      expect(btc.reconnects).toBeGreaterThanOrEqual(4);
      expect(feed.errors(btc.id).map((e) => e.kind)).toEqual(
        expect.arrayContaining(['network', 'malformed', 'stale']),
      );

      // 4. The gaps the faults opened were recorded and filled.
      const gaps = store.list({ limit: 1000 });
      expect(gaps.some((g) => g.reason === 'reconnect')).toBe(true);
      expect(gaps.some((g) => g.reason === 'stale')).toBe(true);
      expect(gaps.filter((g) => g.filledAt !== null).every((g) => g.filled === g.expected)).toBe(true);
    } finally {
      await feed.stop();
    }
  }, 240_000);

  it('names a bad symbol in plain words and keeps the other streams running', async () => {
    const { feed, ready } = startEngine(fake, [
      { exchange: 'binance', symbol: 'BTC/USDX', timeframes: ['1s'] },
      { exchange: 'binance', symbol: 'ETH/USDT', timeframes: ['1s'] },
    ]);
    await ready;
    try {
      await until('the bad symbol to be reported', () =>
        feed.list().some((s) => s.id === idOf('BTC/USDX', '1s') && s.state === 'error'),
      );
      await until('ETH live', () =>
        feed.list().some((s) => s.id === idOf('ETH/USDT', '1s') && s.state === 'live'),
      );
      expect(feed.list().find((s) => s.id === idOf('BTC/USDX', '1s'))!.lastError).toMatchObject({
        kind: 'bad-symbol',
        message: 'Binance has no market "BTC/USDX"; did you mean BTC/USDT?',
      });
    } finally {
      await feed.stop();
    }
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../../src/main/core/base/clock';
import { startSqliteEngine } from '../../support/exchange-matrix/sqlite-engine';
import { startFakeOkx, type FakeOkx } from '../../support/fake-exchange/protocols/okx';
import { until } from './engine-harness';

let fake: FakeOkx;

beforeAll(async () => {
  fake = await startFakeOkx({ symbols: ['BTC/USDT', 'ETH/USDT'], updateIntervalMs: 200, seed: 60 });
});
afterAll(async () => {
  await fake.close();
});

describe('OKX quirks in the engine (real ccxt.pro.okx against the fake)', () => {
  it('one 60018 error frame rejects every watch on the socket: each stream resubscribes, none stays in error', async () => {
    const { engine, ready } = startSqliteEngine({
      fake,
      watchlist: [
        { exchange: 'okx', symbol: 'BTC/USDT', timeframes: ['1m', '5m'] },
        { exchange: 'okx', symbol: 'ETH/USDT', timeframes: ['1m'] },
      ],
      clock: systemClock,
      staleTimeoutMs: 5_000,
      warmupCandles: 5,
    });
    const errors: string[] = [];
    engine.feed.onState((s) => {
      if (s.state === 'error') errors.push(`${s.id}: ${s.lastError?.message ?? ''}`);
    });
    const streams = () => engine.feed.list();
    const allLive = () => streams().length === 5 && streams().every((s) => s.state === 'live');
    try {
      await ready;
      await until('every stream live', allLive, 40_000);
      const before = new Map(streams().map((s) => [s.id, s.reconnects]));
      fake.sendErrorFrame();
      await until(
        'every stream to resubscribe and be live again',
        () => streams().every((s) => s.state === 'live' && s.reconnects > before.get(s.id)!),
        40_000,
      );
      expect(errors).toEqual([]);
      for (const s of streams())
        expect(engine.feed.errors(s.id).map((e) => e.message)).toContain(
          'okx: the socket reported error 60018 (for this or another subscription on it); subscribing again',
        );
    } finally {
      await engine.close();
    }
  });

  it('backfills 2,000 1m candles over history-candles in pages it asks for itself (ccxt paginate repeats `after`)', async () => {
    const key = { exchange: 'okx', symbol: 'ETH/USDT', timeframe: '1m' };
    const { engine, ready } = startSqliteEngine({
      fake,
      watchlist: [{ exchange: 'okx', symbol: key.symbol, timeframes: [key.timeframe] }],
      clock: systemClock,
      staleTimeoutMs: 5_000,
      warmupCandles: 2_000,
    });
    const restBefore = fake.restLog().length;
    try {
      await ready;
      await until('the warm-up to be stored', () => {
        engine.writer.flush();
        return (engine.candles.storedRange(key)?.count ?? 0) >= 2_000;
      });
      const stored = engine.candles.range(key, 0, Number.MAX_SAFE_INTEGER, 10_000);
      expect(stored).toEqual(fake.truth(key.symbol, key.timeframe, stored[0]![0], stored.at(-1)![0]));
      const pages = fake
        .restLog()
        .slice(restBefore)
        .filter((e) => e.path.endsWith('candles'));
      const afters = pages.map((e) => e.query['after']);
      expect(new Set(afters).size).toBe(afters.length);
      expect(pages.some((e) => e.path === '/api/v5/market/history-candles')).toBe(true);
    } finally {
      await engine.close();
    }
  });

  it('a quiet symbol goes stale on its own: the socket its busy neighbour shares is never torn down', async () => {
    const { engine, ready } = startSqliteEngine({
      fake,
      watchlist: [
        { exchange: 'okx', symbol: 'BTC/USDT', timeframes: ['1m'] },
        { exchange: 'okx', symbol: 'ETH/USDT', timeframes: ['1m'] },
      ],
      clock: systemClock,
      // Well above a loaded machine's event-loop stalls (BTC pushes every 200 ms), well below the quiet.
      staleTimeoutMs: 3_000,
      warmupCandles: 5,
    });
    const seen = new Map<string, string[]>();
    engine.feed.onState((s) => seen.set(s.id, [...(seen.get(s.id) ?? []), s.state]));
    const stream = (id: string) => engine.feed.list().find((s) => s.id === id);
    const btc = 'okx|BTC/USDT|1m';
    const eth = 'okx|ETH/USDT|1m';
    const bothLive = () => stream(btc)?.state === 'live' && stream(eth)?.state === 'live';
    try {
      await ready;
      await until('both live', bothLive, 40_000);
      const btcReconnects = stream(btc)!.reconnects;
      seen.clear();
      fake.quiet('ETH/USDT', 8_000);
      await until('ETH to go stale', () => (seen.get(eth) ?? []).includes('stale'));
      await until('ETH live again once it trades', () => stream(eth)?.state === 'live', 25_000);
      expect(seen.get(btc) ?? []).not.toContain('reconnecting');
      expect(stream(btc)!.reconnects).toBe(btcReconnects);
      expect(engine.feed.errors(btc).filter((e) => e.kind === 'network')).toEqual([]);
    } finally {
      await engine.close();
    }
  });
});

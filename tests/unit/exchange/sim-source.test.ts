import { describe, expect, it } from 'vitest';
import { MarketDataError } from '../../../src/main/core/base/classify-error';
import { SimSource } from '../../../src/main/core/exchange/sim/sim-source';
import { FakeClock } from '../../support/fake-clock';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const H = Date.UTC(2026, 0, 5, 12, 0, 0);

describe('SimSource', () => {
  it('is deterministic per seed', async () => {
    const a = new SimSource({ seed: 7 }, new FakeClock(H + HOUR));
    const b = new SimSource({ seed: 7 }, new FakeClock(H + HOUR));
    const c = new SimSource({ seed: 8 }, new FakeClock(H + HOUR));
    const fetch = (s: SimSource) => s.fetchCandles('ETH/USDT', '1m', H, 60);
    expect(await fetch(a)).toEqual(await fetch(b));
    expect(await fetch(a)).not.toEqual(await fetch(c));
  });

  it('grows a forming candle towards its final value, never backwards', async () => {
    const clock = new FakeClock(H);
    const sim = new SimSource({ seed: 1 }, clock);
    const seen = [];
    for (const at of [1_000, 15_000, 30_000, 59_000]) {
      clock.jump(at - (clock.now() - H));
      seen.push((await sim.fetchCandles('BTC/USDT', '1m', H, 1))[0]!);
    }
    clock.jump(5 * MINUTE);
    const final = (await sim.fetchCandles('BTC/USDT', '1m', H, 1))[0]!;
    for (let i = 1; i < seen.length; i++) {
      expect(seen[i]![1]).toBe(seen[0]![1]);
      expect(seen[i]![2]).toBeGreaterThanOrEqual(seen[i - 1]![2]);
      expect(seen[i]![3]).toBeLessThanOrEqual(seen[i - 1]![3]);
      expect(seen[i]![5]).toBeGreaterThan(seen[i - 1]![5]);
    }
    expect(seen.at(-1)).toEqual(final);
  });

  it('agrees with itself across timeframes: an hour is the aggregate of its minutes', async () => {
    const sim = new SimSource({ seed: 3 }, new FakeClock(H + 2 * HOUR));
    const [hour] = await sim.fetchCandles('SOL/USDT', '1h', H, 1);
    const minutes = await sim.fetchCandles('SOL/USDT', '1m', H, 60);
    expect(minutes).toHaveLength(60);
    expect(hour!.slice(0, 5)).toEqual([
      H,
      minutes[0]![1],
      Math.max(...minutes.map((m) => m[2])),
      Math.min(...minutes.map((m) => m[3])),
      minutes[59]![4],
    ]);
    expect(hour![5]).toBeCloseTo(
      minutes.reduce((s, m) => s + m[5], 0),
      4,
    );
  });

  it('wakes watchers on each simulated trade with what its cache gathered since the cursor', async () => {
    const clock = new FakeClock(H + 500);
    const sim = new SimSource({ seed: 1, tickMs: 1000 }, clock);
    const watch = sim.watchCandles('BTC/USDT', '1s', H - 2_000);
    let resolved = false;
    void watch.then(() => (resolved = true));
    await clock.advance(499);
    expect(resolved).toBe(false);
    await clock.advance(1);
    const batch = await watch;
    // Subscribed during the candle at H: that one (now final) and the one just opened.
    expect(batch.candles.map((c) => c[0])).toEqual([H, H + 1_000]);
    expect(batch.candles[0]).toEqual((await sim.fetchCandles('BTC/USDT', '1s', H, 1))[0]);
    expect(batch.connection).toBe(1);
  });

  it('trades at each tick at the candle close, the same over the socket and over REST', async () => {
    const clock = new FakeClock(H + 500);
    const sim = new SimSource({ seed: 1, tickMs: 1000 }, clock);
    const watch = sim.watchTrades('BTC/USDT');
    await clock.advance(500);
    const { trades } = await watch;
    expect(trades).toHaveLength(1);
    const [candle] = await sim.fetchCandles('BTC/USDT', '1s', H + 1_000, 1);
    expect(trades[0]).toMatchObject({ time: H + 1_000, price: candle![4] });
    expect(['buy', 'sell']).toContain(trades[0]!.side);
    const fetched = await sim.fetchTrades('BTC/USDT', 3);
    expect(fetched.map((t) => t.time)).toEqual([H - 1_000, H, H + 1_000]);
    expect(fetched.at(-1)).toEqual(trades[0]);
    // A taker buy lifts the price (or leaves it), a sell lowers it.
    for (let i = 1; i < fetched.length; i++) {
      const t = fetched[i]!;
      expect(t.side).toBe(t.price >= fetched[i - 1]!.price ? 'buy' : 'sell');
    }
  });

  it('misses the final update of a candle when its timers did not run (the machine slept)', async () => {
    const clock = new FakeClock(H + 500);
    const sim = new SimSource({ seed: 1 }, clock);
    void sim.watchCandles('BTC/USDT', '1m', undefined);
    await clock.advance(500);
    const stale = sim.watchCandles('BTC/USDT', '1m', H);
    clock.jump(5 * MINUTE);
    await clock.advance(1_000);
    const { candles } = await stale;
    expect(candles.map((c) => c[0])).toEqual([H, H + 5 * MINUTE]);
    expect(candles[0]).not.toEqual((await sim.fetchCandles('BTC/USDT', '1m', H, 1))[0]);
  });

  it('drops its "connection" on reconnect: pending watches fail, the connection number changes', async () => {
    const clock = new FakeClock(H);
    const sim = new SimSource({}, clock);
    const watch = sim.watchTicker('BTC/USDT');
    sim.reconnect();
    await expect(watch).rejects.toMatchObject({ kind: 'network' });
    const next = sim.watchTicker('BTC/USDT');
    await clock.advance(1_000);
    const { ticker, connection } = await next;
    expect(connection).toBe(2);
    expect(ticker.bid!).toBeLessThan(ticker.ask!);
    expect(ticker.last).toBeGreaterThan(10_000);
  });

  it('explains bad input in plain words', () => {
    const sim = new SimSource({}, new FakeClock(H));
    expect(() => sim.watchCandles('BTC/EUR', '1m', undefined)).toThrow(
      /sim has no market "BTC\/EUR"; it simulates BTC\/USDT/,
    );
    expect(() => sim.watchCandles('BTC/USDT', '1d', undefined)).toThrow(MarketDataError);
    expect(() => sim.watchCandles('BTC/USDT', '1d', undefined)).toThrow(
      /does not serve 1d candles; it serves 1s, 1m/,
    );
    expect(() => new SimSource({ tickMs: 300 }, new FakeClock(H))).toThrow(/sim settings: .*tickMs/);
    expect(() => new SimSource({ symbols: ['FOO/BAR'] }, new FakeClock(H))).toThrow(
      /sim has no market FOO\/BAR/,
    );
  });

  it('offers 1d by aggregation and only timeframes its trade interval divides', () => {
    expect(new SimSource({}, new FakeClock(H)).capabilities()).toMatchObject({
      timeframes: ['1s', '1m', '3m', '5m', '15m', '30m', '1h', '2h', '4h'],
      aggregatedTimeframes: ['6h', '8h', '12h', '1d'],
    });
  });
});

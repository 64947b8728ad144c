import { describe, expect, it } from 'vitest';
import type { Candle } from '../../../src/shared/domain/market';
import type { CandleUpdate } from '../../../src/main/core/candles/ports';
import { SeriesCollector, type FetchRange } from '../../../src/main/core/candles/series-collector';
import { MINUTE, T0, candleAt, candles, partial, prng } from '../../support/candle-builders';

const key = { exchange: 'binance', symbol: 'BTC/USDT', timeframe: '1m' };

const closedOf = (updates: CandleUpdate[]) => updates.flatMap((u) => u.closed);

/** REST as an exchange answers it at the moment the forming candle is `current`. */
function rest(range: FetchRange, current: number, limit = 1000): Candle[] {
  const first = (range.from - T0) / MINUTE;
  const out: Candle[] = [];
  for (let i = first; i <= current && out.length < limit; i++)
    out.push(i === current ? partial(candleAt(i), 0.5) : candleAt(i));
  return out;
}

describe('SeriesCollector', () => {
  it('warms a new series up over REST before releasing the first live candle', () => {
    const c = new SeriesCollector(key, { warmupCandles: 3 });
    expect(c.live([partial(candleAt(10), 0.3)], 1)).toEqual([]);
    const range = c.nextFetch()!;
    expect(range).toEqual({ from: T0 + 7 * MINUTE, to: T0 + 9 * MINUTE, reason: 'warmup' });
    const out = c.applyFetch(range, rest(range, 10));
    expect(out[0]).toMatchObject({ closed: candles(7, 3), forming: null, origin: 'backfill' });
    expect(out[1]).toMatchObject({ closed: [], forming: partial(candleAt(10), 0.3), origin: 'live' });
    expect(c.isLive).toBe(true);
  });

  it('fills the hole since the last stored candle, holding later live candles back until it is filled', () => {
    const c = new SeriesCollector(key, { lastClosed: T0 + 4 * MINUTE, warmupCandles: 500 });
    c.live([partial(candleAt(9), 0.9)], 1);
    expect(c.live([candleAt(9), partial(candleAt(10), 0.1)], 1)).toEqual([]);
    const range = c.nextFetch()!;
    expect(range).toEqual({ from: T0 + 5 * MINUTE, to: T0 + 8 * MINUTE, reason: 'start' });
    const out = c.applyFetch(range, rest(range, 10));
    expect(closedOf(out)).toEqual([...candles(5, 4), candleAt(9)]);
    expect(out.at(-1)!.forming).toEqual(partial(candleAt(10), 0.1));
    expect(out.map((u) => u.origin)).toEqual(['backfill', 'live']);
  });

  it('closes a candle when the next one opens, ignores repeats and older snapshots', () => {
    const c = new SeriesCollector(key, { lastClosed: T0, warmupCandles: 0 });
    c.live([partial(candleAt(1), 0.2)], 1);
    expect(c.isLive).toBe(true);
    expect(closedOf(c.live([partial(candleAt(1), 0.6)], 1))).toEqual([]);
    const out = c.live([candleAt(1), partial(candleAt(2), 0.1)], 1);
    expect(closedOf(out)).toEqual([candleAt(1)]);
    expect(c.live([candleAt(1)], 1)).toEqual([]);
    expect(closedOf(c.live([candleAt(0), partial(candleAt(2), 0.5)], 1))).toEqual([]);
    expect(c.lastClosedOpenTime).toBe(T0 + MINUTE);
  });

  it('never closes the candle that was forming when the connection changed: REST confirms it', () => {
    const c = new SeriesCollector(key, { lastClosed: T0, warmupCandles: 0 });
    c.live([partial(candleAt(1), 0.4)], 1);
    // A new socket (ccxt reconnected silently): the next batch comes on connection 2.
    const held = c.live([partial(candleAt(1), 0.4), partial(candleAt(2), 0.2)], 2);
    expect(closedOf(held)).toEqual([]);
    const range = c.nextFetch()!;
    expect(range).toEqual({ from: T0 + MINUTE, to: T0 + MINUTE, reason: 'reconnect' });
    expect(closedOf(c.applyFetch(range, rest(range, 2)))).toEqual([candleAt(1)]);
  });

  it('confirms over REST a polled candle the adopted socket never showed, instead of closing the poll snapshot', () => {
    // Polling REST (connection 0): candle 1 seen forming, as a poll snapshot mid-period.
    const c = new SeriesCollector(key, { lastClosed: T0, warmupCandles: 0 });
    c.live([partial(candleAt(1), 0.3)], 0);
    // The websocket works again: it continues the series, and its first batch starts at candle 2.
    c.adopt(5);
    expect(closedOf(c.live([partial(candleAt(2), 0.1)], 5))).toEqual([]);
    const range = c.nextFetch()!;
    expect(range).toEqual({ from: T0 + MINUTE, to: T0 + MINUTE, reason: 'confirm' });
    const out = c.applyFetch(range, rest(range, 2));
    // candle 1 as it closed, not as the poll saw it; live, no gap
    expect(closedOf(out)).toEqual([candleAt(1)]);
    expect(out.map((u) => u.origin)).toEqual(['live', 'live']);
    expect(out.at(-1)!.forming).toEqual(partial(candleAt(2), 0.1));
    expect(c.takeLoss()).toBeNull();
  });

  it('trusts the adopted socket once it shows the polled candle itself', () => {
    const c = new SeriesCollector(key, { lastClosed: T0, warmupCandles: 0 });
    c.live([partial(candleAt(1), 0.3)], 0);
    c.adopt(5);
    expect(closedOf(c.live([candleAt(1), partial(candleAt(2), 0.1)], 5))).toEqual([candleAt(1)]);
    expect(c.isLive).toBe(true);
  });

  it('re-anchors after broken() with the reason, even inside the same candle', () => {
    const c = new SeriesCollector(key, { lastClosed: T0, warmupCandles: 0 });
    c.live([partial(candleAt(1), 0.4)], 1);
    c.broken('resume');
    expect(c.live([partial(candleAt(1), 0.7)], 1)).toMatchObject([
      { closed: [], forming: partial(candleAt(1), 0.7) },
    ]);
    c.broken('stale');
    c.live([partial(candleAt(3), 0.1)], 1);
    expect(c.nextFetch()).toEqual({ from: T0 + MINUTE, to: T0 + 2 * MINUTE, reason: 'stale' });
  });

  it('confirms a jump on the trusted connection over REST: periods without trades are no gap', () => {
    const c = new SeriesCollector(key, { lastClosed: T0, warmupCandles: 0 });
    c.live([partial(candleAt(1), 0.9)], 1);
    expect(closedOf(c.live([partial(candleAt(4), 0.1)], 1))).toEqual([]);
    const range = c.nextFetch()!;
    expect(range).toEqual({ from: T0 + MINUTE, to: T0 + 3 * MINUTE, reason: 'confirm' });
    expect(c.isConfirming).toBe(true);
    // the exchange had no trades in minutes 2 and 3: REST returns minute 1 (final) and nothing else
    const out = c.applyFetch(range, [candleAt(1), partial(candleAt(4), 0.2)]);
    expect(out.map((u) => [u.origin, u.closed, u.forming])).toEqual([
      ['live', [candleAt(1)], null],
      ['live', [], partial(candleAt(4), 0.1)],
    ]);
    expect(c.takeLoss()).toBeNull();
    expect(c.isLive).toBe(true);
    expect(c.lastClosedOpenTime).toBe(T0 + 3 * MINUTE);
  });

  it('keeps flat candles REST gives for periods without trades, live', () => {
    const c = new SeriesCollector(key, { lastClosed: T0, warmupCandles: 0 });
    c.live([candleAt(1)], 1);
    c.live([candleAt(3)], 1);
    const flat: Candle = [T0 + 2 * MINUTE, 105, 105, 105, 105, 0];
    const out = c.applyFetch(c.nextFetch()!, [candleAt(1), flat]);
    expect(out[0]).toMatchObject({ origin: 'live', closed: [candleAt(1), flat] });
    expect(c.takeLoss()).toBeNull();
  });

  it('calls a jump a gap when REST shows trades no push had shown: those candles are backfill', () => {
    const c = new SeriesCollector(key, { lastClosed: T0, warmupCandles: 0 });
    c.live([candleAt(1)], 1);
    c.live([partial(candleAt(4), 0.1)], 1);
    const out = c.applyFetch(c.nextFetch()!, candles(1, 3));
    expect(out.slice(0, 2).map((u) => [u.origin, u.closed])).toEqual([
      ['live', [candleAt(1)]],
      ['backfill', candles(2, 2)],
    ]);
    expect(c.takeLoss()).toEqual({ from: T0 + 2 * MINUTE, to: T0 + 3 * MINUTE, count: 2 });
    expect(c.takeLoss()).toBeNull();
  });

  it('closes a candle at its period end when nothing newer arrives, confirmed over REST', () => {
    const c = new SeriesCollector(key, { lastClosed: T0, warmupCandles: 0 });
    c.live([partial(candleAt(1), 0.8)], 1);
    expect(c.formingOpenTime).toBe(T0 + MINUTE);
    expect(c.boundaryPassed(T0 + 2 * MINUTE - 1)).toEqual([]);
    expect(c.isLive).toBe(true);
    expect(c.boundaryPassed(T0 + 2 * MINUTE + 500)).toEqual([]);
    expect(c.nextFetch()).toEqual({ from: T0 + MINUTE, to: T0 + MINUTE, reason: 'confirm' });
    // a push of the next candle while REST answers is held, then released after the close
    expect(c.live([partial(candleAt(2), 0.1)], 1)).toEqual([]);
    const out = c.applyFetch(c.nextFetch()!, [candleAt(1)]);
    expect(out.map((u) => [u.origin, u.closed, u.forming])).toEqual([
      ['live', [candleAt(1)], null],
      ['live', [], partial(candleAt(2), 0.1)],
    ]);
  });

  it('closes with the last push when REST does not have the candle (yet)', () => {
    const c = new SeriesCollector(key, { lastClosed: T0, warmupCandles: 0 });
    c.live([partial(candleAt(1), 0.8)], 1);
    c.boundaryPassed(T0 + 3 * MINUTE);
    const out = c.applyFetch(c.nextFetch()!, []);
    expect(out).toEqual([{ key, closed: [partial(candleAt(1), 0.8)], forming: null, origin: 'live' }]);
    expect(c.isLive).toBe(true);
  });

  it('pages through a long gap and accepts an empty answer (no trades there)', () => {
    const c = new SeriesCollector(key, { lastClosed: T0, warmupCandles: 0 });
    c.live([partial(candleAt(30), 0.5)], 1);
    let range = c.nextFetch()!;
    expect(closedOf(c.applyFetch(range, rest(range, 30, 10)))).toEqual(candles(1, 10));
    range = c.nextFetch()!;
    expect(range.from).toBe(T0 + 11 * MINUTE);
    // The exchange has nothing between minute 11 and 29.
    const out = c.applyFetch(range, []);
    expect(closedOf(out)).toEqual([]);
    expect(c.isLive).toBe(true);
    expect(c.lastClosedOpenTime).toBe(T0 + 29 * MINUTE);
  });

  it('ignores an answer to a range that is no longer the one missing', () => {
    const c = new SeriesCollector(key, { lastClosed: T0, warmupCandles: 0 });
    c.live([partial(candleAt(5), 0.5)], 1);
    const range = c.nextFetch()!;
    c.applyFetch(range, rest(range, 5));
    expect(c.applyFetch(range, rest(range, 5))).toEqual([]);
  });

  it('keeps at most maxPending held candles and fetches the dropped ones instead', () => {
    const c = new SeriesCollector(key, { lastClosed: T0, warmupCandles: 0, maxPending: 3 });
    c.live([partial(candleAt(5), 1)], 1);
    for (let i = 6; i <= 9; i++) c.live([candleAt(i - 1), partial(candleAt(i), 0.5)], 1);
    expect(c.nextFetch()).toEqual({ from: T0 + MINUTE, to: T0 + 6 * MINUTE, reason: 'start' });
  });

  it.each([1, 2, 3, 4, 5, 6, 7, 8])(
    'releases exactly the true series through random faults (seed %i)',
    (seed) => {
      const rnd = prng(seed);
      const stored = 20;
      const c = new SeriesCollector(key, { lastClosed: T0 + (stored - 1) * MINUTE, warmupCandles: 50 });
      const out: Candle[] = [];
      const take = (updates: CandleUpdate[]) => {
        for (const u of updates) {
          out.push(...u.closed);
          if (u.forming) expect(u.forming[0]).toBeGreaterThan(u.closed.at(-1)?.[0] ?? -Infinity);
        }
      };
      // ccxt's view: a cache of the latest snapshot per candle, which survives reconnects.
      const cache = new Map<number, Candle>();
      const send = (i: number, progress: number) => cache.set(candleAt(i)[0], partial(candleAt(i), progress));
      let connection = 1;
      let inFlight: FetchRange | null = null;
      let current = stored + 3;
      send(current, 0.1);
      for (let step = 0; step < 4000; step++) {
        const r = rnd();
        if (r < 0.006) {
          // The socket drops (silently, or with an error the loop sees); messages meanwhile are lost.
          connection++;
          if (r < 0.003) c.broken(rnd() < 0.5 ? 'reconnect' : 'resume');
          current += Math.floor(rnd() * 3);
        } else if (r < 0.01) {
          current += 2 + Math.floor(rnd() * 3); // candles the exchange never published (no trades)
        } else if (r < 0.2) {
          send(current, 1); // on a live socket a candle's final update precedes the next candle
          current++;
        }
        send(current, rnd());
        if (rnd() < 0.15) continue; // under load a loop wakes for only some frames
        const from = c.cursor;
        const batch = [...cache.values()].filter((x) =>
          from === undefined ? x[0] === candleAt(current)[0] : x[0] >= from,
        );
        take(c.live(batch, connection));
        // REST answers arrive some time after they were asked for, possibly after a reconnect.
        if (inFlight && rnd() < 0.5) {
          take(c.applyFetch(inFlight, rest(inFlight, current, 7)));
          inFlight = null;
        }
        inFlight ??= c.nextFetch();
      }
      expect(out.length).toBeGreaterThan(100);
      // REST has every candle, including those the socket never showed: no gap, no partial value.
      expect(out).toEqual(candles(stored, out.length));
    },
  );
});

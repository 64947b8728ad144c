import { describe, expect, it } from 'vitest';
import type { Candle, SeriesKey } from '../../../src/shared/domain/market';
import type { RuleInput, StoredRule } from '../../../src/shared/domain/rule';
import type { WatchItem } from '../../../src/shared/domain/settings';
import { BTC, bars, Harness, MIN, storedRule, T0 } from './harness';

const CROSS_100: RuleInput['when'] = { type: 'price-cross', direction: 'above', level: 100 };
const ETH: SeriesKey = { ...BTC, symbol: 'ETH/USDT' };
const watch = (...keys: SeriesKey[]): WatchItem[] =>
  keys.map((k) => ({ exchange: k.exchange, symbol: k.symbol, timeframes: [k.timeframe] }));

/** What a store holds: candles by symbol, nothing for the others. */
const stored =
  (bySymbol: Record<string, Candle[]>) =>
  (key: SeriesKey): Candle[] =>
    bySymbol[key.symbol] ?? [];

const seededAt = (at: number, input: Partial<RuleInput> = {}): StoredRule => ({
  ...storedRule({ when: CROSS_100, ...input }),
  activeSince: at,
});

/** [candle index, missed] of each firing */
const fired = (h: Harness) => h.firings.map((f) => [(f.candle[0] - T0) / MIN, f.missed]);

// crosses above 100 at 2 and at 10 (after dipping at 5), stays above at 11
const WARMUP = [99, 99, 101, 102, 101, 99, 98, 97, 98, 99, 101, 102];

describe('a rule is armed on a series from when it was seeded, or when the series joined', () => {
  it('start-up: the warm-up of a new series never fires; a candle closing after the rule was seeded fires live', () => {
    // The app starts at 00:10:05 with nothing stored and seeds the rule; the stream goes live at
    // 00:12:02 after a two-page warm-up ending with the candle that closed at 00:12.
    const start = T0 + 10 * MIN + 5_000;
    const h = new Harness([seededAt(start)], { history: stored({}), watchlist: watch(BTC), now: start });
    h.now = T0 + 12 * MIN + 2_000;
    h.close(bars(WARMUP.slice(0, 6)), BTC, 'backfill');
    h.close(bars(WARMUP.slice(6), 6), BTC, 'backfill');
    // candle 2 closed before the rule existed; candle 10 (closed 00:11) is fresh, not missed
    expect(fired(h)).toEqual([[10, false]]);
    h.stream(bars([99, 103], 12));
    expect(fired(h)).toEqual([
      [10, false],
      [13, false],
    ]);
  });

  it('a symbol added to the watchlist of a watchlist rule warms up silently, then fires live', () => {
    const rule = storedRule({ symbol: undefined, watchlist: true, when: CROSS_100 });
    const h = new Harness([rule], { history: stored({ 'BTC/USDT': bars([99]) }), watchlist: watch(BTC) });
    h.now = T0 + 12 * MIN + 1_000;
    h.engine.setWatchlist(watch(BTC, ETH));
    h.now += 2_000;
    h.close(bars(WARMUP), ETH, 'backfill');
    expect(h.firings).toEqual([]);
    h.now = T0 + 14 * MIN;
    h.stream(bars([99, 105], 12), ETH);
    expect(h.firings.map((f) => [f.key.symbol, (f.candle[0] - T0) / MIN, f.missed])).toEqual([
      ['ETH/USDT', 13, false],
    ]);
  });

  it("a candle that reached the store between the rule's save and its binding fires live; older ones only warm", () => {
    // BTC streams for the watchlist; the engine keeps no state for it while no rule reads it. The
    // rule is saved at 00:10:00.5 and bound at 00:11:00.3, after candle 10 (a cross, closed at
    // 00:11) was stored. Candle 2, the earlier cross, closed before the save.
    const store: Candle[] = [];
    const h = new Harness([], { history: () => store, watchlist: watch(BTC), now: T0 + 5 * MIN });
    store.push(...bars(WARMUP.slice(0, 11)));
    h.now = T0 + 11 * MIN + 300;
    h.engine.setRules([seededAt(T0 + 10 * MIN + 500)]);
    expect(fired(h)).toEqual([[10, false]]);
    h.stream(bars([102, 99, 103], 11));
    expect(fired(h)).toEqual([
      [10, false],
      [13, false],
    ]);
  });

  it('at start-up, or for a rule re-enabled without a restart, stored candles only warm', () => {
    const store = bars(WARMUP);
    const started = new Harness([seededAt(T0)], {
      history: () => store,
      watchlist: watch(BTC),
      now: T0 + 12 * MIN,
    });
    expect(started.firings).toEqual([]);
    // bound once, unbound (disabled), bound again: its activeSince is older than the last rebuild
    const h = new Harness([seededAt(T0)], {
      history: () => store,
      watchlist: watch(BTC),
      now: T0 + 12 * MIN,
    });
    h.engine.setRules([]);
    h.now += 1_000;
    h.engine.setRules([seededAt(T0)]);
    expect(h.firings).toEqual([]);
  });

  it('a series only a rule reads joins when the rule starts reading it: its warm-up never fires', () => {
    // ETH is on no watchlist; the older rule is loaded at 00:12:01 and the feed starts ETH for it
    const h = new Harness([], { history: stored({}), watchlist: watch(BTC) });
    h.now = T0 + 12 * MIN + 1_000;
    h.engine.setRules([storedRule({ symbol: 'ETH/USDT', when: CROSS_100 })]);
    h.close(bars(WARMUP), ETH, 'backfill');
    expect(h.firings).toEqual([]);
    h.now = T0 + 14 * MIN;
    h.stream(bars([99, 105], 12), ETH);
    expect(fired(h)).toEqual([[13, false]]);
  });

  it('a symbol removed from the watchlist keeps streaming for the rule on it: a gap later is still missed', () => {
    const h = new Harness([storedRule({ when: CROSS_100 })], {
      history: stored({ 'BTC/USDT': bars([99, 99]) }),
      watchlist: watch(BTC),
    });
    h.stream(bars([99], 2));
    h.engine.setWatchlist([]);
    h.now = T0 + 9 * MIN + 30_000;
    h.engine.setWatchlist(watch(BTC));
    h.now = T0 + 12 * MIN + 2_000;
    // the backfill from the last candle seen (2): the rule was armed all along, so 3..8 were missed
    h.close(bars([101, 99, 101, 99, 101, 99, 101, 99, 102], 3), BTC, 'backfill');
    expect(fired(h)).toEqual([
      [3, true],
      [5, true],
      [7, true],
      [9, true],
      [11, true],
    ]);
  });

  it('a watchlist rule loses a removed symbol; added again, it joins anew: what closed in between never fires', () => {
    const rule = storedRule({ symbol: undefined, watchlist: true, when: CROSS_100 });
    const h = new Harness([rule], { history: stored({ 'BTC/USDT': bars([99, 99]) }), watchlist: watch(BTC) });
    h.stream(bars([99], 2));
    h.engine.setWatchlist([]);
    h.now = T0 + 9 * MIN + 30_000;
    h.engine.setWatchlist(watch(BTC));
    h.now = T0 + 12 * MIN + 2_000;
    // the backfill from the last candle seen (2): 3..8 closed while nothing read BTC
    h.close(bars([101, 99, 101, 99, 101, 99, 101, 99, 102], 3), BTC, 'backfill');
    expect(fired(h)).toEqual([
      [9, false],
      [11, false],
    ]);
  });
});

describe('a gap is still a gap', () => {
  it('after a restart, what closed while the app was down is missed', () => {
    // stored up to candle 4; the rule has existed all along
    const h = new Harness([storedRule({ when: CROSS_100 })], {
      history: stored({ 'BTC/USDT': bars([99, 99, 99, 99, 99]) }),
      watchlist: watch(BTC),
      now: T0 + 9 * MIN + 5_000,
    });
    h.close(bars([99, 101, 99, 102], 5), BTC, 'backfill');
    expect(fired(h)).toEqual([
      [6, true],
      [8, true],
    ]);
  });

  it('a series whose store filled after it was bound (a cluster takeover) warms from it: the hole is missed', () => {
    // Bound at start with nothing stored; then the shared history up to candle 4 is copied in.
    const store: Record<string, Candle[]> = {};
    const h = new Harness([storedRule({ when: CROSS_100 })], {
      history: stored(store),
      watchlist: watch(BTC),
      now: T0 + 4 * MIN,
    });
    store['BTC/USDT'] = bars([99, 99, 99, 99, 99]);
    h.now = T0 + 9 * MIN + 5_000;
    h.close(bars([99, 101, 99, 102], 5), BTC, 'backfill');
    expect(fired(h)).toEqual([
      [6, true],
      [8, true],
    ]);
  });

  it('after a reconnect, what closed while disconnected is missed; live again, alerts are live', () => {
    const h = new Harness([storedRule({ when: CROSS_100 })], { history: stored({}), watchlist: watch(BTC) });
    h.now = T0 + 2 * MIN;
    h.stream(bars([99, 101]));
    h.forming(bars([99], 2)[0]!);
    h.now = T0 + 6 * MIN + 10_000;
    h.close(bars([99, 101, 99], 2), BTC, 'backfill');
    h.close(bars([102], 5), BTC, 'backfill');
    h.now = T0 + 8 * MIN;
    h.stream(bars([99, 103], 6));
    expect(fired(h)).toEqual([
      [1, false],
      [3, true],
      [5, true],
      [7, false],
    ]);
  });

  it('a rule seeded after the data stopped fires late, not missed, and never before it existed', () => {
    // stored up to candle 4 (closed 00:05); the app restarts at 00:08 with a new config rule
    const start = T0 + 8 * MIN;
    const h = new Harness([seededAt(start)], {
      history: stored({ 'BTC/USDT': bars([99, 99, 99, 99, 99]) }),
      watchlist: watch(BTC),
      now: start,
    });
    h.now = T0 + 10 * MIN + 3_000;
    h.close(bars([101, 99, 99, 101, 102], 5), BTC, 'backfill');
    // candle 5 closed (00:06) before the rule existed; candle 8 (00:09) after
    expect(fired(h)).toEqual([[8, false]]);
  });

  it('a rule armed while data flowed, then cut off, counts the candles it missed', () => {
    const h = new Harness([], { history: stored({}), watchlist: watch(BTC) });
    h.stream(bars([99, 99]));
    h.now = T0 + 2 * MIN + 20_000;
    h.engine.setRules([seededAt(h.now)]);
    h.now += 20_000;
    h.forming(bars([99], 2)[0]!);
    h.now = T0 + 5 * MIN;
    h.close(bars([99, 101], 2), BTC, 'backfill');
    expect(fired(h)).toEqual([[3, true]]);
  });
});

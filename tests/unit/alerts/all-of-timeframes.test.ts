import { describe, expect, it } from 'vitest';
import type { Candle, SeriesKey } from '../../../src/shared/domain/market';
import { bar, BTC, Harness, priceAbove, storedRule } from './harness';

const FIVE: SeriesKey = { ...BTC, timeframe: '5m' };
const HOUR: SeriesKey = { ...BTC, timeframe: '1h' };
const m5 = (i: number, close: number) => bar(i, close, { timeframe: '5m' });

type Arrival = { key: SeriesKey; candle: Candle; origin?: 'live' | 'backfill' };
const deliver = (h: Harness, arrivals: Arrival[]) => {
  for (const a of arrivals) h.close([a.candle], a.key, a.origin ?? 'live');
  return h;
};
const summary = (h: Harness) =>
  h.firings.map((f) => ({ at: f.candle[0], key: f.key.timeframe, values: f.explanation.values }));

describe('all-of across timeframes closing at the same instant', () => {
  // 1m rule: its close above 100, and the 5m close above 50
  const oneMinuteRule = storedRule({
    when: {
      type: 'all-of',
      conditions: [{ when: priceAbove(100) }, { timeframe: '5m', when: priceAbove(50) }],
    },
  });

  /** 5m candle 0 (close 40) is known; then 00:05–00:09 on 1m, and the 5m candle 1 closing at 00:10 (close 60). */
  const warm: Arrival[] = [
    { key: FIVE, candle: m5(0, 40) },
    ...[5, 6, 7, 8].map((i) => ({ key: BTC, candle: bar(i, 101) })),
  ];
  const oneMinute: Arrival = { key: BTC, candle: bar(9, 101) };
  const fiveMinute: Arrival = { key: FIVE, candle: m5(1, 60) };

  it('gives the same result whichever timeframe arrives first: once, with the closed values of each', () => {
    const a = deliver(new Harness([oneMinuteRule]), [...warm, oneMinute, fiveMinute]);
    const b = deliver(new Harness([oneMinuteRule]), [...warm, fiveMinute, oneMinute]);
    expect(summary(a)).toEqual(summary(b));
    expect(a.firedAt()).toEqual([9]);
    expect(a.firings[0]!.explanation.values).toEqual({
      close: 101,
      level: 100,
      '5m close': 60,
      '5m level': 50,
    });
  });

  it('the same with the rule on the higher timeframe reading a lower one', () => {
    const rule = storedRule({
      timeframe: '5m',
      when: {
        type: 'all-of',
        conditions: [{ when: priceAbove(50) }, { timeframe: '1m', when: priceAbove(100) }],
      },
    });
    // at 00:10 the 1m close drops to 99: read after its close, the 1m part is false
    const oneMinuteDrop: Arrival = { key: BTC, candle: bar(9, 99) };
    const a = deliver(new Harness([rule]), [...warm, oneMinuteDrop, fiveMinute]);
    const b = deliver(new Harness([rule]), [...warm, fiveMinute, oneMinuteDrop]);
    expect(a.firings).toEqual([]);
    expect(b.firings).toEqual([]);
    // and with the 1m close above 100 both orders fire once on the 5m candle
    const c = deliver(new Harness([rule]), [...warm, oneMinute, fiveMinute]);
    const d = deliver(new Harness([rule]), [...warm, fiveMinute, oneMinute]);
    expect(summary(c)).toEqual(summary(d));
    expect(c.firedAt('5m')).toEqual([1]);
  });

  it('waits for every timeframe closing then (1m, 5m and 1h at 01:00), in any order', () => {
    const rule = storedRule({
      when: {
        type: 'all-of',
        conditions: [
          { when: priceAbove(100) },
          { timeframe: '5m', when: priceAbove(50) },
          { timeframe: '1h', when: priceAbove(10) },
        ],
      },
    });
    const before: Arrival[] = [
      { key: HOUR, candle: bar(-1, 5, { timeframe: '1h' }) },
      { key: FIVE, candle: m5(10, 40) },
      { key: BTC, candle: bar(58, 101) },
    ];
    const atOne: Arrival[] = [
      { key: BTC, candle: bar(59, 101) },
      { key: FIVE, candle: m5(11, 60) },
      { key: HOUR, candle: bar(0, 20, { timeframe: '1h' }) },
    ];
    const orders = [
      [0, 1, 2],
      [2, 1, 0],
      [1, 0, 2],
      [1, 2, 0],
    ];
    const results = orders.map((o) =>
      summary(deliver(new Harness([rule]), [...before, ...o.map((i) => atOne[i]!)])),
    );
    for (const r of results) expect(r).toEqual(results[0]);
    expect(results[0]).toHaveLength(1);
    expect(results[0]![0]!.values).toMatchObject({ close: 101, '5m close': 60, '1h close': 20 });
  });

  it('a late timeframe holds the rule back at most until its own next candle, which never skips one', () => {
    const h = deliver(new Harness([oneMinuteRule]), [...warm, oneMinute]);
    expect(h.firings).toEqual([]);
    // the 1m stream moves on before the 5m close came: candle 9 is evaluated with the 5m close held (40)
    deliver(h, [{ key: BTC, candle: bar(10, 101) }]);
    expect(h.firings).toEqual([]);
    deliver(h, [fiveMinute, { key: BTC, candle: bar(11, 101) }]);
    expect(h.firedAt()).toEqual([11]);
  });

  it('does not wait for a timeframe that is not live in this run (only backfilled)', () => {
    const h = deliver(new Harness([oneMinuteRule]), [
      { key: FIVE, candle: m5(0, 60), origin: 'backfill' },
      ...[5, 6, 7, 8].map((i) => ({ key: BTC, candle: bar(i, 99) })),
      oneMinute,
    ]);
    expect(h.firedAt()).toEqual([9]);
  });
});

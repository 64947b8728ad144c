import { describe, expect, it } from 'vitest';
import { describeCondition } from '../../../src/main/core/alerts/conditions';
import { ruleSchema } from '../../../src/shared/domain/rule';
import * as ref from '../indicators/reference';
import { bars, Harness, RSI_BELOW_30, rsiWalk, storedRule, T0 } from './harness';

/** indices where `a` crosses the fixed `level` in the given way (both candles defined) */
function crossingsOf(a: ref.Series, level: number, way: 'above' | 'below' | 'either'): number[] {
  const out: number[] = [];
  for (let i = 1; i < a.length; i++) {
    const [a0, a1] = [a[i - 1], a[i]];
    if (a0 == null || a1 == null) continue;
    const up = a0 <= level && a1 > level;
    const down = a0 >= level && a1 < level;
    if ((way !== 'below' && up) || (way !== 'above' && down)) out.push(i);
  }
  return out;
}

const { walk, rsi: rsi14 } = rsiWalk();
const closes = walk.map((c) => c[4]);

describe('crossing a value, up, down or either way', () => {
  it('"RSI crosses below 30" fires exactly where the RSI goes from ≥ 30 to < 30', () => {
    const h = new Harness([storedRule({ when: RSI_BELOW_30 })]);
    h.stream(walk);
    const expected = crossingsOf(rsi14, 30, 'below');
    expect(expected.length).toBeGreaterThan(3);
    expect(h.firedAt()).toEqual(expected);
    const first = h.firings[0]!.explanation;
    expect(first.values['RSI(14)']).toBeCloseTo(rsi14[expected[0]!]!, 9);
    expect(first.values.level).toBe(30);
    expect(first.text).toMatch(/^RSI\(14\) crossed below 30 at /);
  });

  it('an indicator crossing a value either way fires on both the up and the down crossings', () => {
    const h = new Harness([
      storedRule({
        when: { type: 'indicator-cross', indicator: { indicator: 'rsi' }, direction: 'either', other: 50 },
      }),
    ]);
    h.stream(walk);
    const up = crossingsOf(rsi14, 50, 'above');
    const down = crossingsOf(rsi14, 50, 'below');
    expect(up.length).toBeGreaterThan(3);
    expect(down.length).toBeGreaterThan(3);
    expect(h.firedAt()).toEqual([...up, ...down].sort((a, b) => a - b));
    // each firing says which way it went
    for (const f of h.firings) {
      const i = (f.candle[0] - T0) / 60_000;
      expect(f.explanation.text).toContain(up.includes(i) ? 'crossed above' : 'crossed below');
    }
  });

  it('price crossing a level either way', () => {
    const h = new Harness([storedRule({ when: { type: 'price-cross', direction: 'either', level: 100 } })]);
    h.stream(bars([99, 100.5, 101, 99.5, 100, 100.2, 98]));
    // 99 → 100.5 up; 101 → 99.5 down; 99.5 → 100 touches only; 100 → 100.2 up; 100.2 → 98 down
    expect(h.firedAt()).toEqual([1, 3, 5, 6]);
    expect(h.firings.map((f) => f.explanation.text.split(' ')[2])).toEqual([
      'above',
      'below',
      'above',
      'below',
    ]);
  });

  it('an indicator crossing another indicator either way', () => {
    const when = {
      type: 'indicator-cross',
      indicator: { indicator: 'ema', period: 9 },
      direction: 'either',
      other: { indicator: 'ema', period: 21 },
    } as const;
    const h = new Harness([storedRule({ when })]);
    h.stream(walk);
    const fast = ref.ema(closes, 9);
    const slow = ref.ema(closes, 21);
    const expected: number[] = [];
    for (let i = 1; i < closes.length; i++) {
      const [a0, a1, b0, b1] = [fast[i - 1], fast[i], slow[i - 1], slow[i]];
      if (a0 == null || a1 == null || b0 == null || b1 == null) continue;
      if ((a0 <= b0 && a1 > b1) || (a0 >= b0 && a1 < b1)) expected.push(i);
    }
    expect(expected.length).toBeGreaterThan(6);
    expect(h.firedAt()).toEqual(expected);
  });
});

describe('a touch is not a cross', () => {
  const overSma = {
    type: 'indicator-cross',
    indicator: { indicator: 'price' },
    direction: 'above',
    other: { indicator: 'sma', period: 3 },
  } as const;

  it('a close sitting on its SMA has not crossed it, whatever the running sum rounds to', () => {
    // After 110, three closes of 100.01: the SMA's running sum reads 100.00999999999999.
    const h = new Harness([storedRule({ when: overSma })]);
    h.stream(bars([110, 100.01, 100.01, 100.01]));
    expect(h.firedAt()).toEqual([]);
  });

  it('from on the line to above it is a cross', () => {
    const h = new Harness([storedRule({ when: overSma })]);
    h.stream(bars([110, 100.01, 100.01, 100.01, 100.5]));
    expect(h.firedAt()).toEqual([4]);
  });
});

describe('the schema keeps old rules and says what is wrong with new ones', () => {
  const base = { name: 'r', exchange: 'binance', symbol: 'BTC/USDT', timeframe: '1m' };

  it('accepts the crossings rules were written with before (indicator against indicator, above/below)', () => {
    const old = ruleSchema.parse({
      ...base,
      when: {
        type: 'indicator-cross',
        indicator: { indicator: 'ema', period: 9 },
        direction: 'above',
        other: { indicator: 'ema', period: 21 },
      },
    });
    expect(old.when).toMatchObject({ direction: 'above', other: { indicator: 'ema', period: 21 } });
    expect(
      ruleSchema.parse({ ...base, when: { type: 'price-cross', direction: 'above', level: 100000 } }).when,
    ).toEqual({ type: 'price-cross', direction: 'above', level: 100000 });
  });

  it('"either" is a crossing word only: a threshold is above or below', () => {
    const r = ruleSchema.safeParse({
      ...base,
      when: { type: 'indicator-threshold', indicator: { indicator: 'rsi' }, direction: 'either', level: 30 },
    });
    expect(r.success).toBe(false);
    expect(r.error!.issues[0]!.message).toBe('direction must be "above" or "below"');
    const bad = ruleSchema.safeParse({
      ...base,
      when: { type: 'indicator-cross', indicator: { indicator: 'rsi' }, direction: 'sideways', other: 30 },
    });
    expect(bad.error!.issues[0]!.message).toMatch(
      /"above" \(crosses up\), "below" \(crosses down\) or "either"/,
    );
  });

  it('refuses a crossing against something that is neither a number nor an indicator', () => {
    const r = ruleSchema.safeParse({
      ...base,
      when: { type: 'indicator-cross', indicator: { indicator: 'rsi' }, direction: 'below', other: '30' },
    });
    expect(r.error!.issues[0]!.message).toMatch(/other must be a number or an indicator/);
  });

  it('describes the new crossings in words', () => {
    const rsi = ruleSchema.parse({
      ...base,
      when: { type: 'indicator-cross', indicator: { indicator: 'rsi' }, direction: 'below', other: 30 },
    });
    expect(describeCondition(rsi.when, '1m')).toBe('RSI(14) crosses below 30');
    const price = ruleSchema.parse({ ...base, when: { type: 'price-cross', direction: 'either', level: 5 } });
    expect(describeCondition(price.when, '1m')).toBe('close crosses either way through 5');
  });
});

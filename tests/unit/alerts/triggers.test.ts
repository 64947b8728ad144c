import { describe, expect, it } from 'vitest';
import type { RuleInput } from '../../../src/shared/domain/rule';
import { bar, bars, Harness, MIN, priceAbove, storedRule, T0 } from './harness';

const ABOVE_100 = priceAbove(100);
const CROSS_100: RuleInput['when'] = { type: 'price-cross', direction: 'above', level: 100 };

// above 100 at 0-2, below at 3, above again at 4-9
const closes = [101, 102, 103, 99, 104, 105, 106, 107, 108, 109];

describe('trigger modes', () => {
  it('once: the first time only, even after the condition went false and true again', () => {
    const h = new Harness([storedRule({ trigger: 'once', when: ABOVE_100 })]).stream(bars(closes));
    expect(h.firedAt()).toEqual([0]);
  });

  it('once-per-bar: every candle the condition holds', () => {
    const h = new Harness([storedRule({ trigger: 'once-per-bar', when: ABOVE_100 })]).stream(bars(closes));
    expect(h.firedAt()).toEqual([0, 1, 2, 4, 5, 6, 7, 8, 9]);
  });

  it('every-time with a cooldown: at most once per cooldown of candle time', () => {
    const h = new Harness([storedRule({ trigger: 'every-time', cooldownSeconds: 180, when: ABOVE_100 })]);
    h.stream(bars(closes));
    // 0, then 3 is false, 4 is ≥ 3 minutes after 0, 7 is 3 minutes after 4
    expect(h.firedAt()).toEqual([0, 4, 7]);
  });

  it('rearm: fires again only after the condition was seen false', () => {
    const h = new Harness([storedRule({ trigger: 'rearm', when: ABOVE_100 })]).stream(bars(closes));
    expect(h.firedAt()).toEqual([0, 4]);
  });

  it('rearm remembers it is disarmed in its state store (what a restart reads back)', () => {
    const rule = storedRule({ trigger: 'rearm', when: ABOVE_100 });
    const first = new Harness([rule]).stream(bars(closes.slice(0, 3)));
    expect(first.firedAt()).toEqual([0]);
    const restarted = new Harness([rule], { states: first.states });
    restarted.stream(bars(closes.slice(2), 2));
    expect(restarted.firedAt()).toEqual([4]);
  });
});

describe('on close vs intrabar', () => {
  const ticks = [99.5, 100.4, 100.8, 99.9];

  it('intrabar fires on the forming candle, once for that bar, and not again when it closes', () => {
    const h = new Harness([storedRule({ evaluate: 'intrabar', when: CROSS_100 })]);
    h.close([bar(0, 99)]);
    h.now = T0 + MIN + 30_000;
    for (const p of ticks) h.forming(bar(1, p));
    expect(h.firedAt()).toEqual([1]);
    expect(h.firings[0]!.point).toBe('forming');
    expect(h.firings[0]!.explanation.values.close).toBe(100.4);
    h.close([bar(1, 100.6)]);
    expect(h.firedAt()).toEqual([1]);
  });

  it('on close ignores the forming candle: a spike that closes back below never fires', () => {
    const h = new Harness([storedRule({ evaluate: 'close', when: CROSS_100 })]);
    h.close([bar(0, 99)]);
    for (const p of ticks) h.forming(bar(1, p));
    h.close([bar(1, 99.9)]);
    expect(h.firings).toEqual([]);
    h.forming(bar(2, 100.5));
    expect(h.firings).toEqual([]);
    h.close([bar(2, 100.5)]);
    expect(h.firedAt()).toEqual([2]);
    expect(h.firings[0]!.point).toBe('closed');
  });

  it('an intrabar price cross counts where the bar has been since the last close, not only the close', () => {
    const h = new Harness([storedRule({ evaluate: 'intrabar', trigger: 'every-time', when: CROSS_100 })]);
    h.close([bar(0, 101)]);
    // already above at the last close: rising further inside the bar is no cross
    h.forming(bar(1, 102, { open: 101, high: 102, low: 101 })).forming(bar(1, 103, { open: 101, low: 101 }));
    expect(h.firings).toEqual([]);
    // … but falling back under the line (the bar's low) and rising through it again is one
    h.forming(bar(1, 99, { open: 101, high: 103 }));
    expect(h.firings).toEqual([]);
    h.forming(bar(1, 101, { open: 101, high: 103, low: 99 }));
    expect(h.firedAt()).toEqual([1]);
    expect(h.firings[0]!.explanation.values.close).toBe(101);
    h.close([bar(1, 99)]);
    // the first tick of a bar is measured from the close before it
    h.forming(bar(2, 100.1));
    expect(h.firedAt()).toEqual([1, 2]);
  });

  it('a line the forming bar opened beyond is still caught when the price comes back through it', () => {
    // A price line drawn under the price while the bar had already risen past it from its open.
    const below = storedRule({
      evaluate: 'intrabar',
      trigger: 'once',
      when: { type: 'price-cross', direction: 'below', level: 100 },
    });
    const h = new Harness([below]);
    h.close([bar(0, 99)]);
    h.forming(bar(1, 101, { open: 99 })).forming(bar(1, 100.5, { open: 99, high: 101, low: 99 }));
    expect(h.firings).toEqual([]);
    h.forming(bar(1, 99.8, { open: 99, high: 101, low: 99 }));
    expect(h.firedAt()).toEqual([1]);
    expect(h.firings[0]!.explanation.text).toBe('close crossed below 100 at 99.8');
  });

  it('indicators on the forming candle replace, never accumulate, the previous tick', () => {
    const smaAbove = storedRule({
      evaluate: 'intrabar',
      trigger: 'every-time',
      when: {
        type: 'indicator-threshold',
        indicator: { indicator: 'sma', period: 3 },
        direction: 'above',
        level: 100,
      },
    });
    const h = new Harness([smaAbove]);
    h.close(bars([99, 99]));
    // SMA(3) of 99, 99 and the forming close: above 100 only if the forming close is above 102
    h.forming(bar(2, 101)).forming(bar(2, 101.9)).forming(bar(2, 101));
    expect(h.firings).toEqual([]);
    h.forming(bar(2, 102.3));
    expect(h.firedAt()).toEqual([2]);
    expect(h.firings[0]!.explanation.values['SMA(3)']).toBeCloseTo((99 + 99 + 102.3) / 3, 10);
  });
});

describe('replays never fire twice', () => {
  it('the same closed candles again (reconnect, re-fetch) are ignored', () => {
    const h = new Harness([storedRule({ when: CROSS_100 })]);
    const series = bars([99, 101, 99, 102]);
    h.close(series);
    h.close(series);
    h.close(series.slice(1, 3));
    h.stream(series);
    expect(h.firedAt()).toEqual([1, 3]);
  });

  it('a forming candle older than the newest closed one is ignored', () => {
    const h = new Harness([storedRule({ evaluate: 'intrabar', when: CROSS_100 })]);
    h.close(bars([99, 99]));
    h.forming(bar(1, 105));
    expect(h.firings).toEqual([]);
  });

  it('a new engine over the same state and history does not fire the same candle again', () => {
    const rule = storedRule({ when: CROSS_100 });
    const series = bars([99, 101]);
    const first = new Harness([rule]).stream(series);
    expect(first.firedAt()).toEqual([1]);
    // history lags one candle behind (the store's writer had not flushed it before the restart)
    const again = new Harness([rule], { history: () => series.slice(0, 1), states: first.states });
    again.stream(series);
    expect(again.firings).toEqual([]);
  });
});

describe('rule lifetime', () => {
  it('candles that closed before the rule became active never fire it', () => {
    const rule = { ...storedRule({ when: ABOVE_100 }), activeSince: T0 + 3 * MIN };
    const h = new Harness([rule]).stream(bars(closes));
    // candle 2 closes at T0 + 3 min, exactly when the rule was created: too early
    expect(h.firedAt()).toEqual([4, 5, 6, 7, 8, 9]);
  });

  it('nothing fires after expiresAt', () => {
    const h = new Harness([storedRule({ expiresAt: T0 + 5 * MIN, when: ABOVE_100 })]).stream(bars(closes));
    expect(h.firedAt()).toEqual([0, 1, 2, 4]);
  });

  it('disabled rules are not evaluated', () => {
    const h = new Harness([storedRule({ enabled: false, when: ABOVE_100 })]).stream(bars(closes));
    expect(h.firings).toEqual([]);
  });

  it('candles from a backfill fire as missed', () => {
    const h = new Harness([storedRule({ when: CROSS_100 })]);
    h.close(bars([99, 101, 99]), undefined, 'backfill');
    h.close(bars([102], 3));
    expect(h.firings.map((f) => [f.candle[0], f.missed])).toEqual([
      [T0 + MIN, true],
      [T0 + 3 * MIN, false],
    ]);
  });

  it('a firing that cannot be recorded is logged and forgotten; the other rules still run', () => {
    const rules = [1, 2].map((id) => storedRule({ evaluate: 'intrabar', when: CROSS_100 }, id));
    let failing = true;
    const h = new Harness(rules, {
      beforeRecord: (f) => {
        if (f.rule.id === 1 && failing) throw new Error('disk full');
      },
    });
    h.close([bar(0, 99)]).forming(bar(1, 101));
    expect(h.firings.map((f) => f.rule.id)).toEqual([2]);
    // not recorded means not remembered: once the store works again the same candle still fires
    failing = false;
    h.forming(bar(1, 101.5));
    expect(h.firings.map((f) => [f.rule.id, f.candle[0]])).toEqual([
      [2, T0 + MIN],
      [1, T0 + MIN],
    ]);
  });
});

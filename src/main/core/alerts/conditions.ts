import {
  indicatorLabel,
  indicatorScale,
  type IndicatorRef,
  type IndicatorScale,
} from '../../../shared/domain/indicator';
import { formatValue as fmt } from '../../../shared/domain/format-value';
import { CLOSE, HIGH, LOW } from '../../../shared/domain/market';
import type { Condition, CrossDirection, SingleCondition } from '../../../shared/domain/rule';
import type { Point, SeriesState, Slot } from './series-state';
import { candleRange, channelStrength, distanceStrength, excessStrength, weakestStrength } from './strength';

/** Why a condition fired: the values it read, its strength 0..1, how that was computed, in words. */
export type Explanation = { values: Record<string, number>; strength: number; basis: string; text: string };

export interface CompiledCondition {
  /** true/false, or undefined while one of its inputs is still warming up */
  test(point: Point): boolean | undefined;
  /** called only after `test` returned true at the same point */
  explain(point: Point): Explanation;
  /** every indicator slot it reads, so unused ones can be dropped */
  readonly slots: readonly Slot[];
  /** the series of other timeframes it reads (an all-of), besides the one it is compiled on */
  readonly others?: readonly SeriesState[];
}

const CLOSE_REF: IndicatorRef = { indicator: 'price', source: 'close' };
const VOLUME_REF: IndicatorRef = { indicator: 'volume' };

type Operand = { ref: IndicatorRef; slot: Slot; label: string; scale: IndicatorScale };

function operand(series: SeriesState, ref: IndicatorRef): Operand {
  return { ref, slot: series.slot(ref), label: indicatorLabel(ref), scale: indicatorScale(ref) };
}

/** The yardstick for distances on the price scale at a point (see strength.ts). */
function rangeAt(series: SeriesState, point: Point): number {
  const c = series.candle(point);
  return c ? candleRange(c[HIGH], c[LOW], c[CLOSE]) : 1;
}

/**
 * Values closer than this (relative) are the same value: a price touching a line is on it. An SMA
 * kept as a running sum (indicators/moving-averages.ts) ends in other bits than one summed afresh,
 * so three closes of 100.01 after a 110 give an SMA of 100.00999999999999; without the tolerance a
 * close sitting on its average "crossed above" it, or not, by rounding alone. Prices differ by at
 * least a tick (relative 1e-8 and up), rounding by ~1e-15.
 */
const SAME_VALUE = 1e-9;

/** -1, 0 or 1 as `a` is below, on or above `b` (on: within SAME_VALUE of it). */
function side(a: number, b: number): -1 | 0 | 1 {
  const d = a - b;
  if (Math.abs(d) <= SAME_VALUE * Math.max(Math.abs(a), Math.abs(b))) return 0;
  return d > 0 ? 1 : -1;
}

/** The way a crossing went, or null when the values did not cross the line. */
function crossing(
  direction: CrossDirection,
  aBefore: number,
  aNow: number,
  bBefore: number,
  bNow: number,
): 'above' | 'below' | null {
  if (direction !== 'below' && side(aBefore, bBefore) <= 0 && side(aNow, bNow) > 0) return 'above';
  if (direction !== 'above' && side(aBefore, bBefore) >= 0 && side(aNow, bNow) < 0) return 'below';
  return null;
}

export type SeriesLookup = (timeframe: string) => SeriesState;

/** Compiles a rule condition against the series it reads. */
export function compileCondition(
  when: Condition,
  series: SeriesState,
  lookup: SeriesLookup,
): CompiledCondition {
  if (when.type !== 'all-of') return compileSingle(when, series);
  const parts = when.conditions.map((part) => {
    const partSeries = part.timeframe ? lookup(part.timeframe) : series;
    return {
      series: partSeries,
      tag: partSeries === series ? '' : `${partSeries.key.timeframe} `,
      c: compileSingle(part.when, partSeries),
    };
  });
  // Other timeframes are read at their latest state: their forming candle when this rule looks at
  // forming candles and one is known, else their newest closed candle.
  const pointFor = (s: SeriesState, point: Point): Point =>
    s === series || (point === 'forming' && s.forming) ? point : 'closed';
  return {
    slots: parts.flatMap((p) => p.c.slots),
    others: [...new Set(parts.map((p) => p.series))].filter((s) => s !== series),
    test(point) {
      let all: boolean | undefined = true;
      for (const p of parts) {
        const r = p.c.test(pointFor(p.series, point));
        if (r === undefined) return undefined;
        if (!r) all = false;
      }
      return all;
    },
    explain(point) {
      const values: Record<string, number> = {};
      const texts: string[] = [];
      const strengths: number[] = [];
      for (const p of parts) {
        const e = p.c.explain(pointFor(p.series, point));
        for (const [k, v] of Object.entries(e.values)) values[`${p.tag}${k}`] = v;
        texts.push(`${p.tag}${e.text}`);
        strengths.push(e.strength);
      }
      return { values, ...weakestStrength(strengths), text: texts.join(' and ') };
    },
  };
}

function compileSingle(when: SingleCondition, series: SeriesState): CompiledCondition {
  switch (when.type) {
    case 'price-cross': {
      const price = operand(series, CLOSE_REF);
      const { direction, level } = when;
      const way = (point: Point) => {
        const r = series.read(price.slot, price.ref, point);
        if (!r || r.before === undefined) return undefined;
        const bar = point === 'forming' ? series.forming : null;
        if (!bar) return crossing(direction, r.before, r.now, level, level);
        // On the forming candle the price crossed the line if it is beyond it now and was on the other
        // side at the last close or at any tick since (the bar's low or high): a bar that opened beyond
        // a line and came back through it crossed it, as a price alert fires elsewhere. It stays
        // crossed for the rest of the bar, so a firing that could not be stored is tried again.
        if (direction !== 'below' && Math.min(r.before, bar[LOW]) <= level && r.now > level) return 'above';
        if (direction !== 'above' && Math.max(r.before, bar[HIGH]) >= level && r.now < level) return 'below';
        return null;
      };
      return {
        slots: [price.slot],
        test(point) {
          const w = way(point);
          return w === undefined ? undefined : w !== null;
        },
        explain(point) {
          const r = series.read(price.slot, price.ref, point)!;
          const w = way(point) ?? 'above';
          return {
            values: { close: r.now, level },
            ...distanceStrength('price', r.now, level, w, rangeAt(series, point), true),
            text: `close crossed ${w} ${fmt(level)} at ${fmt(r.now)}`,
          };
        },
      };
    }
    case 'channel': {
      const price = operand(series, CLOSE_REF);
      const { action, low, high } = when;
      const inside = (x: number) => x >= low && x <= high;
      return {
        slots: [price.slot],
        test(point) {
          const r = series.read(price.slot, price.ref, point);
          if (!r || r.before === undefined) return undefined;
          return action === 'enter' ? !inside(r.before) && inside(r.now) : inside(r.before) && !inside(r.now);
        },
        explain(point) {
          const r = series.read(price.slot, price.ref, point)!;
          return {
            values: { close: r.now, low, high },
            ...channelStrength(action, r.now, low, high, rangeAt(series, point)),
            text: `close ${action === 'enter' ? 'entered' : 'left'} ${fmt(low)}–${fmt(high)} at ${fmt(r.now)}`,
          };
        },
      };
    }
    case 'percent-move': {
      const price = operand(series, CLOSE_REF);
      const { direction, percent, candles } = when;
      /** the biggest move from any close of the previous `candles` candles to now, signed */
      const move = (point: Point): number | undefined => {
        const r = series.read(price.slot, price.ref, point);
        const end = series.closedBefore(point);
        if (!r || end < candles) return undefined;
        let lo = Infinity;
        let hi = -Infinity;
        for (let i = end - candles; i < end; i++) {
          const c = series.history.field(i, CLOSE);
          if (c < lo) lo = c;
          if (c > hi) hi = c;
        }
        const up = ((r.now - lo) / lo) * 100;
        const down = ((r.now - hi) / hi) * 100;
        if (direction === 'up') return up;
        if (direction === 'down') return down;
        return up >= -down ? up : down;
      };
      return {
        slots: [price.slot],
        test(point) {
          const m = move(point);
          if (m === undefined) return undefined;
          if (direction === 'up') return m >= percent;
          if (direction === 'down') return m <= -percent;
          return Math.abs(m) >= percent;
        },
        explain(point) {
          const m = move(point)!;
          const r = series.read(price.slot, price.ref, point)!;
          return {
            values: { close: r.now, 'move %': m },
            ...excessStrength(Math.abs(m), percent, 'move', `${percent}%`),
            text: `moved ${m >= 0 ? '+' : ''}${m.toFixed(2)}% within ${candles} candle${candles === 1 ? '' : 's'}`,
          };
        },
      };
    }
    case 'indicator-threshold': {
      const a = operand(series, when.indicator);
      const level = when.level;
      const b = typeof level === 'number' ? undefined : operand(series, level);
      const { direction } = when;
      const lineAt = (point: Point) => (b ? series.read(b.slot, b.ref, point)?.now : (level as number));
      return {
        slots: b ? [a.slot, b.slot] : [a.slot],
        test(point) {
          const r = series.read(a.slot, a.ref, point);
          const line = lineAt(point);
          if (!r || line === undefined) return undefined;
          return direction === 'above' ? r.now > line : r.now < line;
        },
        explain(point) {
          const r = series.read(a.slot, a.ref, point)!;
          const line = lineAt(point)!;
          const lineLabel = b ? b.label : 'level';
          return {
            values: { [a.label]: r.now, [lineLabel]: line },
            ...distanceStrength(a.scale, r.now, line, direction, rangeAt(series, point), !b),
            text: `${a.label} ${fmt(r.now)} is ${direction} ${b ? `${b.label} ${fmt(line)}` : fmt(line)}`,
          };
        },
      };
    }
    case 'indicator-cross': {
      const a = operand(series, when.indicator);
      const other = when.other;
      const b = typeof other === 'number' ? undefined : operand(series, other);
      const { direction } = when;
      const lineAt = (point: Point) =>
        b ? series.read(b.slot, b.ref, point) : { now: other as number, before: other as number };
      const way = (point: Point) => {
        const ra = series.read(a.slot, a.ref, point);
        const rb = lineAt(point);
        if (!ra || !rb || ra.before === undefined || rb.before === undefined) return undefined;
        return crossing(direction, ra.before, ra.now, rb.before, rb.now);
      };
      return {
        slots: b ? [a.slot, b.slot] : [a.slot],
        test(point) {
          const w = way(point);
          return w === undefined ? undefined : w !== null;
        },
        explain(point) {
          const ra = series.read(a.slot, a.ref, point)!;
          const line = lineAt(point)!.now;
          const w = way(point) ?? 'above';
          return {
            values: { [a.label]: ra.now, [b ? b.label : 'level']: line },
            ...distanceStrength(a.scale, ra.now, line, w, rangeAt(series, point), !b),
            text: b
              ? `${a.label} crossed ${w} ${b.label} (${fmt(ra.now)} vs ${fmt(line)})`
              : `${a.label} crossed ${w} ${fmt(line)} at ${fmt(ra.now)}`,
          };
        },
      };
    }
    case 'volume-spike': {
      const volume = operand(series, VOLUME_REF);
      const average = operand(series, { indicator: 'volume-sma', period: when.period });
      const { multiplier, period } = when;
      /** this candle's volume over the average of the `period` candles before it */
      const ratio = (point: Point): number | undefined => {
        const v = series.read(volume.slot, volume.ref, point);
        const avg = series.read(average.slot, average.ref, point)?.before;
        if (!v || avg === undefined) return undefined;
        return avg > 0 ? v.now / avg : v.now > 0 ? Infinity : 0;
      };
      return {
        slots: [volume.slot, average.slot],
        test(point) {
          const r = ratio(point);
          return r === undefined ? undefined : r >= multiplier;
        },
        explain(point) {
          const r = ratio(point)!;
          const v = series.read(volume.slot, volume.ref, point)!;
          return {
            values: { volume: v.now, [`volume SMA(${period})`]: v.now / r, ratio: r },
            ...excessStrength(r, multiplier, 'volume', `${multiplier}× its average`),
            text: `volume ${r === Infinity ? 'appeared after none' : `${r.toFixed(1)}× its ${period}-candle average`}`,
          };
        },
      };
    }
  }
}

/** One line describing a condition, for the rules list and as the default alert message. */
export function describeCondition(when: Condition, timeframe: string): string {
  if (when.type === 'all-of')
    return when.conditions
      .map((c) => `[${c.timeframe ?? timeframe}] ${describeCondition(c.when, timeframe)}`)
      .join(' and ');
  switch (when.type) {
    case 'price-cross':
      return `close crosses ${crossWords(when.direction)} ${fmt(when.level)}`;
    case 'channel':
      return `close ${when.action === 'enter' ? 'enters' : 'leaves'} ${fmt(when.low)}–${fmt(when.high)}`;
    case 'percent-move':
      return `moves ${when.direction === 'either' ? '±' : when.direction === 'up' ? '+' : '−'}${when.percent}% within ${when.candles} candles`;
    case 'indicator-threshold':
      return `${indicatorLabel(when.indicator)} ${when.direction} ${typeof when.level === 'number' ? fmt(when.level) : indicatorLabel(when.level)}`;
    case 'indicator-cross':
      return `${indicatorLabel(when.indicator)} crosses ${crossWords(when.direction)} ${typeof when.other === 'number' ? fmt(when.other) : indicatorLabel(when.other)}`;
    case 'volume-spike':
      return `volume ≥ ${when.multiplier}× its ${when.period}-candle average`;
  }
}

const crossWords = (d: CrossDirection): string => (d === 'either' ? 'either way through' : d);

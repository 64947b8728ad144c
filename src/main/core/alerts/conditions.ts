import {
  indicatorLabel,
  indicatorScale,
  type IndicatorRef,
  type IndicatorScale,
} from '../../../shared/domain/indicator';
import { CLOSE, HIGH, LOW } from '../../../shared/domain/market';
import type { Condition, SingleCondition } from '../../../shared/domain/rule';
import type { Point, SeriesState, Slot } from './series-state';

/** Why a condition fired: the values it read, its strength 0..1, how that was computed, in words. */
export type Explanation = { values: Record<string, number>; strength: number; basis: string; text: string };

export interface CompiledCondition {
  /** true/false, or undefined while one of its inputs is still warming up */
  test(point: Point): boolean | undefined;
  /** called only after `test` returned true at the same point */
  explain(point: Point): Explanation;
  /** every indicator slot it reads, so unused ones can be dropped */
  readonly slots: readonly Slot[];
}

const CLOSE_REF: IndicatorRef = { indicator: 'price', source: 'close' };
const VOLUME_REF: IndicatorRef = { indicator: 'volume' };

const clamp01 = (x: number): number => (Number.isFinite(x) ? Math.min(1, Math.max(0, x)) : 1);
/** Numbers as a trader reads them: 2 decimals on big prices, 6 significant digits on small ones. */
const fmt = (x: number): string =>
  String(Math.abs(x) >= 1_000 ? Number(x.toFixed(2)) : Number(x.toPrecision(6)));

type Operand = { ref: IndicatorRef; slot: Slot; label: string; scale: IndicatorScale };

function operand(series: SeriesState, ref: IndicatorRef): Operand {
  return { ref, slot: series.slot(ref), label: indicatorLabel(ref), scale: indicatorScale(ref) };
}

/** The candle's high − low: the yardstick for distances on the price scale. */
function candleRange(series: SeriesState, point: Point): number {
  const c = series.candle(point);
  if (!c) return 1;
  const range = c[HIGH] - c[LOW];
  return range > 0 ? range : Math.abs(c[CLOSE]) * 0.001 || 1;
}

const crossed = (
  direction: 'above' | 'below',
  aBefore: number,
  aNow: number,
  bBefore: number,
  bNow: number,
) => (direction === 'above' ? aBefore <= bBefore && aNow > bNow : aBefore >= bBefore && aNow < bNow);

/** How far past the line a value is, 0..1, on the scale both live on. */
function distanceStrength(
  scale: IndicatorScale,
  value: number,
  line: number,
  direction: 'above' | 'below',
  range: number,
  lineIsFixed: boolean,
): { strength: number; basis: string } {
  const past = direction === 'above' ? value - line : line - value;
  if (scale === 'oscillator' && lineIsFixed) {
    const room = direction === 'above' ? 100 - line : line;
    return {
      strength: clamp01(room > 0 ? past / room : 1),
      basis: `share of the way from ${fmt(line)} to ${direction === 'above' ? 100 : 0} the value went`,
    };
  }
  if (scale === 'oscillator')
    return { strength: clamp01(past / 10), basis: 'gap between the two lines in points, 10 points = 1' };
  if (scale === 'volume')
    return {
      strength: clamp01(Math.abs(line) > 0 ? past / Math.abs(line) : 1),
      basis: 'gap between the two values as a share of the line (100% or more = 1)',
    };
  return {
    strength: clamp01(past / range),
    basis: "distance past the line as a share of the candle's high−low range (a full range or more = 1)",
  };
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
      let strength = 1;
      for (const p of parts) {
        const e = p.c.explain(pointFor(p.series, point));
        for (const [k, v] of Object.entries(e.values)) values[`${p.tag}${k}`] = v;
        texts.push(`${p.tag}${e.text}`);
        strength = Math.min(strength, e.strength);
      }
      return { values, strength, basis: 'the weakest of its conditions', text: texts.join(' and ') };
    },
  };
}

function compileSingle(when: SingleCondition, series: SeriesState): CompiledCondition {
  switch (when.type) {
    case 'price-cross': {
      const price = operand(series, CLOSE_REF);
      const { direction, level } = when;
      return {
        slots: [price.slot],
        test(point) {
          const r = series.read(price.slot, price.ref, point);
          if (!r || r.before === undefined) return undefined;
          return crossed(direction, r.before, r.now, level, level);
        },
        explain(point) {
          const r = series.read(price.slot, price.ref, point)!;
          return {
            values: { close: r.now, level },
            ...distanceStrength('price', r.now, level, direction, candleRange(series, point), true),
            text: `close crossed ${direction} ${fmt(level)} at ${fmt(r.now)}`,
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
          const strength =
            action === 'enter'
              ? clamp01(Math.min(r.now - low, high - r.now) / ((high - low) / 2))
              : clamp01(Math.max(low - r.now, r.now - high) / candleRange(series, point));
          return {
            values: { close: r.now, low, high },
            strength,
            basis:
              action === 'enter'
                ? 'depth inside the channel: 1 at its middle, 0 at an edge'
                : "distance outside the channel as a share of the candle's high−low range",
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
            strength: clamp01((Math.abs(m) - percent) / percent),
            basis: `how far the move went past ${percent}%, in units of ${percent}% (twice the threshold = 1)`,
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
            ...distanceStrength(a.scale, r.now, line, direction, candleRange(series, point), !b),
            text: `${a.label} ${fmt(r.now)} is ${direction} ${b ? `${b.label} ${fmt(line)}` : fmt(line)}`,
          };
        },
      };
    }
    case 'indicator-cross': {
      const a = operand(series, when.indicator);
      const b = operand(series, when.other);
      const { direction } = when;
      return {
        slots: [a.slot, b.slot],
        test(point) {
          const ra = series.read(a.slot, a.ref, point);
          const rb = series.read(b.slot, b.ref, point);
          if (!ra || !rb || ra.before === undefined || rb.before === undefined) return undefined;
          return crossed(direction, ra.before, ra.now, rb.before, rb.now);
        },
        explain(point) {
          const ra = series.read(a.slot, a.ref, point)!;
          const rb = series.read(b.slot, b.ref, point)!;
          return {
            values: { [a.label]: ra.now, [b.label]: rb.now },
            ...distanceStrength(a.scale, ra.now, rb.now, direction, candleRange(series, point), false),
            text: `${a.label} crossed ${direction} ${b.label} (${fmt(ra.now)} vs ${fmt(rb.now)})`,
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
            strength: clamp01((r - multiplier) / multiplier),
            basis: `how far the volume went past ${multiplier}× its average, in units of ${multiplier}× (twice = 1)`,
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
      return `close crosses ${when.direction} ${fmt(when.level)}`;
    case 'channel':
      return `close ${when.action === 'enter' ? 'enters' : 'leaves'} ${fmt(when.low)}–${fmt(when.high)}`;
    case 'percent-move':
      return `moves ${when.direction === 'either' ? '±' : when.direction === 'up' ? '+' : '−'}${when.percent}% within ${when.candles} candles`;
    case 'indicator-threshold':
      return `${indicatorLabel(when.indicator)} ${when.direction} ${typeof when.level === 'number' ? fmt(when.level) : indicatorLabel(when.level)}`;
    case 'indicator-cross':
      return `${indicatorLabel(when.indicator)} crosses ${when.direction} ${indicatorLabel(when.other)}`;
    case 'volume-spike':
      return `volume ≥ ${when.multiplier}× its ${when.period}-candle average`;
  }
}

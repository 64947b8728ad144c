import type { IndicatorScale } from '../../../shared/domain/indicator';
import { formatValue } from '../../../shared/domain/format-value';

/**
 * How strong a firing is, 0..1, per condition type; each formula is documented in docs/rules.md
 * ("Strength") and returned with its basis in words, which the alert keeps.
 */
export type Strength = { strength: number; basis: string };

/** 0..1; a division by a zero yardstick (infinite) counts as full strength. */
export const clamp01 = (x: number): number => (Number.isFinite(x) ? Math.min(1, Math.max(0, x)) : 1);

/**
 * The yardstick for distances on the price scale: the candle's high − low, or 0.1 % of its close
 * when the candle is flat (1 when even that is 0).
 */
export function candleRange(high: number, low: number, close: number): number {
  const range = high - low;
  return range > 0 ? range : Math.abs(close) * 0.001 || 1;
}

/**
 * A value past a line (a crossing, or a threshold held), on the scale both live on:
 * - oscillator (RSI, Stochastic, StochRSI) against a fixed level: the share of the room left
 *   between the level and the end of the scale it went towards (RSI 25 below 30: 5 / 30);
 * - oscillator against another line: the gap in points, 10 points = 1;
 * - volume scale: the gap as a share of the line (100 % or more = 1);
 * - price scale (price, averages, bands, MACD, ATR, VWAP): the gap as a share of the candle's
 *   high − low range (see candleRange; a full range or more = 1).
 */
export function distanceStrength(
  scale: IndicatorScale,
  value: number,
  line: number,
  direction: 'above' | 'below',
  range: number,
  lineIsFixed: boolean,
): Strength {
  const past = direction === 'above' ? value - line : line - value;
  if (scale === 'oscillator' && lineIsFixed) {
    const room = direction === 'above' ? 100 - line : line;
    return {
      strength: clamp01(room > 0 ? past / room : 1),
      basis: `share of the way from ${formatValue(line)} to ${direction === 'above' ? 100 : 0} the value went`,
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

/** Entering [low, high]: depth inside, 1 at its middle, 0 at an edge. Leaving: distance outside over the candle's range. */
export function channelStrength(
  action: 'enter' | 'exit',
  close: number,
  low: number,
  high: number,
  range: number,
): Strength {
  return action === 'enter'
    ? {
        strength: clamp01(Math.min(close - low, high - close) / ((high - low) / 2)),
        basis: 'depth inside the channel: 1 at its middle, 0 at an edge',
      }
    : {
        strength: clamp01(Math.max(low - close, close - high) / range),
        basis: "distance outside the channel as a share of the candle's high−low range",
      };
}

/**
 * How far past its threshold a move (percent) or a volume ratio (×) went, in units of the
 * threshold: (value − threshold) / threshold, so twice the threshold = 1. `label` is the
 * threshold as shown: "2%", "3×".
 */
export function excessStrength(value: number, threshold: number, what: string, label: string): Strength {
  return {
    strength: clamp01((value - threshold) / threshold),
    basis: `how far the ${what} went past ${label}, in units of ${label} (twice the threshold = 1)`,
  };
}

/** All of several conditions: as strong as the weakest of them. */
export function weakestStrength(parts: readonly number[]): Strength {
  return { strength: Math.min(1, ...parts), basis: 'the weakest of its conditions' };
}

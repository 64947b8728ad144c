import type { IndicatorRef } from '../../../shared/domain/indicator';
import type { Candle } from '../../../shared/domain/market';
import { createIndicator, indicatorKey, readOutput, type CandleIndicator } from './factory';

/**
 * One incremental set of indicators on one series: each closed candle is committed once, in order;
 * a forming candle is computed without committing it. References that differ only in their
 * output (MACD line / signal) share one instance. Values read as numbers, null while warming up
 * (or not finite).
 */
export class SeriesIndicators {
  private readonly instances = new Map<string, CandleIndicator>();
  private readonly keys: string[];
  /** open time of the newest committed candle */
  lastClosed = -Infinity;

  constructor(readonly refs: readonly IndicatorRef[]) {
    this.keys = refs.map(indicatorKey);
    for (const [i, ref] of refs.entries()) {
      if (!this.instances.has(this.keys[i]!)) this.instances.set(this.keys[i]!, createIndicator(ref));
    }
  }

  /** Commits a closed candle (older ones than the last committed are ignored) and returns its values. */
  close(c: Candle): (number | null)[] | null {
    if (c[0] <= this.lastClosed) return null;
    this.lastClosed = c[0];
    return this.read((ind) => ind.close(c));
  }

  /** The values the forming candle would give, without committing it. */
  forming(c: Candle): (number | null)[] | null {
    if (c[0] <= this.lastClosed) return null;
    return this.read((ind) => ind.update(c));
  }

  private read(step: (ind: CandleIndicator) => ReturnType<CandleIndicator['close']>): (number | null)[] {
    const results = new Map<string, ReturnType<CandleIndicator['close']>>();
    for (const [k, ind] of this.instances) results.set(k, step(ind));
    return this.refs.map((ref, j) => {
      const value = results.get(this.keys[j]!);
      const n = value === undefined ? null : readOutput(ref, value);
      return n === null || Number.isFinite(n) ? n : null;
    });
  }
}

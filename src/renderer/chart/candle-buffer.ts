import type { Candle } from '../../shared/domain/market';
import { nextOpenTime, parseTimeframe } from '../../shared/timeframe';

/** Candles that are missing between what the chart holds and what just arrived (open times, inclusive). */
export type MissingRange = { from: number; to: number };

export type ApplyResult = {
  /** candles to hand to the chart's `update`, in order: each replaces the last bar or appends one */
  bars: Candle[];
  /** set when the update skipped candles: the chart fetches them and redraws */
  missing: MissingRange | null;
};

/**
 * The candles one chart holds, oldest first: stored history, the live candles after it, and the
 * forming candle last. Live updates are applied here first so the chart only ever sees bars it can
 * draw with `series.update` (the last bar replaced, or one appended); a hole in the stream is
 * reported rather than drawn as if nothing was missing.
 */
export class CandleBuffer {
  private candles: Candle[] = [];
  /** whether the last candle is still forming */
  private lastForming = false;

  constructor(readonly timeframe: string) {}

  get length(): number {
    return this.candles.length;
  }

  get all(): readonly Candle[] {
    return this.candles;
  }

  get first(): Candle | undefined {
    return this.candles[0];
  }

  get last(): Candle | undefined {
    return this.candles[this.candles.length - 1];
  }

  get formingCandle(): Candle | null {
    return this.lastForming ? (this.last ?? null) : null;
  }

  /** The closed candles only (the forming one left out). */
  closed(): readonly Candle[] {
    return this.lastForming ? this.candles.slice(0, -1) : this.candles;
  }

  reset(history: readonly Candle[]): void {
    this.candles = dedupeSorted(history);
    this.lastForming = false;
  }

  /** Older candles from scroll-back; returns how many were added in front. */
  prepend(older: readonly Candle[]): number {
    const first = this.first?.[0] ?? Infinity;
    const add = dedupeSorted(older).filter((c) => c[0] < first);
    if (add.length > 0) this.candles = add.concat(this.candles);
    return add.length;
  }

  /**
   * Inserts candles fetched for a hole (or anywhere): stored values win over what the chart had,
   * since only closed candles are stored. Returns how many candles were new.
   */
  merge(candles: readonly Candle[]): number {
    if (candles.length === 0) return 0;
    const byTime = new Map<number, Candle>();
    for (const c of this.candles) byTime.set(c[0], c);
    const before = byTime.size;
    const forming = this.formingCandle;
    for (const c of candles) byTime.set(c[0], c);
    this.candles = [...byTime.values()].sort((a, b) => a[0] - b[0]);
    // The forming candle stays forming unless the store now holds it closed.
    this.lastForming =
      forming !== null && this.last?.[0] === forming[0] && !candles.some((c) => c[0] === forming[0]);
    return byTime.size - before;
  }

  /** A live update: newly closed candles (oldest first) and the candle forming after them. */
  apply(closed: readonly Candle[], forming: Candle | null): ApplyResult {
    const bars: Candle[] = [];
    let missing: MissingRange | null = null;
    const put = (c: Candle, isForming: boolean) => {
      const last = this.last;
      if (last && c[0] < last[0]) return; // already held (a replay); older bars cannot be redrawn live
      if (last && c[0] === last[0]) {
        // A closed candle is final: a late forming value for it must not undo that.
        if (!this.lastForming && isForming) return;
        this.candles[this.candles.length - 1] = c;
      } else {
        if (last) {
          const expected = this.lastForming ? last[0] : nextOpenTime(last[0], this.timeframe);
          // The last bar was forming and a later one opened: it closed with values we never saw.
          const from = this.lastForming ? last[0] : expected;
          if (c[0] > expected || this.lastForming) {
            const to = previousOpenTime(c[0], this.timeframe);
            if (to >= from) missing = widen(missing, { from, to });
          }
        }
        this.candles.push(c);
      }
      this.lastForming = isForming;
      bars.push(c);
    };
    for (const c of closed) put(c, false);
    if (forming) put(forming, true);
    return { bars, missing };
  }
}

function widen(a: MissingRange | null, b: MissingRange): MissingRange {
  return a ? { from: Math.min(a.from, b.from), to: Math.max(a.to, b.to) } : b;
}

/** Open time of the candle before `openTime` (the last one a hole can hold). */
function previousOpenTime(openTime: number, timeframe: string): number {
  const { count, unit, ms } = parseTimeframe(timeframe);
  if (unit !== 'M') return openTime - ms;
  const d = new Date(openTime);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() - count, 1);
}

function dedupeSorted(candles: readonly Candle[]): Candle[] {
  const sorted = [...candles].sort((a, b) => a[0] - b[0]);
  const out: Candle[] = [];
  for (const c of sorted) {
    if (out.length > 0 && out[out.length - 1]![0] === c[0]) out[out.length - 1] = c;
    else out.push(c);
  }
  return out;
}

import type { Candle } from '../../../shared/domain/market';
import { alignTime, nextOpenTime } from '../../../shared/timeframe';
import type { BackfillRun, SeriesState } from './series-state';

/** What a rule reads: its own series, and the other timeframes of an all-of. */
export type BarrierBinding = { series: SeriesState; others: readonly SeriesState[] };

/** A close of a rule's own series whose evaluation waits for other timeframes closing at the same instant. */
export type Deferred<B extends BarrierBinding> = {
  binding: B;
  candle: Candle;
  closedAt: number;
  backfill: BackfillRun | null;
  waiting: Set<SeriesState>;
};

/** Whether series `s` holds its candle that closes at `at` (or a later one). */
const closedThrough = (s: SeriesState, at: number): boolean =>
  s.lastClosedTime !== undefined && nextOpenTime(s.lastClosedTime, s.key.timeframe) >= at;

/**
 * Makes all-of rules across timeframes deterministic. When several timeframes close at the same
 * instant (12:00 closes the 1m, 5m and 1h candles), their candles arrive one after the other in an
 * order that depends on the exchange and the network. A rule evaluated as soon as its own candle
 * closed would read the other timeframes before or after their own close depending on that order;
 * here its evaluation waits until every other timeframe that closes at that instant has delivered
 * that candle, then runs once with the closed values of each.
 *
 * Only timeframes that are live (a live update arrived in this run) are waited for: one that is
 * not streaming would hold the rule back for nothing. And the wait ends, with what the other
 * timeframes hold, when the rule's own series moves on to its next candle: a late timeframe delays
 * the rule by at most one of its own periods and never makes it skip a candle.
 */
export class CloseBarrier<B extends BarrierBinding> {
  private readonly pending: Deferred<B>[] = [];

  constructor(private readonly run: (d: Deferred<B>) => void) {}

  /** Defers the evaluation of `b` at its candle closing at `closedAt` if it must wait; false: evaluate now. */
  defer(b: B, candle: Candle, closedAt: number, backfill: BackfillRun | null): boolean {
    if (b.others.length === 0) return false;
    const waiting = new Set(
      b.others.filter(
        (o) =>
          o.liveAt !== undefined &&
          alignTime(closedAt, o.key.timeframe) === closedAt &&
          !closedThrough(o, closedAt),
      ),
    );
    if (waiting.size === 0) return false;
    this.pending.push({ binding: b, candle, closedAt, backfill, waiting });
    return true;
  }

  /** Series `s` committed its candle closing at `closedAt`: runs the evaluations that waited only for it. */
  closed(s: SeriesState, closedAt: number): void {
    if (this.pending.length === 0) return;
    this.release((d) => {
      if (closedAt >= d.closedAt) d.waiting.delete(s);
      return d.waiting.size === 0;
    });
  }

  /** Runs now, with what the other timeframes hold, what waits on `owner`'s close (all when undefined). */
  flush(owner?: SeriesState): void {
    if (this.pending.length === 0) return;
    this.release((d) => owner === undefined || d.binding.series === owner);
  }

  private release(ready: (d: Deferred<B>) => boolean): void {
    const due: Deferred<B>[] = [];
    for (let i = 0; i < this.pending.length;) {
      const d = this.pending[i]!;
      if (ready(d)) {
        due.push(d);
        this.pending.splice(i, 1);
      } else i++;
    }
    for (const d of due) this.run(d);
  }
}

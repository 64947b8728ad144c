import type { Candle, SeriesKey } from '../../../shared/domain/market';
import { alignTime, nextOpenTime, timeframeMs } from '../../../shared/timeframe';
import { openTimeBefore } from './candle-time';
import type { CandleUpdate } from './ports';
import type { FetchRange } from './series-collector';

export type AggregatorOptions = {
  /** open time of the newest stored closed candle of the aggregated series */
  lastClosed?: number | undefined;
  warmupCandles: number;
  /** cap on base candles fetched to warm up a new series (a 4h warm-up of 500 candles is 120,000 1m candles) */
  maxWarmupBaseCandles?: number;
};

/**
 * Builds a timeframe the exchange does not serve from its 1m series, exactly: open of the first
 * minute, highest high, lowest low, close of the last minute, summed volume. It consumes the 1m
 * series' updates, which are already in order and without holes; only at its start does it fetch
 * the 1m candles between its own last stored candle (or a warm-up start) and the first 1m candle it
 * is handed, so its first bucket is never partial.
 */
export class TimeframeAggregator {
  private lastClosed: number | undefined;
  private bucket: Candle | null = null;
  private phase: 'anchoring' | 'syncing' | 'live' = 'anchoring';
  private anchor = 0;
  private fetchedThrough: number | undefined;
  private readonly held: CandleUpdate[] = [];

  constructor(
    readonly key: SeriesKey,
    readonly baseTimeframe: string,
    private readonly opts: AggregatorOptions,
  ) {
    this.lastClosed = opts.lastClosed;
  }

  get isSyncing(): boolean {
    return this.phase !== 'live';
  }

  /** One update of the base (1m) series. */
  onBase(update: CandleUpdate): CandleUpdate[] {
    if (this.phase === 'live') return this.fold(update);
    if (this.phase === 'syncing') {
      this.held.push(update);
      return [];
    }
    const first = update.closed[0] ?? update.forming;
    if (!first) return [];
    this.phase = 'syncing';
    this.anchor = first[0];
    this.held.push(update);
    return this.nextFetch() === null ? this.goLive() : [];
  }

  /** The range of base candles to fetch over REST now, or null. */
  nextFetch(): FetchRange | null {
    if (this.phase !== 'syncing') return null;
    const to = openTimeBefore(this.anchor, this.baseTimeframe);
    let from: number;
    if (this.fetchedThrough !== undefined) from = nextOpenTime(this.fetchedThrough, this.baseTimeframe);
    else if (this.lastClosed !== undefined) from = nextOpenTime(this.lastClosed, this.key.timeframe);
    else {
      const bucketOfAnchor = alignTime(this.anchor, this.key.timeframe);
      const wanted = openTimeBefore(bucketOfAnchor, this.key.timeframe, this.opts.warmupCandles);
      const cap = this.anchor - (this.opts.maxWarmupBaseCandles ?? 5_000) * timeframeMs(this.baseTimeframe);
      // Start on a bucket boundary so the first aggregated candle is whole.
      from = wanted >= cap ? wanted : Math.min(bucketOfAnchor, alignUp(cap, this.key.timeframe));
    }
    if (from > to) return null;
    // Only the start of a series is synced here; with nothing stored it is a warm-up, not a gap.
    return { from, to, reason: this.opts.lastClosed === undefined ? 'warmup' : 'start' };
  }

  /** One REST page of base candles for `range`. */
  applyFetch(range: FetchRange, page: readonly Candle[]): CandleUpdate[] {
    const expectedFrom = this.nextFetch()?.from;
    if (expectedFrom === undefined || range.from !== expectedFrom) return [];
    const inRange = dedupeSorted(page.filter((c) => c[0] >= range.from && c[0] <= range.to));
    const newest = page.reduce((m, c) => Math.max(m, c[0]), -Infinity);
    const complete = page.length === 0 || newest >= range.to || newest < range.from;
    this.fetchedThrough = complete || inRange.length === 0 ? range.to : inRange.at(-1)![0];
    const out = this.fold({ key: this.key, closed: inRange, forming: null, origin: 'backfill' });
    if (this.nextFetch() === null) out.push(...this.goLive());
    return out;
  }

  private goLive(): CandleUpdate[] {
    this.phase = 'live';
    const out: CandleUpdate[] = [];
    for (const update of this.held.splice(0)) out.push(...this.fold(update));
    return out;
  }

  private fold(update: CandleUpdate): CandleUpdate[] {
    const tf = this.key.timeframe;
    const closed: Candle[] = [];
    for (const c of update.closed) {
      const t = alignTime(c[0], tf);
      if (this.lastClosed !== undefined && t <= this.lastClosed) continue;
      if (this.bucket && t > this.bucket[0]) this.close(closed);
      if (this.bucket && t < this.bucket[0]) continue;
      this.bucket = this.bucket ? merge(this.bucket, c) : [t, c[1], c[2], c[3], c[4], c[5]];
      // The last minute of the bucket has closed: the bucket is final now, not when the next opens.
      if (nextOpenTime(c[0], this.baseTimeframe) >= nextOpenTime(t, tf)) this.close(closed);
    }
    let forming: Candle | null = null;
    const f = update.forming;
    if (f) {
      const t = alignTime(f[0], tf);
      if (this.bucket && t > this.bucket[0]) this.close(closed);
      if (this.lastClosed === undefined || t > this.lastClosed)
        forming =
          this.bucket && this.bucket[0] === t ? merge(this.bucket, f) : [t, f[1], f[2], f[3], f[4], f[5]];
    } else if (this.bucket) forming = [...this.bucket];
    if (closed.length === 0 && forming === null) return [];
    return [{ key: this.key, closed, forming, origin: update.origin }];
  }

  private close(into: Candle[]): void {
    if (!this.bucket) return;
    into.push(this.bucket);
    this.lastClosed = this.bucket[0];
    this.bucket = null;
  }
}

function merge(a: Candle, b: Candle): Candle {
  return [a[0], a[1], Math.max(a[2], b[2]), Math.min(a[3], b[3]), b[4], a[5] + b[5]];
}

function alignUp(time: number, tf: string): number {
  const down = alignTime(time, tf);
  return down === time ? down : nextOpenTime(down, tf);
}

function dedupeSorted(candles: Candle[]): Candle[] {
  const byTime = new Map<number, Candle>();
  for (const c of candles) byTime.set(c[0], c);
  return [...byTime.values()].sort((a, b) => a[0] - b[0]);
}

import type { IndicatorRef } from '../../../shared/domain/indicator';
import { seriesId, type Candle, type SeriesKey } from '../../../shared/domain/market';
import {
  createIndicator,
  indicatorKey,
  readOutput,
  type CandleIndicator,
  type IndicatorValue,
} from '../indicators/factory';

/** Closed candles of one series kept for warming new indicators and for lookbacks, packed 6 doubles each. */
export class CandleRing {
  private readonly buf: Float64Array;
  private head = 0;
  private count = 0;

  constructor(private readonly capacity: number) {
    this.buf = new Float64Array(capacity * 6);
  }

  get size(): number {
    return this.count;
  }

  push(c: Candle): void {
    this.buf.set(c, this.head * 6);
    this.head = (this.head + 1) % this.capacity;
    if (this.count < this.capacity) this.count++;
  }

  /** i = 0 is the oldest held candle; negative i counts from the newest (-1). */
  at(i: number): Candle {
    const o = this.offset(i);
    return Array.from(this.buf.subarray(o, o + 6)) as Candle;
  }

  /** one field of a candle without building the tuple */
  field(i: number, field: number): number {
    return this.buf[this.offset(i) + field]!;
  }

  private offset(i: number): number {
    const index = i < 0 ? this.count + i : i;
    const start = (this.head - this.count + this.capacity) % this.capacity;
    return ((start + index) % this.capacity) * 6;
  }
}

/**
 * One indicator instance on one series, shared by every rule that reads it. `prev` and `curr` are
 * its values at the two newest closed candles; the forming value is computed on demand, once per
 * forming update, and only if some rule asks.
 */
export class Slot {
  prev: IndicatorValue | undefined;
  curr: IndicatorValue | undefined;
  private liveVersion = -1;
  private liveValue: IndicatorValue | undefined;

  constructor(
    readonly indicator: CandleIndicator,
    readonly series: SeriesState,
  ) {}

  commit(c: Candle): void {
    this.prev = this.curr;
    this.curr = this.indicator.close(c);
  }

  live(): IndicatorValue | undefined {
    const forming = this.series.forming;
    if (!forming) return this.curr;
    if (this.liveVersion !== this.series.formingVersion) {
      this.liveValue = this.indicator.update(forming);
      this.liveVersion = this.series.formingVersion;
    }
    return this.liveValue;
  }
}

/** Where in a series a rule is being evaluated: at its newest closed candle, or at the forming one. */
export type Point = 'closed' | 'forming';

/** A reference read at a point: the value there and the one before it (for crossings). */
export type Reading = { now: number; before: number | undefined };

/**
 * A backfill under way on a series, from its first update to the next live one. `after`: when the
 * data before it stopped (the last live update of this run, else the close of the newest candle
 * held), or null when the series held nothing yet: the warm-up of a new series, not a gap.
 */
export type BackfillRun = { after: number | null };

export class SeriesState {
  readonly id: string;
  readonly history: CandleRing;
  forming: Candle | null = null;
  /** bumped on every forming update, so slots recompute their live value once */
  formingVersion = 0;
  lastClosedTime: number | undefined;
  /**
   * Since when (epoch ms) rules may fire on this series because it is watched: the moment it
   * joined the watchlist, -Infinity when it was watched before this run, undefined when unknown.
   */
  joinedAt: number | undefined;
  /** when the last live update arrived (the engine's clock) */
  liveAt: number | undefined;
  /** the backfill under way, if any */
  backfill: BackfillRun | null = null;
  private readonly slots = new Map<string, Slot>();

  constructor(
    readonly key: SeriesKey,
    capacity: number,
  ) {
    this.id = seriesId(key);
    this.history = new CandleRing(capacity);
  }

  /** The shared slot for a reference, created and warmed from the held history on first use. */
  slot(ref: IndicatorRef): Slot {
    const k = indicatorKey(ref);
    let slot = this.slots.get(k);
    if (!slot) {
      slot = new Slot(createIndicator(ref), this);
      for (let i = 0; i < this.history.size; i++) slot.commit(this.history.at(i));
      this.slots.set(k, slot);
    }
    return slot;
  }

  /** Drops slots no rule reads any more. */
  retainSlots(keep: ReadonlySet<Slot>): void {
    for (const [k, slot] of this.slots) if (!keep.has(slot)) this.slots.delete(k);
  }

  commit(c: Candle): void {
    for (const slot of this.slots.values()) slot.commit(c);
    this.history.push(c);
    this.lastClosedTime = c[0];
    if (this.forming && this.forming[0] <= c[0]) this.forming = null;
  }

  setForming(c: Candle): void {
    this.forming = c;
    this.formingVersion++;
  }

  /** The candle a point stands for: the newest closed one, or the forming one. */
  candle(point: Point): Candle | undefined {
    if (point === 'forming' && this.forming) return this.forming;
    return this.history.size > 0 ? this.history.at(-1) : undefined;
  }

  /** How many held closed candles come before the point's candle: history indices [0, n). */
  closedBefore(point: Point): number {
    if (point === 'forming' && this.forming) return this.history.size;
    return Math.max(this.history.size - 1, 0);
  }

  read(slot: Slot, ref: IndicatorRef, point: Point): Reading | undefined {
    const forming = point === 'forming' && this.forming !== null;
    const now = forming ? slot.live() : slot.curr;
    if (now === undefined) return undefined;
    const before = forming ? slot.curr : slot.prev;
    return { now: readOutput(ref, now), before: before === undefined ? undefined : readOutput(ref, before) };
  }
}

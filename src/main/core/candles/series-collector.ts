import type { GapReason } from '../../../shared/domain/gap';
import { VOLUME, type Candle, type SeriesKey } from '../../../shared/domain/market';
import { nextOpenTime, openTimeBefore } from './candle-time';
import type { CandleUpdate } from './ports';

/** A range of closed candles to fetch over REST, open times inclusive. */
export type FetchRange = {
  from: number;
  to: number;
  /**
   * `warmup`: a new series with no stored history, not a gap. `confirm`: while receiving, a candle
   * whose period ended without a newer one opening (its last push may not be final) and the
   * intervals after it that nothing was pushed for (no trades, on exchanges that skip them): the
   * exchange's final values, released live; not a gap unless it shows trades we never saw.
   */
  reason: GapReason | 'warmup' | 'confirm';
};

/** Candles with trades found by a `confirm` fetch that no push had shown: a real gap. */
export type ConfirmLoss = { from: number; to: number; count: number };

export type CollectorOptions = {
  /** open time of the newest closed candle already stored (from CandleHistory) */
  lastClosed?: number | undefined;
  /** closed candles to fetch before the first live one when nothing is stored */
  warmupCandles: number;
  /** live candles held while backfilling; past this the oldest are dropped and fetched over REST instead */
  maxPending?: number;
};

type Phase = 'anchoring' | 'syncing' | 'live';

/**
 * Turns raw candle snapshots of one series into final closed candles, in order and without holes.
 *
 * Trust rule: a candle snapshot is trusted only if it arrived on the connection that is current now.
 * Exchanges send cumulative candle snapshots, so the first candle seen on a new connection is
 * complete so far; but the candle that was forming when a connection broke may never have received
 * its last update (ccxt reconnects silently and hands back the partial value). So after a break
 * (start, reconnect, resume, stale, or a jump of more than one period) the collector takes the newest
 * candle of the next batch as its anchor, holds every later live candle back, and asks for
 * everything between the last closed candle and the anchor over REST. Only when that range is
 * applied does it go live again and release the held candles, so downstream never sees a later
 * candle before the hole before it is filled.
 *
 * Finality does not depend on the exchange pushing empty intervals (docs/rules.md, "When a candle
 * closes"): a candle closes when a later one opens, or when its period is over (`boundaryPassed`,
 * driven by the caller's timer) — then it is confirmed over REST, since ccxt hands over no closed
 * flag. A later candle that skips periods on a healthy connection is also a confirm: the skipped
 * periods had no trades unless REST shows some (only then is it a gap, in `takeLoss`). Pure and
 * synchronous: the caller owns the sockets, REST calls and timers.
 */
export class SeriesCollector {
  private lastClosed: number | undefined;
  private forming: Candle | null = null;
  private connection: number | undefined;
  private phase: Phase = 'anchoring';
  private reason: GapReason | 'confirm' = 'start';
  private anchor = 0;
  private pending = new Map<number, Candle>();
  /** filling the warm-up of a new series (later pages of it are not gaps) */
  private warmingUp = false;
  /** confirming over REST: the candle whose period ended, as last pushed (used if REST lacks it) */
  private confirming: Candle | null = null;
  private loss: ConfirmLoss | null = null;
  /**
   * Open time of the forming candle when a socket was adopted: its values are a REST poll's
   * snapshot from inside its period, so they are final only if the socket shows the candle again.
   */
  private polledForming: number | null = null;
  private readonly maxPending: number;

  constructor(
    readonly key: SeriesKey,
    private readonly opts: CollectorOptions,
  ) {
    this.lastClosed = opts.lastClosed;
    this.maxPending = opts.maxPending ?? 10_000;
  }

  /** open time of the newest released closed candle */
  get lastClosedOpenTime(): number | undefined {
    return this.lastClosed;
  }

  get isLive(): boolean {
    return this.phase === 'live';
  }

  /**
   * The oldest open time the next live batch must include: the forming candle (its later updates),
   * the anchor while syncing, or nothing while anchoring (the newest candle is enough).
   */
  get cursor(): number | undefined {
    if (this.phase === 'anchoring') return undefined;
    if (this.phase === 'syncing') return this.anchor;
    if (this.forming) return this.forming[0];
    return this.lastClosed === undefined ? undefined : nextOpenTime(this.lastClosed, this.key.timeframe);
  }

  /** true while a hole must be filled (or a close confirmed) before live candles may flow again */
  get isSyncing(): boolean {
    return this.phase !== 'live';
  }

  /** syncing only to confirm a close while receiving: the stream is still live, not backfilling */
  get isConfirming(): boolean {
    return this.phase === 'syncing' && this.reason === 'confirm';
  }

  /**
   * The newest candle the stream has shown: the forming one as last pushed, else the open time of
   * the last closed one (its values are in the store). Undefined before anything was seen.
   */
  get newestSeen(): { openTime: number; candle: Candle | null } | undefined {
    if (this.forming) return { openTime: this.forming[0], candle: this.forming };
    return this.lastClosed === undefined ? undefined : { openTime: this.lastClosed, candle: null };
  }

  /** open time of the candle still forming, if any (the caller times its period's end) */
  get formingOpenTime(): number | undefined {
    return this.phase === 'live' ? this.forming?.[0] : undefined;
  }

  /**
   * The forming candle's period ended at or before `now` and no later candle opened: close it,
   * confirmed over REST (nextFetch gives the range; later live candles are held until then).
   */
  boundaryPassed(now: number): CandleUpdate[] {
    const forming = this.forming;
    if (this.phase !== 'live' || !forming || nextOpenTime(forming[0], this.key.timeframe) > now) return [];
    if (this.lastClosed === undefined) {
      // nothing before it to hold continuity against: close it as pushed
      this.lastClosed = forming[0];
      this.forming = null;
      return [{ key: this.key, closed: [forming], forming: null, origin: 'live' }];
    }
    this.confirm(forming, nextOpenTime(forming[0], this.key.timeframe), null);
    return [];
  }

  /** The loss a confirm fetch found (candles with trades that no push had shown), once. */
  takeLoss(): ConfirmLoss | null {
    const loss = this.loss;
    this.loss = null;
    return loss;
  }

  /**
   * The connection broke, the machine slept, or the feed went stale: whatever was forming may be
   * partial. The next live batch re-anchors the series. The first reason is kept.
   */
  broken(reason: GapReason): void {
    if (this.phase === 'anchoring') return;
    this.phase = 'anchoring';
    this.reason = reason;
    this.forming = null;
    this.polledForming = null;
    this.confirming = null;
    this.pending.clear();
  }

  /**
   * A planned switch of transport (REST polling back to a websocket that works again): the new
   * connection continues the series as it stands, without the re-anchoring a break needs — the
   * polled candles are REST snapshots, and the socket's first candle is a cumulative snapshot.
   * The candle forming at the switch was last seen by a poll, mid-period: should the socket begin
   * with the next candle, it is confirmed over REST rather than closed with the poll's values (a
   * 1s series once stored such a snapshot, and a rule missed the crossing it hid).
   */
  adopt(connection: number): void {
    this.connection = connection;
    this.polledForming = this.forming?.[0] ?? null;
  }

  /**
   * Candle snapshots read from the exchange's cache on one wake, any order, possibly repeating
   * candles already seen. `connection` identifies the socket they came on.
   */
  live(candles: readonly Candle[], connection: number): CandleUpdate[] {
    if (this.connection !== undefined && connection !== this.connection) this.broken('reconnect');
    this.connection = connection;
    if (candles.length === 0) return [];
    const sorted = isSorted(candles) ? candles : [...candles].sort((a, b) => a[0] - b[0]);
    if (this.phase === 'anchoring') return this.anchorOn(sorted);
    if (this.phase === 'syncing') {
      this.hold(sorted);
      return [];
    }
    return this.advance(sorted);
  }

  /** The range to fetch over REST now, or null when nothing is missing. */
  nextFetch(): FetchRange | null {
    if (this.phase !== 'syncing') return null;
    const to = openTimeBefore(this.anchor, this.key.timeframe);
    if (this.lastClosed === undefined) {
      if (this.opts.warmupCandles <= 0) return null;
      return {
        from: openTimeBefore(this.anchor, this.key.timeframe, this.opts.warmupCandles),
        to,
        reason: 'warmup',
      };
    }
    const from = nextOpenTime(this.lastClosed, this.key.timeframe);
    return from <= to ? { from, to, reason: this.warmingUp ? 'warmup' : this.reason } : null;
  }

  /**
   * One REST page for `range` (as returned by nextFetch). Candles outside the range are ignored.
   * The range is done when the page reaches its end or comes back empty (the exchange has no more
   * candles there, e.g. no trades); otherwise the next nextFetch() continues after the page.
   */
  applyFetch(range: FetchRange, page: readonly Candle[]): CandleUpdate[] {
    const expectedFrom =
      this.lastClosed === undefined ? range.from : nextOpenTime(this.lastClosed, this.key.timeframe);
    // A result for a range that was already applied (a duplicate or out-of-date fetch) changes nothing.
    if (range.from !== expectedFrom) return [];
    const byTime = new Map<number, Candle>();
    let newest = -Infinity;
    for (const c of page) {
      newest = Math.max(newest, c[0]);
      if (c[0] >= range.from && c[0] <= range.to) byTime.set(c[0], c);
    }
    const complete = page.length === 0 || newest >= range.to || newest < range.from;
    const confirmed = this.confirming;
    if (range.reason === 'confirm' && confirmed && complete && !byTime.has(confirmed[0]))
      // REST does not have it (yet): the last push is all there is
      byTime.set(confirmed[0], confirmed);
    const closed = [...byTime.values()].sort((a, b) => a[0] - b[0]);
    const last = closed.at(-1);
    this.lastClosed = complete || !last ? range.to : last[0];
    const out: CandleUpdate[] =
      range.reason === 'confirm' ? this.classifyConfirmed(closed) : this.released(closed, 'backfill');
    if (complete) this.confirming = null;
    if (this.phase === 'syncing' && this.nextFetch() === null) out.push(...this.goLive());
    return out;
  }

  /**
   * Splits a confirm fetch: the candle we saw forming and intervals without trades are live; from
   * the first candle with trades that no push had shown on, candles were lost: backfill, a gap.
   */
  private classifyConfirmed(closed: Candle[]): CandleUpdate[] {
    const seen = this.confirming?.[0];
    const lostAt = closed.findIndex((c) => c[0] !== seen && c[VOLUME] > 0);
    if (lostAt < 0) return this.released(closed, 'live');
    const lost = closed.slice(lostAt);
    const traded = lost.filter((c) => c[VOLUME] > 0);
    this.loss = {
      from: this.loss?.from ?? lost[0]![0],
      to: lost.at(-1)![0],
      count: (this.loss?.count ?? 0) + traded.length,
    };
    return [...this.released(closed.slice(0, lostAt), 'live'), ...this.released(lost, 'backfill')];
  }

  private released(closed: Candle[], origin: CandleUpdate['origin']): CandleUpdate[] {
    return closed.length > 0 ? [{ key: this.key, closed, forming: null, origin }] : [];
  }

  /** Enter a confirm: the candle `forming` (if any) and everything up to `anchor` come from REST. */
  private confirm(forming: Candle | null, anchor: number, held: Candle | null): void {
    this.phase = 'syncing';
    this.reason = 'confirm';
    this.anchor = anchor;
    this.confirming = forming;
    this.forming = null;
    this.pending = held ? new Map([[held[0], held]]) : new Map();
  }

  private anchorOn(sorted: readonly Candle[]): CandleUpdate[] {
    const newest = sorted.at(-1)!;
    if (this.lastClosed !== undefined && newest[0] <= this.lastClosed) return [];
    this.phase = 'syncing';
    this.anchor = newest[0];
    this.pending = new Map([[newest[0], newest]]);
    if (this.lastClosed === undefined) this.warmingUp = true;
    return this.nextFetch() === null ? this.goLive() : [];
  }

  private hold(sorted: readonly Candle[]): void {
    for (const c of sorted) if (c[0] >= this.anchor) this.pending.set(c[0], c);
    while (this.pending.size > this.maxPending) {
      const oldest = this.pending.keys().next().value!;
      this.pending.delete(oldest);
      // The dropped candle is now part of the REST range instead.
      this.anchor = this.pending.keys().next().value!;
    }
  }

  private goLive(): CandleUpdate[] {
    this.phase = 'live';
    this.warmingUp = false;
    this.forming = null;
    const held = [...this.pending.values()].sort((a, b) => a[0] - b[0]);
    this.pending.clear();
    return this.advance(held);
  }

  private advance(sorted: readonly Candle[]): CandleUpdate[] {
    const tf = this.key.timeframe;
    const closed: Candle[] = [];
    let touched = false;
    for (const c of sorted) {
      const t = c[0];
      if (this.phase !== 'live') {
        if (t >= this.anchor) this.pending.set(t, c);
        continue;
      }
      if (this.lastClosed !== undefined && t <= this.lastClosed) continue;
      const forming = this.forming;
      if (forming === null) {
        if (this.lastClosed === undefined || t === nextOpenTime(this.lastClosed, tf)) {
          this.forming = c;
          touched = true;
          continue;
        }
      } else if (t === forming[0]) {
        this.forming = c;
        this.polledForming = null;
        touched = true;
        continue;
      } else if (t < forming[0]) {
        continue;
      } else if (t === nextOpenTime(forming[0], tf) && this.polledForming !== forming[0]) {
        closed.push(forming);
        this.lastClosed = forming[0];
        this.forming = c;
        touched = true;
        continue;
      }
      // A later candle skipping periods on the connection we trust: the skipped periods had no
      // trades (many exchanges push nothing then), and the forming candle may not have received its
      // last update. Confirm both over REST; only trades we never saw make it a gap. (The next
      // candle after a polled one the adopted socket never showed comes here too.)
      this.polledForming = null;
      if (this.lastClosed === undefined) {
        this.phase = 'syncing';
        this.reason = 'jump';
        this.anchor = t;
        this.forming = null;
        this.pending = new Map([[t, c]]);
      } else this.confirm(forming, t, c);
    }
    if (!touched && closed.length === 0) return [];
    return [{ key: this.key, closed, forming: this.phase === 'live' ? this.forming : null, origin: 'live' }];
  }
}

function isSorted(candles: readonly Candle[]): boolean {
  for (let i = 1; i < candles.length; i++) if (candles[i]![0] < candles[i - 1]![0]) return false;
  return true;
}

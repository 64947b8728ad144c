import { seriesId, type Candle, type SeriesKey } from '../../../shared/domain/market';
import type { StoredRule } from '../../../shared/domain/rule';
import type { WatchItem } from '../../../shared/domain/settings';
import { nextOpenTime } from '../../../shared/timeframe';
import type { CandleUpdate } from '../candles/ports';
import type { Logger } from '../base/log';
import { CloseBarrier } from './close-barrier';
import { compileCondition, type CompiledCondition, type Explanation } from './conditions';
import { ruleIsArmable, ruleTargets } from './rule-needs';
import { SeriesState, type BackfillRun, type Point, type Slot } from './series-state';

/** What a trigger mode remembers for one rule on one series (persisted by the alert service). */
export type RuleSeriesState = { armed: boolean; lastCandleTime: number | null };

export type RuleStateStore = {
  load(ruleId: number, key: SeriesKey): RuleSeriesState | undefined;
  save(ruleId: number, key: SeriesKey, state: RuleSeriesState): void;
};

/** A rule that fired: handed to the sink, which stores it before anyone is told. */
export type Firing = {
  rule: StoredRule;
  key: SeriesKey;
  candle: Candle;
  point: Point;
  explanation: Explanation;
  /** from candles backfilled after a gap the rule was armed through: stored as missed, summarised, not shouted */
  missed: boolean;
  /** the rule's state on this series after the firing, to persist with the alert */
  state: RuleSeriesState;
};

/** Closed candles opening before `before` (all newest when undefined), oldest first. */
export type HistoryLoader = (key: SeriesKey, before: number | undefined, limit: number) => Candle[];

export type RuleEngineOptions = {
  onFire(firing: Firing): void;
  state: RuleStateStore;
  history?: HistoryLoader;
  log: Logger;
  now(): number;
  /**
   * false for a backtest: every series counts as streamed all along (no join time arms the rules
   * later), so a replay of stored history fires wherever the rule holds
   */
  trackJoins?: boolean;
};

/**
 * Closed candles kept per series: more than the longest percent-move lookback (500 + 1). Windowed
 * indicators are exact once they hold their period; an EMA(200) warmed over 1,000 candles is within
 * 0.03 % of one computed over all history.
 */
export const SERIES_DEPTH = 1_000;

type Binding = {
  rule: StoredRule;
  series: SeriesState;
  /** other timeframes an all-of reads (see CloseBarrier) */
  others: readonly SeriesState[];
  condition: CompiledCondition;
  state: RuleSeriesState;
};

const FRESH: RuleSeriesState = { armed: true, lastCandleTime: null };

/**
 * Evaluates rules as candles arrive. Indicators live per series and are shared by every rule that
 * reads them; each rule is bound to every series it targets (one symbol, a list, or the
 * watchlist). Evaluation is synchronous, so a firing is stored before `onCandles` returns.
 *
 * A rule is armed on a series from the later of its `activeSince` (created, edited, re-enabled)
 * and the moment the series started streaming (it joined the watchlist, or a rule began to read
 * it: the feed streams both); candles closing before that only warm the
 * indicators. Backfilled candles fire as missed only for a rule that was armed while data still
 * flowed before the backfill (a gap: disconnect, sleep, the app closed). Other backfilled firings,
 * in the warm-up of a series that joined or for a rule armed after its data had stopped (seeded at
 * start-up before the stream went live), are live alerts, late by the time the backfill took.
 */
export class RuleEngine {
  private readonly series = new Map<string, SeriesState>();
  private bindings = new Map<string, Binding[]>();
  private current: StoredRule[] = [];
  private watchlist: readonly WatchItem[] = [];
  /** streamed series (seriesId: the watchlist's and those the rules read) → SeriesState.joinedAt */
  private readonly joined = new Map<string, number>();
  /** series the enabled rules read, every leg included (the feed streams them too) */
  private ruleSeries = new Map<string, SeriesKey>();
  private watchlistKnown = false;
  private rulesKnown = false;
  /** until the first watchlist and rules are in, a series with stored candles was streamed before */
  private starting = true;
  /** when the bindings were last rebuilt (undefined before the first) */
  private rebuiltAt: number | undefined;
  /** per-binding state, kept across rebuilds while the rule's activeSince is unchanged */
  private readonly states = new Map<string, { activeSince: number; state: RuleSeriesState }>();
  /** all-of rules wait here for their other timeframes closing at the same instant */
  private readonly barrier = new CloseBarrier<Binding>((d) =>
    this.evaluate(d.binding, 'closed', d.candle, d.closedAt, d.backfill),
  );

  constructor(private readonly opts: RuleEngineOptions) {}

  /** every rule given, enabled or not */
  get rules(): readonly StoredRule[] {
    return this.current;
  }

  setRules(rules: readonly StoredRule[]): void {
    this.current = [...rules];
    this.rulesKnown = true;
    this.rebuild();
  }

  /**
   * The watchlist, whose series the feed collects. Rules with `watchlist: true` target its symbols;
   * its series join the streamed set (see refreshJoined).
   */
  setWatchlist(items: readonly WatchItem[]): void {
    this.watchlistKnown = true;
    this.watchlist = items;
    if (this.current.some((r) => r.rule.watchlist)) this.rebuild();
    else this.refreshJoined();
  }

  /** Closed candles held for a series (what a rule's warm-up counts), 0 for one never seen. */
  heldCandles(key: SeriesKey): number {
    return this.series.get(seriesId(key))?.history.size ?? 0;
  }

  /**
   * A series in the first watchlist and rules given joins now if the store holds none of its
   * candles (it was never streamed) and counts as streamed before otherwise; a series added later
   * joins when it is added, and again if removed and re-added.
   */
  private refreshJoined(): void {
    if (this.opts.trackJoins === false) return;
    const now = this.opts.now();
    const next = new Map<string, number>();
    const add = (key: SeriesKey) => {
      const id = seriesId(key);
      if (next.has(id)) return;
      const known = this.joined.get(id);
      next.set(id, known ?? (!this.starting || !this.hasStoredCandles(key) ? now : -Infinity));
    };
    for (const item of this.watchlist)
      for (const timeframe of item.timeframes)
        add({ exchange: item.exchange, symbol: item.symbol, timeframe });
    for (const key of this.ruleSeries.values()) add(key);
    this.joined.clear();
    for (const [id, at] of next) this.joined.set(id, at);
    for (const s of this.series.values()) s.joinedAt = this.joined.get(s.id);
    if (this.watchlistKnown && this.rulesKnown) this.starting = false;
  }

  onCandles(u: CandleUpdate): void {
    // Only series some rule reads have a state (rebuild creates them, warmed from the store): at
    // 1,000 streams a 1,000-candle ring for every streamed series was 48 MB, and each one's first
    // update read 1,000 stored candles, for series no rule looked at.
    const s = this.series.get(seriesId(u.key));
    if (!s) return;
    const first = u.closed[0]?.[0] ?? u.forming?.[0];
    // A series bound to a rule before the store held anything of it (a cluster node binds every
    // rule at start, then takes a stream over and copies its shared history in) warms up from the
    // store when its data begins, so a backfill knows where the data stopped.
    if (s.lastClosedTime === undefined && first !== undefined) this.warmFromStore(s, first);
    const bindings = this.bindings.get(s.id);
    if (u.origin === 'live') {
      s.liveAt = this.opts.now();
      s.backfill = null;
    } else {
      s.backfill ??= {
        after:
          s.liveAt ??
          (s.lastClosedTime === undefined ? null : nextOpenTime(s.lastClosedTime, s.key.timeframe)),
      };
    }
    for (const c of u.closed) {
      // A candle at or before the newest one seen is a replay (reconnect, re-fetch): already counted.
      if (s.lastClosedTime !== undefined && c[0] <= s.lastClosedTime) continue;
      // Rules still waiting on this series' previous close run before it moves on.
      this.barrier.flush(s);
      s.commit(c);
      const closedAt = nextOpenTime(c[0], u.key.timeframe);
      this.barrier.closed(s, closedAt);
      if (!bindings) continue;
      for (const b of bindings)
        if (!this.barrier.defer(b, c, closedAt, s.backfill))
          this.evaluate(b, 'closed', c, closedAt, s.backfill);
    }
    const forming = u.forming;
    if (forming && (s.lastClosedTime === undefined || forming[0] > s.lastClosedTime)) {
      s.setForming(forming);
      if (bindings) {
        const now = this.opts.now();
        for (const b of bindings)
          if (b.rule.rule.evaluate === 'intrabar') this.evaluate(b, 'forming', forming, now, null);
      }
    }
  }

  /** `at`: when the candle closed, or now for the forming one; `backfill`: the run it came in, if any */
  private evaluate(b: Binding, point: Point, candle: Candle, at: number, backfill: BackfillRun | null): void {
    const { rule } = b.rule;
    // Candles that closed before the rule was armed on this series (created, edited, re-enabled,
    // or the series joined the watchlist) only warm its indicators.
    const armedSince = Math.max(b.rule.activeSince, b.series.joinedAt ?? -Infinity);
    if (at <= armedSince) return;
    if (rule.expiresAt !== null && at > rule.expiresAt) return;
    let active: boolean | undefined;
    try {
      active = b.condition.test(point);
    } catch (err) {
      this.opts.log.error(`rule ${b.rule.id} "${rule.name}" failed to evaluate`, { error: err });
      return;
    }
    if (active === undefined) return;
    const { state } = b;
    if (!active) {
      if (rule.trigger === 'rearm' && !state.armed) this.rearm(b);
      return;
    }
    const last = state.lastCandleTime;
    if (last === candle[0]) return;
    switch (rule.trigger) {
      case 'once':
        if (last !== null) return;
        break;
      case 'every-time':
        if (last !== null && candle[0] - last < rule.cooldownSeconds * 1_000) return;
        break;
      case 'rearm':
        if (!state.armed) return;
        break;
      case 'once-per-bar':
        break;
    }
    const next: RuleSeriesState = {
      armed: rule.trigger === 'rearm' ? false : state.armed,
      // never backwards: a replayed older candle must not reopen a cooldown that a later one closed
      lastCandleTime: Math.max(candle[0], last ?? candle[0]),
    };
    const missed = backfill !== null && this.missedIn(backfill, armedSince, b.series);
    try {
      const explanation = b.condition.explain(point);
      this.setState(b, next);
      this.opts.onFire({ rule: b.rule, key: b.series.key, candle, point, explanation, missed, state: next });
    } catch (err) {
      // Not stored: forget the firing so the next evaluation of this candle tries again.
      this.setState(b, state);
      this.opts.log.error(`rule ${b.rule.id} "${rule.name}" fired but could not be recorded`, { error: err });
    }
  }

  /**
   * Whether a firing from a backfill is one the user missed: the rule was armed while data still
   * flowed, then the data stopped (disconnect, sleep, the app closed). A warm-up (the series held
   * nothing) is no gap when the engine saw the series join; without that it cannot tell (a series
   * outside the watchlist) and keeps to the safe side: missed, never shouted.
   */
  private missedIn(run: BackfillRun, armedSince: number, s: SeriesState): boolean {
    if (run.after === null) return s.joinedAt === undefined || s.joinedAt === -Infinity;
    return armedSince < run.after;
  }

  /** Whether the store holds a closed candle of the series; without a store, assume it does. */
  private hasStoredCandles(key: SeriesKey): boolean {
    if (!this.opts.history) return true;
    try {
      return this.opts.history(key, undefined, 1).length > 0;
    } catch (err) {
      this.opts.log.warn(`could not read stored candles of ${seriesId(key)}`, { error: err });
      return true;
    }
  }

  private rearm(b: Binding): void {
    const next = { ...b.state, armed: true };
    try {
      this.opts.state.save(b.rule.id, b.series.key, next);
      this.setState(b, next);
    } catch (err) {
      // Stays disarmed in memory too, so memory never claims what the store does not hold.
      this.opts.log.error(`rule ${b.rule.id} "${b.rule.rule.name}" could not be re-armed`, { error: err });
    }
  }

  private setState(b: Binding, state: RuleSeriesState): void {
    b.state = state;
    this.states.set(bindingKey(b.rule.id, b.series.id), { activeSince: b.rule.activeSince, state });
  }

  private rebuild(): void {
    // Evaluations waiting for other timeframes run with the bindings they were made for.
    this.barrier.flush();
    const next = new Map<string, Binding[]>();
    const used = new Map<SeriesState, Set<Slot>>();
    const now = this.opts.now();
    const live = new Set<string>();
    const ruleSeries = new Map<string, SeriesKey>();
    const fresh: SeriesState[] = [];
    for (const stored of this.current) {
      const { rule } = stored;
      if (!ruleIsArmable(stored, now)) continue;
      for (const symbol of ruleTargets(rule, this.watchlist)) {
        const key: SeriesKey = { exchange: rule.exchange, symbol, timeframe: rule.timeframe };
        const series = this.seriesFor(key, undefined, fresh);
        const condition = compileCondition(rule.when, series, (timeframe) =>
          this.seriesFor({ ...key, timeframe }, undefined),
        );
        ruleSeries.set(series.id, series.key);
        for (const slot of condition.slots) {
          ruleSeries.set(slot.series.id, slot.series.key);
          let set = used.get(slot.series);
          if (!set) used.set(slot.series, (set = new Set()));
          set.add(slot);
        }
        const k = bindingKey(stored.id, series.id);
        live.add(k);
        const cached = this.states.get(k);
        const state =
          cached && cached.activeSince === stored.activeSince
            ? cached.state
            : (this.opts.state.load(stored.id, key) ?? FRESH);
        this.states.set(k, { activeSince: stored.activeSince, state });
        let list = next.get(series.id);
        if (!list) next.set(series.id, (list = []));
        list.push({ rule: stored, series, others: condition.others ?? [], condition, state });
      }
    }
    for (const k of this.states.keys()) if (!live.has(k)) this.states.delete(k);
    for (const [id, s] of this.series) {
      // a series no rule reads any more is dropped; a rule that reads it again warms it from the store
      if (!ruleSeries.has(id)) this.series.delete(id);
      else s.retainSlots(used.get(s) ?? new Set());
    }
    this.bindings = next;
    this.ruleSeries = ruleSeries;
    this.refreshJoined();
    const previousRebuild = this.rebuiltAt;
    this.rebuiltAt = now;
    for (const s of fresh) this.catchUp(s, previousRebuild);
  }

  /**
   * The state of a series, created on first sight and filled from the store. With `fresh`, a
   * series created now is listed there unfilled, for `catchUp` once its bindings exist.
   */
  private seriesFor(key: SeriesKey, firstOpenTime: number | undefined, fresh?: SeriesState[]): SeriesState {
    const id = seriesId(key);
    let s = this.series.get(id);
    if (s) return s;
    s = new SeriesState(key, SERIES_DEPTH);
    s.joinedAt = this.joined.get(id);
    this.series.set(id, s);
    if (fresh) fresh.push(s);
    else this.warmFromStore(s, firstOpenTime);
    return s;
  }

  /**
   * Fills a series a rule has just begun to read. Its candles reached the store but not this
   * engine, which keeps no state for series no rule reads (onCandles), so a candle that closed
   * between the rule's save (`activeSince`) and this binding was only warm-up: a crossing there was
   * never evaluated (seen as a missing first alert on a 1s series already streaming). Those candles
   * are evaluated as they would have been live, late by the time the binding took; older ones only
   * warm. Only the span since the previous rebuild can hold such candles: a series kept bound all
   * along had its state, and at start-up nothing is caught up (stored candles were seen before).
   */
  private catchUp(s: SeriesState, previousRebuild: number | undefined): void {
    const candles = this.storedCandles(s, undefined);
    const bindings = this.bindings.get(s.id) ?? [];
    const armed = Math.min(...bindings.map((b) => Math.max(b.rule.activeSince, s.joinedAt ?? -Infinity)));
    const from = previousRebuild === undefined || this.starting ? Infinity : Math.max(armed, previousRebuild);
    const late = candles.findIndex((c) => nextOpenTime(c[0], s.key.timeframe) > from);
    for (const c of late < 0 ? candles : candles.slice(0, late)) s.commit(c);
    if (late >= 0) this.onCandles({ key: s.key, closed: candles.slice(late), forming: null, origin: 'live' });
  }

  private warmFromStore(s: SeriesState, before: number | undefined): void {
    for (const c of this.storedCandles(s, before)) s.commit(c);
  }

  private storedCandles(s: SeriesState, before: number | undefined): Candle[] {
    if (!this.opts.history) return [];
    try {
      return this.opts.history(s.key, before, SERIES_DEPTH);
    } catch (err) {
      this.opts.log.warn(`could not load stored candles of ${s.id}; indicators warm up live`, { error: err });
      return [];
    }
  }
}

const bindingKey = (ruleId: number, series: string) => `${ruleId}\u0000${series}`;

import { seriesId, type SeriesKey } from '../../../shared/domain/market';
import type { StoredRule } from '../../../shared/domain/rule';
import type { RuleReadiness } from '../../../shared/domain/rule-readiness';
import type { WatchItem } from '../../../shared/domain/settings';
import type { StreamInfo } from '../../../shared/domain/stream';
import type { EventHub } from '../events';
import { ruleSeriesNeeds } from './rule-needs';

export type ReadinessInputs = {
  watchlist: readonly WatchItem[];
  /** the last state the feed reported for a stream id, if any */
  stream(id: string): StreamInfo | undefined;
  /** closed candles the engine holds for a series */
  held(key: SeriesKey): number;
  /** most closed candles the engine keeps per series: a warm-up never needs more */
  depth: number;
  now: number;
  /**
   * One collector of several (core/cluster): true when another node holds the series' stream, and so
   * collects it and evaluates the rules on it. Such a leg is neither waited for nor warmed up here.
   */
  elsewhere?(key: SeriesKey): boolean;
};

const label = (key: SeriesKey) => `${key.symbol} ${key.timeframe}`;

/** Why a stream that is not delivering is quiet, in the words the streams panel uses. */
function waitingFor(key: SeriesKey, info: StreamInfo | undefined): string {
  if (!info) return `${label(key)}: the stream is starting`;
  const why = info.lastError ? `: ${info.lastError.message}` : '';
  switch (info.state) {
    case 'connecting':
      return `${label(key)}: connecting`;
    case 'reconnecting':
      return `${label(key)}: reconnecting${why}`;
    case 'stale':
      return `${label(key)}: no data${why}`;
    default:
      return `${label(key)}: the stream is ${info.state}`;
  }
}

const FLOWING = new Set(['live', 'polling', 'backfilling']);

/** The readiness of one rule from the streams and warm-up of every series it reads. */
export function ruleReadiness(stored: StoredRule, inputs: ReadinessInputs): RuleReadiness {
  const { rule } = stored;
  const none = { have: null, need: null };
  if (!rule.enabled) return { state: 'off', ...none, reason: 'disabled' };
  if (rule.expiresAt !== null && rule.expiresAt <= inputs.now)
    return { state: 'off', ...none, reason: 'expired' };
  const needs = ruleSeriesNeeds(rule, inputs.watchlist);
  if (needs.length === 0)
    return { state: 'waiting', ...none, reason: `no ${rule.exchange} symbol on the watchlist` };
  const here = inputs.elsewhere ? needs.filter((n) => !inputs.elsewhere!(n.key)) : needs;
  if (here.length === 0)
    return {
      state: 'waiting',
      ...none,
      reason: `${label(needs[0]!.key)}: another node of the cluster collects it and evaluates this rule`,
    };
  let waiting: string | null = null;
  let warming: { have: number; need: number; key: SeriesKey } | null = null;
  for (const { key, candles } of here) {
    const info = inputs.stream(seriesId(key));
    if (info?.state === 'error')
      return {
        state: 'error',
        ...none,
        reason: `${label(key)}: ${info.lastError?.message ?? 'the stream failed'}`,
      };
    if (!info || !FLOWING.has(info.state)) {
      waiting ??= waitingFor(key, info);
      continue;
    }
    const need = Math.min(candles, inputs.depth);
    const have = Math.min(inputs.held(key), need);
    if (have < need && (!warming || have / need < warming.have / warming.need)) warming = { have, need, key };
  }
  if (waiting) return { state: 'waiting', ...none, reason: waiting };
  if (warming)
    return {
      state: 'warming-up',
      have: warming.have,
      need: warming.need,
      reason: `${label(warming.key)}: ${warming.have} of ${warming.need} candles`,
    };
  return { state: 'armed', ...none, reason: null };
}

const same = (a: RuleReadiness, b: RuleReadiness | undefined) =>
  !!b && a.state === b.state && a.have === b.have && a.need === b.need && a.reason === b.reason;

/**
 * Keeps every rule's readiness current: follows stream states through the event hub, re-reads the
 * warm-up as candles arrive, and emits `rules:readiness-changed` with the rules that changed, at
 * most once per `intervalMs`.
 */
export class ReadinessTracker {
  private readonly streams = new Map<string, StreamInfo>();
  private readonly last = new Map<number, RuleReadiness>();
  private rules: readonly StoredRule[] = [];
  private timer: ReturnType<typeof setTimeout> | undefined;
  private readonly unsubscribe: () => void;

  constructor(
    private readonly opts: {
      events: EventHub;
      watchlist(): readonly WatchItem[];
      held(key: SeriesKey): number;
      depth: number;
      now(): number;
      intervalMs?: number;
      elsewhere?(key: SeriesKey): boolean;
    },
  ) {
    this.unsubscribe = opts.events.subscribe((event, payload) => {
      if (event !== 'stream:state-changed') return;
      const info = payload as StreamInfo;
      if (info.kind !== 'candles') return;
      this.streams.set(info.id, info);
      this.schedule();
    });
  }

  setRules(rules: readonly StoredRule[]): void {
    this.rules = rules;
    const ids = new Set(rules.map((r) => r.id));
    for (const id of this.last.keys()) if (!ids.has(id)) this.last.delete(id);
    this.schedule();
  }

  /** candles arrived: a rule warming up may have progressed */
  candlesArrived(): void {
    if (this.timer) return;
    for (const r of this.last.values())
      if (r.state === 'warming-up') {
        this.schedule();
        return;
      }
  }

  /** the readiness of one rule now */
  of(stored: StoredRule): RuleReadiness {
    return ruleReadiness(stored, this.inputs());
  }

  stop(): void {
    this.unsubscribe();
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private inputs(): ReadinessInputs {
    return {
      watchlist: this.opts.watchlist(),
      stream: (id) => this.streams.get(id),
      held: this.opts.held,
      depth: this.opts.depth,
      now: this.opts.now(),
      elsewhere: this.opts.elsewhere,
    };
  }

  private schedule(): void {
    this.timer ??= setTimeout(() => {
      this.timer = undefined;
      this.flush();
    }, this.opts.intervalMs ?? 250);
    this.timer.unref?.();
  }

  /** emits the rules whose readiness changed since last told */
  flush(): void {
    const inputs = this.inputs();
    const changed: { id: number; readiness: RuleReadiness }[] = [];
    for (const stored of this.rules) {
      const r = ruleReadiness(stored, inputs);
      if (same(r, this.last.get(stored.id))) continue;
      this.last.set(stored.id, r);
      changed.push({ id: stored.id, readiness: r });
    }
    if (changed.length > 0) this.opts.events.emit('rules:readiness-changed', { rules: changed });
  }
}

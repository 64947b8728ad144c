import { RuleEngine, type Firing, type RuleSeriesState } from '../../../src/main/core/alerts/rule-engine';
import { silentLogger } from '../../../src/main/core/base/log';
import { seriesId, type Candle, type SeriesKey } from '../../../src/shared/domain/market';
import type { z } from 'zod';
import {
  ruleSchema,
  type indicatorThresholdSchema,
  type RuleInput,
  type StoredRule,
} from '../../../src/shared/domain/rule';
import type { WatchItem } from '../../../src/shared/domain/settings';
import { timeframeMs } from '../../../src/shared/timeframe';
import * as ref from '../indicators/reference';

/** Monday 2025-01-06 00:00 UTC: every test series starts here. */
export const T0 = Date.UTC(2025, 0, 6);
export const MIN = 60_000;
export const BTC: SeriesKey = { exchange: 'binance', symbol: 'BTC/USDT', timeframe: '1m' };

/** The candle `i` periods after T0 on `timeframe`, closing at `close` (OHLC around it unless given). */
export function bar(
  i: number,
  close: number,
  o: { open?: number; high?: number; low?: number; volume?: number; timeframe?: string } = {},
): Candle {
  const open = o.open ?? close;
  return [
    T0 + i * timeframeMs(o.timeframe ?? '1m'),
    open,
    o.high ?? Math.max(open, close),
    o.low ?? Math.min(open, close),
    close,
    o.volume ?? 100,
  ];
}

export const bars = (closes: readonly number[], from = 0, timeframe = '1m'): Candle[] =>
  closes.map((c, i) => bar(from + i, c, { timeframe }));

/** "The close is above `level`": a threshold, true on every such candle (unlike a price cross). */
export const priceAbove = (level: number): z.input<typeof indicatorThresholdSchema> => ({
  type: 'indicator-threshold',
  indicator: { indicator: 'price' },
  direction: 'above',
  level,
});

/** "RSI(14) crosses below 30" */
export const RSI_BELOW_30 = {
  type: 'indicator-cross',
  indicator: { indicator: 'rsi' },
  direction: 'below',
  other: 30,
} as const;

/** A 600-candle random walk from T0 and the RSI(14) of its closes, computed from scratch. */
export function rsiWalk(seed = 7): { walk: Candle[]; rsi: ref.Series } {
  const walk = ref.walk(600, seed, T0);
  return {
    walk,
    rsi: ref.rsi(
      walk.map((c) => c[4]),
      14,
    ),
  };
}

const base = { name: 'test rule', exchange: 'binance', symbol: 'BTC/USDT', timeframe: '1m' };

/** A stored rule, active since the epoch so every test candle may fire it. */
export function storedRule(input: Partial<RuleInput> & Pick<RuleInput, 'when'>, id = 1): StoredRule {
  return {
    id,
    rule: ruleSchema.parse({ ...base, name: `rule ${id}`, ...input }),
    source: 'user',
    createdAt: 0,
    updatedAt: 0,
    activeSince: 0,
  };
}

/** A rule engine with in-memory state that records what fired. */
export class Harness {
  readonly firings: Firing[] = [];
  readonly states = new Map<string, RuleSeriesState>();
  readonly engine: RuleEngine;
  now = T0;

  constructor(
    rules: StoredRule[],
    opts: {
      history?: (key: SeriesKey) => Candle[];
      watchlist?: WatchItem[];
      /** trigger state as a previous run left it in the store */
      states?: ReadonlyMap<string, RuleSeriesState>;
      /** runs before a firing is recorded, and may throw like a failing store */
      beforeRecord?: (f: Firing) => void;
      /** the clock when the engine starts and is given the watchlist and rules (default T0) */
      now?: number;
    } = {},
  ) {
    this.now = opts.now ?? T0;
    for (const [k, v] of opts.states ?? []) this.states.set(k, v);
    this.engine = new RuleEngine({
      log: silentLogger(),
      now: () => this.now,
      // like the alert service: the firing and the rule's new state are stored together
      onFire: (f) => {
        opts.beforeRecord?.(f);
        this.firings.push(f);
        this.states.set(`${f.rule.id}|${seriesId(f.key)}`, f.state);
      },
      history:
        opts.history &&
        ((key, before) => opts.history!(key).filter((c) => before === undefined || c[0] < before)),
      state: {
        load: (id, key) => this.states.get(`${id}|${seriesId(key)}`),
        save: (id, key, s) => this.states.set(`${id}|${seriesId(key)}`, s),
      },
    });
    if (opts.watchlist) this.engine.setWatchlist(opts.watchlist);
    this.engine.setRules(rules);
  }

  close(candles: Candle[], key: SeriesKey = BTC, origin: 'live' | 'backfill' = 'live'): this {
    this.engine.onCandles({ key, closed: candles, forming: null, origin });
    return this;
  }

  /** one candle at a time, as a live stream delivers them */
  stream(candles: Candle[], key: SeriesKey = BTC): this {
    for (const c of candles) this.close([c], key);
    return this;
  }

  forming(candle: Candle, key: SeriesKey = BTC): this {
    this.engine.onCandles({ key, closed: [], forming: candle, origin: 'live' });
    return this;
  }

  /** index (periods after T0) of each firing's candle */
  firedAt(timeframe = '1m'): number[] {
    return this.firings.map((f) => (f.candle[0] - T0) / timeframeMs(timeframe));
  }
}

import type { BacktestResult } from '../../../shared/contract/methods/signals';
import { CLOSE, seriesId, type Candle, type SeriesKey } from '../../../shared/domain/market';
import type { Rule, StoredRule } from '../../../shared/domain/rule';
import type { WatchItem } from '../../../shared/domain/settings';
import { nextOpenTime } from '../../../shared/timeframe';
import type { Logger } from '../base/log';
import { alertMessage } from './message-template';
import { RuleEngine, type RuleSeriesState } from './rule-engine';

/** The stored candles a backtest reads (the store's CandleRepository has exactly these). */
export type BacktestCandles = {
  /** candles opening in [from, to], oldest first, at most `limit` */
  range(key: SeriesKey, from: number, to: number, limit: number): Candle[];
  /** the `limit` candles opening before `time`, oldest first */
  before(key: SeriesKey, time: number, limit: number): Candle[];
};

export type BacktestOptions = {
  candles: BacktestCandles;
  watchlist: readonly WatchItem[];
  log: Logger;
  /** firings listed in the result; perDay counts them all (default 5,000) */
  maxFirings?: number;
  /** candles read per series: a year of 1m candles (default 600,000) */
  maxCandlesPerSeries?: number;
};

const CHUNK = 20_000;
const DAY_MS = 86_400_000;
const yieldToLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Runs a rule through the same engine as live over stored candles, one symbol at a time (each in
 * a fresh engine warmed from the candles before the range), yielding to the event loop between
 * chunks so the live engine keeps running during a long backtest.
 */
export async function backtestRule(
  rule: Rule,
  range: { from: number; to: number },
  opts: BacktestOptions,
): Promise<BacktestResult> {
  const maxFirings = opts.maxFirings ?? 5_000;
  const maxCandles = opts.maxCandlesPerSeries ?? 600_000;
  const symbols = rule.symbol
    ? [rule.symbol]
    : (rule.symbols ?? [
        ...new Set(opts.watchlist.filter((w) => w.exchange === rule.exchange).map((w) => w.symbol)),
      ]);
  const timeframes = [
    rule.timeframe,
    ...(rule.when.type === 'all-of' ? rule.when.conditions.map((c) => c.timeframe ?? rule.timeframe) : []),
  ];
  const firings: BacktestResult['firings'] = [];
  const series: BacktestResult['series'] = [];
  let total = 0;
  let truncatedSeries = false;

  for (const symbol of symbols) {
    const single: StoredRule = {
      id: 1,
      rule: { ...rule, symbol, symbols: undefined, watchlist: undefined, enabled: true, expiresAt: null },
      source: 'user',
      createdAt: 0,
      updatedAt: 0,
      activeSince: Number.NEGATIVE_INFINITY,
    };
    const states = new Map<string, RuleSeriesState>();
    const engine = new RuleEngine({
      log: opts.log,
      now: () => range.to,
      history: (key, before, limit) => opts.candles.before(key, before ?? range.from, limit),
      state: {
        load: (_id, key) => states.get(seriesId(key)),
        save: (_id, key, state) => states.set(seriesId(key), state),
      },
      onFire: (f) => {
        total++;
        if (firings.length < maxFirings)
          firings.push({
            ...f.key,
            candleTime: f.candle[0],
            price: f.candle[CLOSE],
            strength: f.explanation.strength,
            message: alertMessage(f),
            values: Object.fromEntries(
              Object.entries(f.explanation.values).filter(([, v]) => Number.isFinite(v)),
            ),
          });
      },
    });
    engine.setRules([single]);

    // Every series the rule reads, merged in the order their candles closed; on a tie the other
    // timeframes go first, so the rule's own candle sees them closed as it would live.
    const events: { key: SeriesKey; candle: Candle; closeAt: number; own: number }[] = [];
    for (const timeframe of new Set(timeframes)) {
      const key: SeriesKey = { exchange: rule.exchange, symbol, timeframe };
      const candles = opts.candles.range(key, range.from, range.to, maxCandles);
      if (candles.length === maxCandles) truncatedSeries = true;
      series.push({ ...key, candles: candles.length });
      const own = timeframe === rule.timeframe ? 1 : 0;
      for (const candle of candles)
        events.push({ key, candle, closeAt: nextOpenTime(candle[0], timeframe), own });
      await yieldToLoop();
    }
    events.sort((a, b) => a.closeAt - b.closeAt || a.own - b.own);
    for (let i = 0; i < events.length; i++) {
      const e = events[i]!;
      engine.onCandles({ key: e.key, closed: [e.candle], forming: null, origin: 'live' });
      if (i % CHUNK === CHUNK - 1) await yieldToLoop();
    }
  }

  const days = (range.to - range.from) / DAY_MS;
  const notes: string[] = [];
  if (rule.evaluate === 'intrabar')
    notes.push('intrabar rule replayed on closed candles only: moves inside a candle are not stored');
  if (truncatedSeries)
    notes.push(`a series had more than ${maxCandles} candles in the range: only the first were read`);
  if (total > firings.length) notes.push(`only the first ${firings.length} of ${total} firings are listed`);
  return {
    firings,
    perDay: days > 0 ? total / days : total,
    days,
    series,
    truncated: total > firings.length,
    notes,
  };
}

import type { ChartIndicators, IndicatorsUpdated } from '../../../shared/contract/methods/ui';
import { MAX_HISTORY_CANDLES } from '../../../shared/contract/methods/store';
import type { IndicatorRef } from '../../../shared/domain/indicator';
import { seriesId, type Candle, type SeriesKey } from '../../../shared/domain/market';
import { systemClock, type Clock } from '../base/clock';
import { KeyedDebounce } from '../base/emitter';
import type { CandleUpdate, CandleUpdateListener } from '../candles/ports';
import type { Handlers } from '../contract/dispatch';
import { COALESCE_MS, type EventHub } from '../events';
import { SeriesIndicators } from '../indicators/series-indicators';
import type { CoreModule } from '../module';

/** Same warm-up as the rule engine's (1,000 closed candles), so the chart shows what rules read. */
export const CHART_WARMUP_CANDLES = 1_000;

/** Closed candles as candles:history reads them: the database and the writer's queue. */
export type ChartCandles = {
  last(key: SeriesKey, limit: number): Candle[];
  before(key: SeriesKey, time: number, limit: number): Candle[];
  range(key: SeriesKey, from: number, to: number, limit: number): Candle[];
};

/** Indicator columns over closed candles [from, to], warmed by the candles before `from`. */
export function chartIndicators(
  candles: ChartCandles,
  q: { series: SeriesKey; indicators: IndicatorRef[]; from: number; to: number },
): ChartIndicators {
  const set = new SeriesIndicators(q.indicators);
  for (const c of candles.before(q.series, q.from, CHART_WARMUP_CANDLES)) set.close(c);
  const times: number[] = [];
  const values: (number | null)[][] = q.indicators.map(() => []);
  if (q.to < q.from) return { times, values };
  for (const c of candles.range(q.series, q.from, q.to, MAX_HISTORY_CANDLES)) {
    const row = set.close(c);
    if (!row) continue;
    times.push(c[0]);
    row.forEach((v, j) => values[j]!.push(v));
  }
  return { times, values };
}

/** Folds one more candle update's values into the payload waiting for the next frame. */
function mergeValues(pending: IndicatorsUpdated | undefined, next: IndicatorsUpdated): IndicatorsUpdated {
  if (!pending || pending.tag !== next.tag) return next;
  pending.closed.times.push(...next.closed.times);
  next.closed.values.forEach((column, j) => pending.closed.values[j]!.push(...column));
  // A forming value older than a candle just closed is no longer forming.
  pending.forming = next.forming ?? (next.closed.times.length > 0 ? null : pending.forming);
  return pending;
}

/**
 * The chart's indicator lines, computed in the core: one incremental set per followed series,
 * warmed once from the stored and queued candles, then updated by each candle update as it
 * arrives (a closed candle is committed, the forming one is not). The chart receives the values
 * in indicators:updated instead of sending its newest candles back to have them recomputed.
 */
export class LiveIndicators {
  private readonly followed = new Map<string, { set: SeriesIndicators; tag: string }>();
  private readonly frames: KeyedDebounce<string, IndicatorsUpdated, IndicatorsUpdated>;

  constructor(
    private readonly candles: ChartCandles,
    emit: (payload: IndicatorsUpdated) => void,
    clock: Clock = systemClock,
  ) {
    this.frames = new KeyedDebounce({
      clock,
      ms: COALESCE_MS,
      merge: mergeValues,
      flush: (_id, p) => emit(p),
    });
  }

  /** Replaces the lines a series follows; an empty list stops following it. */
  watch(series: SeriesKey, indicators: IndicatorRef[], tag: string): void {
    const id = seriesId(series);
    if (indicators.length === 0) {
      this.followed.delete(id);
      return;
    }
    const set = new SeriesIndicators(indicators);
    for (const c of this.candles.last(series, CHART_WARMUP_CANDLES)) set.close(c);
    this.followed.set(id, { set, tag });
  }

  /** Must run after the store writer's listener, so the warm-up of a new watch holds every candle. */
  readonly onUpdate: CandleUpdateListener = (u: CandleUpdate) => {
    const followed = this.followed.get(seriesId(u.key));
    if (!followed) return;
    const { set, tag } = followed;
    const times: number[] = [];
    const values: (number | null)[][] = set.refs.map(() => []);
    for (const c of u.closed) {
      const row = set.close(c);
      if (!row) continue;
      times.push(c[0]);
      row.forEach((v, j) => values[j]!.push(v));
    }
    const formingRow = u.forming ? set.forming(u.forming) : null;
    if (times.length === 0 && !formingRow) return;
    this.frames.push(seriesId(u.key), {
      series: u.key,
      tag,
      closed: { times, values },
      forming: formingRow && u.forming ? { time: u.forming[0], values: formingRow } : null,
    });
  };

  /** Sends what the last frame gathered, then stops. */
  close(): void {
    this.frames.flush();
    this.frames.close();
    this.followed.clear();
  }
}

export type ChartModule = CoreModule<Pick<Handlers, 'chart:indicators' | 'indicators:watch'>> & {
  live: LiveIndicators;
};

export function createChartModule(deps: {
  candles: ChartCandles;
  events: EventHub;
  clock?: Clock;
}): ChartModule {
  const live = new LiveIndicators(deps.candles, (p) => deps.events.emit('indicators:updated', p), deps.clock);
  return {
    live,
    handlers: {
      'chart:indicators': (q) => chartIndicators(deps.candles, q),
      'indicators:watch': ({ series, indicators, tag }) => {
        live.watch(series, indicators, tag);
        return {};
      },
    },
    start() {},
    stop: () => live.close(),
  };
}

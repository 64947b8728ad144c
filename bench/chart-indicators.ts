/**
 * `npm run bench -- chart-indicators`: what one open chart's live indicator lines cost the core,
 * the old round trip and the live indicators side by side in one run (issue 11), on one 1m series
 * of 5,000 stored candles with the chart-cpu bench's six indicators (11 lines).
 *
 * - **Round trip (before)**: the chart sent its newest candles (up to 100) back every 400 ms, and
 *   the core read the 1,000 candles before them from SQLite and recomputed every indicator from
 *   scratch. That code is gone; its work is what `chart:indicators` still does once when a chart
 *   opens (`chartIndicators`: the same SQL reads, the same indicator classes), so that call with a
 *   100-candle range is timed here, at the round trip's fixed 2.5 calls a second.
 * - **Live indicators (after)**: `LiveIndicators.onUpdate`, the listener that moves a followed
 *   series' indicators by one candle update (a forming candle computed, a closed one committed; one
 *   in 60 updates closes the minute), at one update a second (Binance pushes a kline every 2 s).
 *
 * Figures are CPU time of this process per call (process.cpuUsage over batches), the steadier
 * measure on a shared machine; "CPU % of a core per open chart" multiplies by the calls a second.
 *
 * Flags: --calls 2000 (calls timed for each side).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LiveIndicators, chartIndicators, type ChartCandles } from '../src/main/core/chart/module';
import { CandleRepository } from '../src/main/core/store/candle-repository';
import { openDatabase } from '../src/main/core/store/database';
import { SeriesRepository } from '../src/main/core/store/series-repository';
import type { SeriesKey } from '../src/shared/domain/market';
import { INDICATORS } from './chart-cpu';
import { percentile, round } from './support/figures';
import { candles as series, partial } from '../tests/support/candle-builders';

const STORED = 5_000;
/** the round trip's period and the most candles it sent back */
const ROUND_TRIP_MS = 400;
const TAIL = 100;
const LIVE_UPDATES_PER_SECOND = 1;
const BATCH = 20;
const SERIES: SeriesKey = { exchange: 'binance', symbol: 'BTC/USDT', timeframe: '1m' };

/** CPU µs per call of `call`, timed in batches of BATCH calls (a single call is below the clock's grain). */
function cpuPerCall(calls: number, call: (i: number) => void): number[] {
  const perCall: number[] = [];
  for (let i = 0; i < calls; i += BATCH) {
    const start = process.cpuUsage();
    for (let j = i; j < i + BATCH; j++) call(j);
    const used = process.cpuUsage(start);
    perCall.push((used.user + used.system) / BATCH);
  }
  return perCall;
}

export async function run(flags: Record<string, string> = {}) {
  const calls = Number(flags['calls'] ?? 2_000);
  if (!(Number.isInteger(calls) && calls >= BATCH))
    throw new Error(`--calls takes a whole number ≥ ${BATCH}`);
  const dir = mkdtempSync(join(tmpdir(), 'cw-bench-chart-indicators-'));
  const db = openDatabase(dir);
  try {
    const seriesRepo = new SeriesRepository(db);
    const repo = new CandleRepository(db, seriesRepo);
    const stored = series(0, STORED + calls);
    const id = seriesRepo.ensure(SERIES);
    db.transaction(() => repo.insertClosed(id, stored.slice(0, STORED), () => {}))();
    const candles: ChartCandles = {
      last: (key, limit) => repo.recent(key, limit),
      before: (key, time, limit) => repo.before(key, time, limit),
      range: (key, from, to, limit) => repo.range(key, from, to, limit),
    };

    // Before: the newest TAIL stored candles sent back, warmed by the 1,000 before them.
    const from = stored[STORED - TAIL]![0];
    const to = stored[STORED - 1]![0];
    let lines = 0;
    const roundTrip = cpuPerCall(calls, () => {
      lines = chartIndicators(candles, { series: SERIES, indicators: INDICATORS, from, to }).values.length;
    });

    // After: the live listener, warmed once, then fed forming updates and a close each minute.
    const live = new LiveIndicators(candles, () => {});
    live.watch(SERIES, INDICATORS, 'bench');
    const next = stored.slice(STORED);
    const liveUpdate = cpuPerCall(calls, (i) => {
      // a minute of 60 updates, each later in the candle; the 60th closes it
      const forming = partial(next[Math.floor(i / 60)]!, ((i % 60) + 1) / 60);
      live.onUpdate({
        key: SERIES,
        closed: i % 60 === 59 ? [forming] : [],
        forming: i % 60 === 59 ? null : forming,
        origin: 'live',
      });
    });
    live.close();
    if (lines !== INDICATORS.length)
      throw new Error(`the round trip computed ${lines} lines, not ${INDICATORS.length}`);

    const side = (name: string, perCall: number[], perSecond: number) => {
      const median = percentile(perCall, 0.5);
      return {
        'chart indicators': name,
        'calls a second per chart': perSecond,
        'CPU µs per call: median': round(median, 1),
        'CPU µs per call: p99': round(percentile(perCall, 0.99), 1),
        'CPU % of a core per open chart': round((median * perSecond) / 1e4, 4),
      };
    };
    const before = side(
      `round trip (before): ${TAIL} candles sent back, 1,000 read from SQLite, ${INDICATORS.length} indicators recomputed`,
      roundTrip,
      1000 / ROUND_TRIP_MS,
    );
    const after = side(
      `live (after): one update moves ${INDICATORS.length} indicators (indicators:updated)`,
      liveUpdate,
      LIVE_UPDATES_PER_SECOND,
    );
    const ratio =
      (percentile(roundTrip, 0.5) * (1000 / ROUND_TRIP_MS)) /
      (percentile(liveUpdate, 0.5) * LIVE_UPDATES_PER_SECOND);
    return {
      name: 'chart-indicators',
      rows: [
        before,
        after,
        {
          'chart indicators': 'before ÷ after, per open chart',
          'CPU % of a core per open chart': round(ratio, 0),
        },
      ],
    };
  } finally {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

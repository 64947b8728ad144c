import { seriesId, type Candle, type SeriesKey } from '../../../src/shared/domain/market';
import { timeframeMs } from '../../../src/shared/timeframe';
import type { CandleUpdate } from '../../../src/main/core/candles/ports';
import { systemClock, type Clock } from '../../../src/main/core/base/clock';
import type { CandleRepository } from '../../../src/main/core/store/candle-repository';
import { quirksOf } from '../../../src/main/core/exchange/exchange-quirks';
import type { MatrixProtocol } from './protocols';
import { startSqliteEngine } from './sqlite-engine';
import { MATRIX_TIMEFRAMES, type MatrixScenario } from './scenarios';

const DAY_MS = 86_400_000;
/**
 * After the markets are loaded, streams have this long to subscribe and warm up before the
 * boundary (less 2 s): 30 engines warming up at once on a loaded 2-core machine took more than 8 s.
 * A loaded CI machine may need longer still: a case whose streams were not all live by then has not
 * started, so it runs again on a fresh engine with the next, longer lead.
 */
const LEADS_MS = [20_000, 30_000];
const WARMUP_CANDLES = 20;
const STALE_TIMEOUT_MS = 2_000;

/** A closed candle as the feed handed it downstream, and when. */
type Released = { openTime: number; at: number; candle: Candle; backfillAfterLive: boolean };

/** What one exchange × scenario × timeframe case found in the database, against the fake's truth. */
export type MatrixResult = {
  exchange: string;
  scenario: string;
  timeframe: string;
  /** closed candles stored and compared */
  checked: number;
  /**
   * candles the exchange has in the warm-up window (the last 20 intervals up to the boundary): fewer
   * than 20 where it skips intervals without trades
   */
  warmupTruth: number;
  /** candles of the truth missing between the first stored one and the one closed at the boundary */
  gaps: number;
  /** closed candles handed downstream more than once */
  dupes: number;
  /** stored candles whose values differ from the truth (a forming value stored as closed, or a changed one) */
  wrong: number;
  /** the candle that closed at the boundary, not stored by the scenario's deadline */
  heldBack: number;
  /** ms from the boundary to the store receiving the candle that closed at it */
  closedAfterMs: number | null;
  /** REST calls of the case answered with a fault (the scenario's rate-limit answers) */
  restFaults: number;
  /** the scenario needs REST faults met to prove anything */
  meetsRestFaults: boolean;
  /** closed candles released as backfill after the streams were live (only counted without faults) */
  backfilled: number | null;
  /** times the stream was shown stale (only counted without faults: a quiet market is not a dead one) */
  staleShown: number | null;
  /**
   * In a quiet market (a scenario with `market`): whether the stream said so (StreamInfo.quietSince),
   * and whether it should — only where the exchange is silent while nothing trades.
   */
  quiet: { shown: boolean; expected: boolean } | null;
};

/** Plain words for a failed expectation, so a red matrix cell says what went wrong. */
export function describeFailures(r: MatrixResult): string[] {
  const out: string[] = [];
  const cell = `${r.exchange} ${r.scenario} ${r.timeframe}`;
  if (r.checked < r.warmupTruth)
    out.push(`${cell}: only ${r.checked} candles stored of the ${r.warmupTruth} the warm-up window holds`);
  if (r.gaps > 0) out.push(`${cell}: ${r.gaps} candles missing`);
  if (r.dupes > 0) out.push(`${cell}: ${r.dupes} candles released twice`);
  if (r.wrong > 0) out.push(`${cell}: ${r.wrong} candles differ from the exchange's`);
  if (r.heldBack > 0) out.push(`${cell}: the candle closed at the boundary was not stored in time`);
  if (r.meetsRestFaults && r.restFaults === 0) out.push(`${cell}: no REST call met the faults`);
  if (r.backfilled) out.push(`${cell}: ${r.backfilled} candles released as backfill (alerts: missed)`);
  if (r.staleShown) out.push(`${cell}: shown stale ${r.staleShown} times in a quiet market`);
  if (r.quiet && r.quiet.shown !== r.quiet.expected)
    out.push(
      r.quiet.expected
        ? `${cell}: silent in a quiet market without saying it is quiet`
        : `${cell}: called quiet although the exchange pushes while nothing trades`,
    );
  return out;
}

/**
 * One exchange × scenario case for every matrix timeframe, on its own fake server and engine: the
 * fake's clock and the engine's are shifted so a UTC midnight (a boundary of 1m, 5m, 1h and 1d alike)
 * comes a lead (LEADS_MS) after the start; the scenario's faults hit around it; the engine runs as the app
 * builds it (exchange registry, feed, real ccxt.pro, the real SQLite writer); then every stored
 * closed candle is compared with the fake's truth.
 */
export async function runMatrixCase(
  protocol: MatrixProtocol,
  scenario: MatrixScenario,
): Promise<MatrixResult[]> {
  for (const leadMs of LEADS_MS) {
    const results = await runMatrixCaseOnce(protocol, scenario, leadMs);
    if (results) return results;
  }
  throw new Error(
    `matrix: ${protocol.exchange}: streams not all live before the boundary, even ${LEADS_MS.at(-1)! / 1000} s after the markets loaded`,
  );
}

/** One attempt; null when the streams were not all live before the boundary (the case never began). */
async function runMatrixCaseOnce(
  protocol: MatrixProtocol,
  scenario: MatrixScenario,
  leadMs: number,
): Promise<MatrixResult[] | null> {
  // The clock is set twice: the slow part of the setup (ccxt, markets) runs at any time; then the
  // clock moves so that the boundary comes `leadMs` later, before any stream exists to notice.
  let offset = 0;
  const now = () => Date.now() + offset;
  const clock: Clock = { ...systemClock, now };
  const fake = await protocol.start({
    symbols: [protocol.symbol],
    historyMs: (WARMUP_CANDLES + 7) * DAY_MS,
    seed: 16,
    updateIntervalMs: 200,
    now,
  });
  // The fake computes its history on first use, synchronously, in the process the engine runs in:
  // a month of it took 1-1.7 s on a loaded machine, and five cases at once blocked every engine for
  // 3-7 s, so streams that had their data waiting on the socket were found stale. Computed now,
  // before any stream exists, the warm-up in the lead only reads it.
  const warmHistory = () => fake.truth(protocol.symbol, '1d', 0, now());
  warmHistory();
  const { engine, ready } = startSqliteEngine({
    fake,
    watchlist: [],
    clock,
    staleTimeoutMs: scenario.staleTimeoutMs ?? STALE_TIMEOUT_MS,
    warmupCandles: WARMUP_CANDLES,
  });
  await ready;
  const setupStart = Date.now();
  await until(
    `${protocol.exchange}: markets loaded`,
    () => (engine.registry.find(protocol.exchange)?.marketsLoadedAt ?? null) !== null,
    () => Date.now() - setupStart > 30_000,
  );
  const realStart = Date.now();
  // The last UTC midnight, so the shifted clock runs behind the real one: ccxt computes some REST
  // windows from its own (real) clock and clamps them to it (bitget's fetchOHLCV caps endTime at
  // its now), which a clock ahead of the real one would turn into empty answers.
  const boundary = Math.floor((realStart + leadMs) / DAY_MS) * DAY_MS;
  offset = boundary - leadMs - realStart;
  const { feed, candles, writer } = engine;
  const keys: SeriesKey[] = MATRIX_TIMEFRAMES.map((timeframe) => ({
    exchange: protocol.exchange,
    symbol: protocol.symbol,
    timeframe,
  }));
  const released = new Map<string, Released[]>();
  let liveSince = Infinity;
  feed.onCandles((u: CandleUpdate) => {
    const list = released.get(seriesId(u.key)) ?? [];
    const at = now();
    for (const c of u.closed)
      list.push({
        openTime: c[0],
        at,
        candle: c,
        backfillAfterLive: u.origin === 'backfill' && at > liveSince,
      });
    released.set(seriesId(u.key), list);
  });
  const ids = keys.map(seriesId);
  const staleShown = new Map<string, number>();
  const quietShown = new Set<string>();
  feed.onState((info) => {
    if (info.state === 'stale') staleShown.set(info.id, (staleShown.get(info.id) ?? 0) + 1);
    if (info.quietSince !== null) quietShown.add(info.id);
  });
  if (scenario.market) {
    scenario.market(fake.faults, boundary);
    warmHistory();
  }
  const allLive = () => ids.every((id) => feed.list().find((s) => s.id === id)?.state === 'live');
  const boundaryStored = (k: SeriesKey) =>
    (released.get(seriesId(k)) ?? []).some((r) => r.openTime === boundary - timeframeMs(k.timeframe));
  try {
    await engine.watch([
      { exchange: protocol.exchange, symbol: protocol.symbol, timeframes: [...MATRIX_TIMEFRAMES] },
    ]);
    await until('', allLive, () => now() >= boundary - 2_000);
    if (!allLive()) return null;
    liveSince = now();
    for (const step of [...scenario.steps].sort((a, b) => a.at - b.at)) {
      await until(
        '',
        () => now() >= boundary + step.at,
        () => false,
      );
      step.act(fake.faults);
    }
    const deadline = boundary + scenario.deadlineMs;
    const watchUntil = boundary + (scenario.watchUntilMs ?? 0);
    await until(
      '',
      () => keys.every(boundaryStored) && allLive() && now() >= watchUntil,
      () => now() >= Math.max(deadline, watchUntil),
    );
    await feed.stop();
    writer.flush();
    const truth = fake.truth.bind(fake);
    const restFaults = fake.restLog().filter((e) => e.fault).length;
    // Without faults, every candle after the start is live and no stream may look dead.
    const faultless = scenario.steps.length === 0;
    return keys.map((k) => {
      const list = released.get(seriesId(k)) ?? [];
      return {
        ...check(protocol, scenario, k, boundary, candles, list, deadline, truth),
        restFaults,
        meetsRestFaults: scenario.meetsRestFaults === true,
        backfilled: faultless ? list.filter((r) => r.backfillAfterLive).length : null,
        staleShown: faultless ? (staleShown.get(seriesId(k)) ?? 0) : null,
        quiet: scenario.market
          ? {
              shown: quietShown.has(seriesId(k)),
              expected: quirksOf(protocol.exchange).facts.pushesQuietIntervals !== true,
            }
          : null,
      };
    });
  } finally {
    await engine.close();
    await fake.close();
  }
}

function check(
  protocol: MatrixProtocol,
  scenario: MatrixScenario,
  key: SeriesKey,
  boundary: number,
  candles: CandleRepository,
  released: Released[],
  deadline: number,
  truthOf: (symbol: string, timeframe: string, from: number, to: number) => Candle[],
): Omit<MatrixResult, 'restFaults' | 'meetsRestFaults' | 'backfilled' | 'staleShown' | 'quiet'> {
  const period = timeframeMs(key.timeframe);
  const lastExpected = boundary - period;
  const stored = candles.range(key, 0, Number.MAX_SAFE_INTEGER, 100_000);
  const first = stored[0]?.[0] ?? lastExpected;
  const truth = truthOf(key.symbol, key.timeframe, first, lastExpected);
  const byTime = new Map(stored.map((c) => [c[0], c]));
  const gaps = truth.filter((c) => !byTime.has(c[0])).length;
  const truthByTime = new Map(truth.map((c) => [c[0], c]));
  const wrong = stored.filter((c) => {
    const t = truthByTime.get(c[0]);
    return t !== undefined && c.some((v, i) => v !== t[i]);
  }).length;
  const seen = new Set<number>();
  let dupes = 0;
  for (const r of released) {
    if (seen.has(r.openTime)) dupes++;
    seen.add(r.openTime);
  }
  const atBoundary = released.find((r) => r.openTime === lastExpected);
  const warmupFrom = lastExpected - (WARMUP_CANDLES - 1) * period;
  return {
    exchange: protocol.exchange,
    scenario: scenario.name,
    timeframe: key.timeframe,
    checked: stored.filter((c) => c[0] <= lastExpected).length,
    warmupTruth: truthOf(key.symbol, key.timeframe, warmupFrom, lastExpected).length,
    gaps,
    dupes,
    wrong,
    heldBack: atBoundary && atBoundary.at <= deadline ? 0 : 1,
    closedAfterMs: atBoundary ? atBoundary.at - boundary : null,
  };
}

/**
 * Resolves once `condition` holds. `giveUp` ends the wait: with an empty `what` that is the normal
 * end of a window (the results tell what was missed); otherwise it is an error naming `what`.
 */
async function until(what: string, condition: () => boolean, giveUp: () => boolean): Promise<void> {
  while (!condition()) {
    if (giveUp()) {
      if (what) throw new Error(`matrix: timed out waiting for ${what}`);
      return;
    }
    await new Promise((r) => setTimeout(r, 25));
  }
}

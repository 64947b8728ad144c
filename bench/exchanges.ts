import { MATRIX_PROTOCOLS } from '../tests/support/exchange-matrix/protocols';
import { runMatrixCase, type MatrixResult } from '../tests/support/exchange-matrix/run-case';
import { MATRIX_SCENARIOS } from '../tests/support/exchange-matrix/scenarios';

/**
 * The continuity matrix summary (issue 16): every exchange protocol × scenario, the real ccxt.pro
 * against its fake server and the real SQLite writer, as the integration tests run it. One row per
 * exchange × scenario: candles checked against the fake's truth over 1m/5m/1h/1d, gaps, duplicates,
 * wrong values, candles held back past the deadline, and the slowest close after the boundary.
 * `--exchanges okx,bybit` runs a subset. An exchange's scenarios run side by side, exchanges one
 * after the other.
 */
export async function run(
  flags: Record<string, string>,
): Promise<{ name: string; rows: Record<string, unknown>[] }> {
  const wanted = flags['exchanges']?.split(',') ?? Object.keys(MATRIX_PROTOCOLS);
  const rows: Record<string, unknown>[] = [];
  for (const exchange of wanted) {
    const protocol = MATRIX_PROTOCOLS[exchange];
    if (!protocol) throw new Error(`no matrix protocol "${exchange}"`);
    const cases = await Promise.all(MATRIX_SCENARIOS.map((s) => runMatrixCase(protocol, s)));
    for (const results of cases) rows.push(summarize(results));
  }
  return { name: 'exchanges', rows };
}

function summarize(results: MatrixResult[]): Record<string, unknown> {
  const sum = (pick: (r: MatrixResult) => number) => results.reduce((n, r) => n + pick(r), 0);
  const closes = results.map((r) => r.closedAfterMs).filter((ms): ms is number => ms !== null);
  return {
    exchange: results[0]!.exchange,
    scenario: results[0]!.scenario,
    timeframes: results.map((r) => r.timeframe).join(' '),
    'candles checked': sum((r) => r.checked),
    gaps: sum((r) => r.gaps),
    dupes: sum((r) => r.dupes),
    wrong: sum((r) => r.wrong),
    'held back': sum((r) => r.heldBack),
    'REST faults met': results[0]!.restFaults,
    'slowest close ms': closes.length > 0 ? Math.max(...closes) : null,
    // thin market (no faults): candles released as backfill (alerts: missed), stale shown, and
    // streams that said "quiet" where the exchange is silent while nothing trades
    'as backfill': results[0]!.backfilled === null ? '—' : sum((r) => r.backfilled ?? 0),
    'shown stale': results[0]!.staleShown === null ? '—' : sum((r) => r.staleShown ?? 0),
    'said quiet': results[0]!.quiet === null ? '—' : results.filter((r) => r.quiet?.shown).length,
  };
}

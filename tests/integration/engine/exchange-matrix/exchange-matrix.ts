import { describe, expect, it } from 'vitest';
import { matrixProtocol } from '../../../support/exchange-matrix/protocols';
import { describeFailures, runMatrixCase } from '../../../support/exchange-matrix/run-case';
import { MATRIX_SCENARIOS, MATRIX_TIMEFRAMES } from '../../../support/exchange-matrix/scenarios';

/**
 * The continuity matrix for one exchange: every scenario (drops, malformed frames, a stall, a
 * rate-limit burst) × every timeframe (1m, 5m, 1h, 1d), each scenario on its own fake server and
 * engine, all at once (each has its own shifted clock, so they run side by side). Invariant 1 and 8:
 * stored closed candles equal the exchange's, with no gap, no duplicate, no forming value stored as
 * closed, and the candle closing at the boundary stored by the scenario's deadline.
 */
export function exchangeMatrix(exchange: string): void {
  const protocol = matrixProtocol(exchange);
  describe(`continuity matrix: ${exchange} (real ccxt.pro.${exchange}, real SQLite writer)`, () => {
    for (const scenario of MATRIX_SCENARIOS) {
      it.concurrent(
        `${scenario.name}: ${scenario.what}`,
        async () => {
          const results = await runMatrixCase(protocol, scenario);
          expect(results.map((r) => r.timeframe)).toEqual([...MATRIX_TIMEFRAMES]);
          // one line per failed check, in words (an array diff would be cut short)
          expect(results.flatMap(describeFailures).join('\n')).toBe('');
          // markets (≤ 30 s) + a 20 s lead, then room for a second attempt with a 30 s lead and a
          // deadline of up to 25 s on a loaded machine (run-case.ts LEADS_MS)
        },
        200_000,
      );
    }
  });
}

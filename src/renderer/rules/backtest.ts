import type { ContractApi } from '../../shared/contract';
import type { BacktestResult } from '../../shared/contract/methods/signals';
import type { RuleInput } from '../../shared/domain/rule';
import { timeframeMs } from '../../shared/timeframe';

/** How far back the backtest buttons look. */
export const BACKTEST_DAYS = 30;

export function runBacktest(
  api: ContractApi,
  target: { id: number } | { rule: RuleInput },
  days: number,
  now = Date.now(),
): Promise<BacktestResult> {
  const range = { from: now - days * 86_400_000, to: now };
  return 'id' in target
    ? api.call('rules:backtest', { id: target.id, range })
    : api.call('rules:backtest', { rule: target.rule, range });
}

/**
 * "12 firings over 8.3 h of stored candles: ≈ 34.7 alerts/day". The rate is taken over the candles
 * actually stored (a 30-day range over 8 hours of history is 8 hours of evidence), not the range.
 */
export function describeBacktest(r: BacktestResult): string {
  const candles = r.series.reduce((n, s) => n + s.candles, 0);
  if (candles === 0) return 'no stored candles in the range to test on';
  const spanDays = Math.min(
    r.days,
    Math.max(...r.series.map((s) => (s.candles * timeframeMs(s.timeframe)) / 86_400_000)),
  );
  const perDay = spanDays > 0 ? r.firings.length / spanDays : r.perDay;
  const span = spanDays < 1 ? `${(spanDays * 24).toFixed(1)} h` : `${spanDays.toFixed(1)} days`;
  const rate = perDay >= 10 ? perDay.toFixed(0) : perDay.toFixed(2);
  return `${r.firings.length}${r.truncated ? '+' : ''} firing${r.firings.length === 1 ? '' : 's'} over ${span} of stored candles: ≈ ${rate} alerts/day`;
}

import type { SeriesKey } from '../../shared/domain/market';
import { formatInteger } from '../format/numbers';
import { useStores, useUi } from '../state/StoresProvider';

/**
 * Says which rule's backtest the square markers on the chart come from, on the series it ran on;
 * brings back the rule editor the markers were shown from (with what was typed), or clears them.
 */
export function BacktestBanner({ series }: { series: SeriesKey }) {
  const { ui } = useStores();
  const backtest = useUi((s) => s.backtest);
  if (
    !backtest ||
    backtest.key.exchange !== series.exchange ||
    backtest.key.symbol !== series.symbol ||
    backtest.key.timeframe !== series.timeframe
  )
    return null;
  const n = backtest.result.firings.filter((f) => f.symbol === series.symbol).length;
  const returnTo = backtest.returnTo;
  return (
    <p className="chart-backtest" role="status" data-testid="backtest-banner">
      <span>
        Backtest of “{backtest.ruleName}”: {formatInteger(n)} firing{n === 1 ? '' : 's'} marked ■
      </span>
      {returnTo ? (
        <button type="button" className="button small" onClick={() => ui.getState().openDialog(returnTo)}>
          Back to the rule
        </button>
      ) : null}
      <button type="button" className="button small" onClick={() => ui.getState().showBacktest(null)}>
        Clear
      </button>
    </p>
  );
}

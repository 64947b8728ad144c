import type { ExchangeCapabilities } from '../../shared/domain/exchange';
import { formatPercent, formatPrice } from '../format/numbers';
import { symbolKey } from '../state/market-store';
import { useMarket, useUi } from '../state/StoresProvider';
import type { Freshness } from '../live/freshness';
import { FreshnessTag } from '../live/FreshnessTag';
import type { PriceScale } from './chart-controller';
import { IndicatorMenu } from './IndicatorMenu';

/** Every timeframe the chart offers, shortest first (rules accept the same ones). */
export const CHART_TIMEFRAMES = ['1s', '1m', '3m', '5m', '15m', '30m', '1h', '4h', '1d'] as const;
/** The ones keys 1 … 6 pick, in this order (kept as they were before 1s, 3m and 30m joined). */
export const KEYED_TIMEFRAMES = ['1m', '5m', '15m', '1h', '4h', '1d'] as const;
/** Seconds bars exist only where the exchange streams them: they cannot be built from 1m candles. */
const EXCHANGE_ONLY: ReadonlySet<string> = new Set(['1s']);

const SCALES: readonly { id: PriceScale; label: string; title: string }[] = [
  { id: 'linear', label: 'Lin', title: 'Linear price scale' },
  { id: 'log', label: 'Log', title: 'Logarithmic price scale: equal moves in percent look equal' },
  { id: 'percent', label: '%', title: 'Percent scale: change from the first visible candle' },
];

export type ChartTimeframe = { tf: string; offered: boolean };

/**
 * The chart's timeframes and whether the exchange serves them or the engine builds them from 1m.
 * One it cannot have is left out, except 1s: that one stays, disabled, so the toolbar can say the
 * exchange does not offer it. Until the exchange is known, all are offered.
 */
export function useChartTimeframes(exchange: string): readonly ChartTimeframe[] {
  return chartTimeframes(useMarket((s) => s.exchanges?.find((e) => e.id === exchange)?.capabilities ?? null));
}

export function chartTimeframes(
  caps: Pick<ExchangeCapabilities, 'timeframes' | 'aggregatedTimeframes'> | null,
): ChartTimeframe[] {
  if (!caps) return CHART_TIMEFRAMES.map((tf) => ({ tf, offered: true }));
  const offered = new Set([...caps.timeframes, ...caps.aggregatedTimeframes]);
  return CHART_TIMEFRAMES.filter((tf) => offered.has(tf) || EXCHANGE_ONLY.has(tf)).map((tf) => ({
    tf,
    offered: offered.has(tf),
  }));
}

export function ChartToolbar({
  exchange,
  symbol,
  freshness,
}: {
  exchange: string;
  symbol: string;
  freshness: Freshness;
}) {
  const key = symbolKey(exchange, symbol);
  const ticker = useMarket((s) => s.tickers[key]);
  const decimals = useMarket((s) => s.markets[key]?.priceDecimals ?? null);
  const timeframe = useUi((s) => s.timeframe);
  const setTimeframe = useUi((s) => s.setTimeframe);
  const placing = useUi((s) => s.placingPriceLine);
  const setPlacing = useUi((s) => s.setPlacingPriceLine);
  const openDialog = useUi((s) => s.openDialog);
  const timeframes = useChartTimeframes(exchange);
  const scale = useUi((s) => s.priceScale);
  const setScale = useUi((s) => s.setPriceScale);
  const change = ticker?.changePercent24h ?? null;

  return (
    <div className="chart-toolbar">
      <div className="chart-title">
        <h2>{symbol}</h2>
        <span className="muted">{exchange}</span>
        <span className="num chart-last">{formatPrice(ticker?.last, decimals)}</span>
        <span className={`num ${change === null || change === 0 ? '' : change > 0 ? 'up' : 'down'}`}>
          {formatPercent(change)}
        </span>
        <FreshnessTag freshness={freshness} />
      </div>
      <div className="segmented" role="radiogroup" aria-label="Timeframe">
        {timeframes.map(({ tf, offered }) => {
          const key = (KEYED_TIMEFRAMES as readonly string[]).indexOf(tf) + 1;
          const title = !offered
            ? `${tf} candles: ${exchange} does not offer them`
            : key > 0
              ? `Timeframe ${tf} (${key})`
              : `Timeframe ${tf}`;
          return (
            <label key={tf} className="segmented-option" title={title} data-offered={offered}>
              <input
                type="radio"
                name="timeframe"
                value={tf}
                checked={timeframe === tf}
                disabled={!offered}
                aria-keyshortcuts={key > 0 ? String(key) : undefined}
                aria-description={offered ? undefined : `${exchange} does not offer ${tf} candles`}
                onChange={() => setTimeframe(tf)}
              />
              <span>{tf}</span>
            </label>
          );
        })}
      </div>
      <div className="segmented" role="radiogroup" aria-label="Price scale">
        {SCALES.map((s) => (
          <label key={s.id} className="segmented-option" title={s.title}>
            <input
              type="radio"
              name="price-scale"
              value={s.id}
              aria-label={s.title.split(':')[0]}
              checked={scale === s.id}
              onChange={() => setScale(s.id)}
            />
            <span>{s.label}</span>
          </label>
        ))}
      </div>
      <IndicatorMenu />
      <button
        type="button"
        className={placing ? 'button small pressed' : 'button small'}
        aria-pressed={placing}
        aria-keyshortcuts="A"
        title="Place a price alert line on the chart (A)"
        onClick={() => setPlacing(!placing)}
      >
        Price alert
      </button>
      <button
        type="button"
        className="button small"
        aria-keyshortcuts="N"
        title="New alert rule for this symbol (N)"
        onClick={() => openDialog({ kind: 'rule', draft: { exchange, symbol, timeframe } })}
      >
        New rule
      </button>
    </div>
  );
}

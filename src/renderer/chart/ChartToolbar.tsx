import { useState } from 'react';
import { formatInteger, formatPercent, formatPrice } from '../format/numbers';
import { symbolKey } from '../state/market-store';
import { useMarket, useUi } from '../state/StoresProvider';
import type { OverlayKind, PaneKind } from '../state/ui-store';
import type { Freshness } from '../live/freshness';
import { FreshnessTag } from '../live/FreshnessTag';
import type { ChartStatus } from './chart-controller';

export const CHART_TIMEFRAMES = ['1m', '5m', '15m', '1h', '4h', '1d'] as const;

const OVERLAY_CHOICES: { kind: OverlayKind; period: number; label: string }[] = [
  { kind: 'ema', period: 9, label: 'EMA 9' },
  { kind: 'ema', period: 21, label: 'EMA 21' },
  { kind: 'ema', period: 200, label: 'EMA 200' },
  { kind: 'sma', period: 20, label: 'SMA 20' },
  { kind: 'sma', period: 50, label: 'SMA 50' },
  { kind: 'bollinger', period: 20, label: 'Bollinger 20, 2' },
];
const PANE_CHOICES: { kind: PaneKind; label: string }[] = [
  { kind: 'rsi', label: 'RSI 14' },
  { kind: 'macd', label: 'MACD 12, 26, 9' },
  { kind: 'volume', label: 'Volume' },
];

/** Timeframes the exchange serves or the engine builds from 1m; all of the usual ones until it is known. */
export function useChartTimeframes(exchange: string): readonly string[] {
  const caps = useMarket((s) => s.exchanges?.find((e) => e.id === exchange)?.capabilities ?? null);
  if (!caps) return CHART_TIMEFRAMES;
  const offered = new Set([...caps.timeframes, ...caps.aggregatedTimeframes]);
  return CHART_TIMEFRAMES.filter((tf) => offered.has(tf));
}

export function ChartToolbar({
  exchange,
  symbol,
  status,
  freshness,
}: {
  exchange: string;
  symbol: string;
  status: ChartStatus;
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
        {timeframes.map((tf, i) => (
          <label key={tf} className="segmented-option" title={`Timeframe ${tf} (${i + 1})`}>
            <input
              type="radio"
              name="timeframe"
              value={tf}
              checked={timeframe === tf}
              aria-keyshortcuts={String(i + 1)}
              onChange={() => setTimeframe(tf)}
            />
            <span>{tf}</span>
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
      <span className="chart-status muted" role="status">
        {status.kind === 'loading'
          ? 'Loading candles…'
          : status.kind === 'ready'
            ? `${formatInteger(status.bars)} candles${status.loadingOlder ? ' · loading older…' : status.reachedStart ? ' · start of stored history' : ''}`
            : ''}
      </span>
    </div>
  );
}

function IndicatorMenu() {
  const [open, setOpen] = useState(false);
  const overlays = useUi((s) => s.overlays);
  const panes = useUi((s) => s.panes);
  const addOverlay = useUi((s) => s.addOverlay);
  const addPane = useUi((s) => s.addPane);
  const remove = useUi((s) => s.removeIndicator);
  const active = [
    ...overlays.map((o) => ({
      id: o.id,
      label: o.kind === 'bollinger' ? `Bollinger ${o.period}` : `${o.kind.toUpperCase()} ${o.period}`,
    })),
    ...panes.map((p) => ({
      id: p.id,
      label: p.kind === 'rsi' ? `RSI ${p.period ?? 14}` : p.kind === 'macd' ? 'MACD' : 'Volume pane',
    })),
  ];
  return (
    <div className="menu">
      <button
        type="button"
        className="button small"
        aria-expanded={open}
        aria-haspopup="true"
        aria-controls="indicator-menu"
        onClick={() => setOpen(!open)}
      >
        Indicators{active.length > 0 ? ` (${active.length})` : ''}
      </button>
      {open ? (
        <div
          id="indicator-menu"
          className="menu-popover"
          role="group"
          aria-label="Indicators"
          onKeyDown={(e) => e.key === 'Escape' && setOpen(false)}
        >
          <p className="menu-heading">On price</p>
          {OVERLAY_CHOICES.map((c) => (
            <button
              key={c.label}
              type="button"
              className="menu-item"
              onClick={() =>
                addOverlay({
                  kind: c.kind,
                  period: c.period,
                  ...(c.kind === 'bollinger' ? { stdDev: 2 } : {}),
                })
              }
            >
              + {c.label}
            </button>
          ))}
          <p className="menu-heading">Panes</p>
          {PANE_CHOICES.map((c) => (
            <button
              key={c.kind}
              type="button"
              className="menu-item"
              onClick={() => addPane({ kind: c.kind, ...(c.kind === 'rsi' ? { period: 14 } : {}) })}
            >
              + {c.label} pane
            </button>
          ))}
          {active.length > 0 ? <p className="menu-heading">Shown</p> : null}
          {active.map((a) => (
            <button
              key={a.id}
              type="button"
              className="menu-item"
              aria-label={`Remove ${a.label}`}
              onClick={() => remove(a.id)}
            >
              × {a.label}
            </button>
          ))}
        </div>
      ) : null}
    </div>
  );
}

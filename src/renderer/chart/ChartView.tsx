import { useEffect, useMemo, useRef, useState } from 'react';
import { seriesId, type SeriesKey } from '../../shared/domain/market';
import { exchangeNameOf, symbolKey } from '../state/market-store';
import { useAlerts, useMarket, useRules, useStores, useUi } from '../state/StoresProvider';
import { useApi } from '../transport/TransportProvider';
import { ChartController, type ChartMarker, type ChartStatus } from './chart-controller';
import type { RuleLine } from './price-line-drag';
import { readChartColors } from './chart-colors';
import { BacktestBanner } from './BacktestBanner';
import { olderHistoryWords } from './older-history-words';
import { OlderRetryBanner } from './OlderRetryBanner';
import { ExchangeUnreachable } from './ExchangeUnreachable';
import { unreachableError } from './unreachable';
import { ChartToolbar } from './ChartToolbar';
import { GapBanner } from './GapBanner';
import { planIndicators } from './indicator-plan';
import { createPriceAlert, movePriceAlert } from './price-alerts';
import { PriceAlertForm } from './PriceAlertForm';
import { useThemeVersion } from './use-theme-version';
import { useFreshness } from '../live/use-freshness';
import { formatInteger } from '../format/numbers';

/** The chart of the selected symbol: toolbar, legend, the canvas, and what is drawn on it. */
export function ChartView({ exchange, symbol }: { exchange: string; symbol: string }) {
  const api = useApi();
  const stores = useStores();
  const timeframe = useUi((s) => s.timeframe);
  const indicators = useUi((s) => s.indicators);
  const priceScale = useUi((s) => s.priceScale);
  const focus = useUi((s) => s.focus);
  const backtest = useUi((s) => s.backtest);
  const placing = useUi((s) => s.placingPriceLine);
  const revision = useAlerts((s) => s.revision);
  const rules = useRules((s) => s.rules);
  const decimals = useMarket((s) => s.markets[symbolKey(exchange, symbol)]?.priceDecimals ?? null);
  const themeVersion = useThemeVersion();
  const containerRef = useRef<HTMLDivElement>(null);
  const legendRef = useRef<HTMLDivElement>(null);
  const controllerRef = useRef<ChartController | null>(null);
  const [status, setStatus] = useState<ChartStatus>({ kind: 'idle' });
  const [notice, setNotice] = useState<string>();
  const [atLatest, setAtLatest] = useState(true);
  /** A price-alert line placed on the chart, waiting for its message step. */
  const [placedOn, setPlacedOn] = useState<{ seriesId: string; level: number } | null>(null);
  const key: SeriesKey = useMemo(() => ({ exchange, symbol, timeframe }), [exchange, symbol, timeframe]);
  const id = seriesId(key);
  const only = useMemo(() => ({ seriesId: id }), [id]);
  const freshness = useFreshness(exchange, symbol, id, only);
  const bars = status.kind === 'ready' ? status.bars : 0;
  // The error object itself (kept by the stream between updates): a tick re-renders nothing here.
  const unreachable = useMarket((s) => unreachableError(s.streams[id], bars));
  const exchangeName = useMarket((s) => exchangeNameOf(s.exchanges, exchange));
  const statusText =
    status.kind === 'loading'
      ? 'Loading candles…'
      : status.kind === 'ready'
        ? [`${formatInteger(status.bars)} candles`, olderHistoryWords(status.older, exchangeName)]
            .filter(Boolean)
            .join(' · ')
        : '';
  useEffect(() => {
    const decimalsNow = () =>
      stores.market.getState().markets[symbolKey(exchange, symbol)]?.priceDecimals ?? null;
    const lastClose = () => Number(containerRef.current?.dataset.lastClose);
    const container = containerRef.current;
    const legend = legendRef.current;
    if (!container || !legend) return;
    const controller = new ChartController({
      api,
      container,
      legend,
      colors: readChartColors(),
      onStatus: setStatus,
      onAtLatestChange: setAtLatest,
      onRuleLineMoved: (ruleId, level) => {
        const view = stores.rules.getState().rules.find((r) => r.id === ruleId);
        if (!view) return;
        const others = stores.rules.getState().rules.filter((r) => r.id !== ruleId);
        const taken = new Set(others.map((r) => r.rule.name));
        void movePriceAlert(api, view, level, lastClose(), decimalsNow(), taken).then(setNotice);
      },
      onDraftLinePlaced: (level) => {
        const ui = stores.ui.getState();
        ui.setPlacingPriceLine(false);
        setPlacedOn({ seriesId: seriesId({ exchange, symbol, timeframe: ui.timeframe }), level });
      },
    });
    controllerRef.current = controller;
    return () => {
      controller.dispose();
      controllerRef.current = null;
    };
    // The controller lives as long as the view; what it shows is pushed by the effects below.
  }, [api, stores, exchange, symbol]);

  useEffect(() => {
    void controllerRef.current?.load(
      key,
      stores.market.getState().markets[symbolKey(key.exchange, key.symbol)]?.priceDecimals ?? null,
    );
  }, [key, stores]);

  useEffect(() => controllerRef.current?.setPriceDecimals(decimals), [decimals]);

  useEffect(() => controllerRef.current?.setPriceScale(priceScale), [priceScale]);

  useEffect(() => controllerRef.current?.setIndicators(planIndicators(indicators)), [indicators]);

  useEffect(() => {
    if (themeVersion > 0) controllerRef.current?.setColors(readChartColors());
  }, [themeVersion]);

  // Alert markers: the alerts of this symbol, read again whenever an alert changes.
  useEffect(() => {
    let live = true;
    api.call('alerts:list', { filter: { exchange, symbol }, limit: 500 }).then(
      ({ alerts }) => {
        if (!live) return;
        const markers: ChartMarker[] = alerts.map((a) => ({
          time: a.candleTime,
          kind: a.signal === 'BUY' ? 'buy' : a.signal === 'SELL' ? 'sell' : 'info',
        }));
        controllerRef.current?.setAlertMarkers(markers);
      },
      () => {},
    );
    return () => {
      live = false;
    };
  }, [api, exchange, symbol, revision, status.kind]);

  useEffect(() => {
    const c = controllerRef.current;
    if (!c) return;
    // Markers of a backtest on another timeframe mean other candles: they are not drawn here.
    const shown =
      backtest &&
      backtest.key.exchange === exchange &&
      backtest.key.symbol === symbol &&
      backtest.key.timeframe === timeframe
        ? backtest
        : null;
    c.setBacktestMarkers(
      shown
        ? shown.result.firings
            .filter((f) => f.symbol === symbol && f.exchange === exchange)
            .map((f) => ({ time: f.candleTime, kind: 'backtest' as const }))
        : [],
    );
  }, [backtest, exchange, symbol, timeframe, status.kind]);

  const ruleLines: RuleLine[] = useMemo(
    () =>
      rules.flatMap((r) => {
        const w = r.rule.when;
        if (w.type !== 'price-cross' || r.rule.exchange !== exchange || r.rule.symbol !== symbol) return [];
        return [
          {
            ruleId: r.id,
            price: w.level,
            label: `${r.rule.enabled && !r.expired ? '' : '(off) '}${r.rule.name}`,
            active: r.rule.enabled && !r.expired,
          },
        ];
      }),
    [rules, exchange, symbol],
  );
  useEffect(() => controllerRef.current?.setRuleLines(ruleLines), [ruleLines, themeVersion]);

  // Placing another line, or another timeframe, hides a line still waiting for its message.
  const placed = !placing && placedOn?.seriesId === id ? placedOn.level : null;
  useEffect(
    () => controllerRef.current?.setDraftLine(placing ? 'placing' : placed === null ? null : { placed }),
    [placing, placed, status.kind],
  );
  const createPlaced = (message: string) => {
    if (placed === null) return;
    setPlacedOn(null);
    void createPriceAlert(api, {
      exchange,
      symbol,
      timeframe,
      level: placed,
      lastClose: Number(containerRef.current?.dataset.lastClose),
      decimals,
      taken: new Set(rules.map((r) => r.rule.name)),
      message,
    }).then(setNotice);
  };

  useEffect(() => {
    if (focus && status.kind === 'ready') void controllerRef.current?.focus(focus.time);
    // Only a new focus request moves the view, not every status change.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [focus, status.kind === 'ready']);

  useEffect(() => {
    if (!notice) return;
    const t = setTimeout(() => setNotice(undefined), 5_000);
    return () => clearTimeout(t);
  }, [notice]);

  return (
    <div className="chart-view" data-freshness={freshness.kind}>
      <ChartToolbar exchange={exchange} symbol={symbol} freshness={freshness} />
      <div className="chart-stage">
        <div className="chart-legend" ref={legendRef} aria-live="off" />
        <span
          className="chart-status muted"
          role="status"
          // The whole line, or why no older candles can be fetched (a timeframe built from 1m), on hover.
          title={status.kind === 'ready' && status.older.kind === 'end' ? status.older.message : statusText}
        >
          {statusText}
        </span>
        <GapBanner key={id} series={key} />
        <BacktestBanner series={key} />
        {placing ? (
          <p className="chart-hint" role="status">
            Press on the chart at the alert price (the line follows the pointer), or move it with ↑ ↓ (Shift:
            ×10) and press Enter. Esc cancels.
          </p>
        ) : null}
        {placed !== null ? (
          <PriceAlertForm
            symbol={symbol}
            level={placed}
            decimals={decimals}
            timeframe={timeframe}
            onCreate={createPlaced}
            onCancel={() => setPlacedOn(null)}
          />
        ) : null}
        {notice ? (
          <p className="chart-notice" role="status">
            {notice}
          </p>
        ) : null}
        {status.kind === 'error' ? (
          <p className="chart-error" role="alert">
            Candles could not be loaded: {status.message}
          </p>
        ) : null}
        {status.kind === 'ready' && status.older.kind === 'loading' && status.older.from === 'exchange' ? (
          <p className="chart-older" role="status" data-testid="older-banner">
            <span className="state-dot" data-state="backfilling" aria-hidden="true" />
            Loading older candles from {exchangeName}…
          </p>
        ) : null}
        {status.kind === 'ready' && status.older.kind === 'failed' ? (
          <p className="chart-older" role="alert" data-testid="older-banner">
            {status.older.message}
            <button
              type="button"
              className="button small"
              onClick={() => controllerRef.current?.retryOlder()}
            >
              Retry
            </button>
          </p>
        ) : null}
        {status.kind === 'ready' && status.older.kind === 'waiting' ? (
          <OlderRetryBanner
            exchangeName={exchangeName}
            until={status.older.until}
            reason={status.older.message}
            onRetry={() => controllerRef.current?.retryOlder()}
          />
        ) : null}
        {unreachable ? <ExchangeUnreachable exchange={exchange} error={unreachable} /> : null}
        {status.kind === 'ready' && status.bars === 0 && !unreachable ? (
          <p className="chart-hint" role="status">
            Waiting for the first candles of {symbol} {timeframe}…
          </p>
        ) : null}
        {atLatest ? null : (
          <button
            type="button"
            className="button small chart-latest"
            onClick={() => controllerRef.current?.scrollToLatest()}
          >
            Latest ⇥
          </button>
        )}
        <div
          className="chart-canvas"
          ref={containerRef}
          data-testid="chart"
          data-series={`${exchange}|${symbol}|${timeframe}`}
          data-status={status.kind}
          // Only React writes it, in the same commit as the banners: written by the controller as
          // well, ahead of React's render, it said 'waiting' beside the loading banner for a moment.
          data-older={status.kind === 'ready' ? status.older.kind : undefined}
          data-placing={placing ? 'true' : undefined}
          aria-label={`Candlestick chart of ${symbol} on ${exchange}, ${timeframe}`}
          role="img"
        />
      </div>
    </div>
  );
}

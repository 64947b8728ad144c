import {
  CandlestickSeries,
  createChart,
  createSeriesMarkers,
  CrosshairMode,
  HistogramSeries,
  LineSeries,
  LineStyle,
  PriceScaleMode,
  TickMarkType,
  type CandlestickData,
  type HistogramData,
  type IChartApi,
  type IPriceLine,
  type ISeriesApi,
  type ISeriesMarkersPluginApi,
  type LineData,
  type LogicalRange,
  type MouseEventParams,
  type SeriesMarker,
  type Time,
  type UTCTimestamp,
  type WhitespaceData,
} from 'lightweight-charts';
import type { ContractApi } from '../../shared/contract';
import { MAX_HISTORY_CANDLES } from '../../shared/contract/methods/store';
import { ContractError } from '../../shared/contract/result';
import { MAX_CHART_INDICATORS, type IndicatorsUpdated } from '../../shared/contract/methods/ui';
import type { CandlesUpdated } from '../../shared/contract/methods/market';
import { seriesId, type Candle, type SeriesKey } from '../../shared/domain/market';
import { alignTime, timeframeMs } from '../../shared/timeframe';
import { formatPrice, formatVolume } from '../format/numbers';
import { formatDateTime, formatTick } from '../format/time';
import { CandleBuffer, type MissingRange } from './candle-buffer';
import { lineColor, type ChartColors } from './chart-colors';
import { OlderRetry } from './older-retry';
import type { IndicatorPlan, LineSpec } from './indicator-plan';
import { PriceLineDrag, type RuleLine } from './price-line-drag';

/** A shape on a candle; no text: names of rules would cover the candles (the history table has them). */
export type PriceScale = 'linear' | 'log' | 'percent';

const PRICE_SCALE_MODES: Record<PriceScale, PriceScaleMode> = {
  linear: PriceScaleMode.Normal,
  log: PriceScaleMode.Logarithmic,
  percent: PriceScaleMode.Percentage,
};
const SCALE_NAMES = Object.keys(PRICE_SCALE_MODES) as PriceScale[];

export type ChartMarker = {
  time: number;
  kind: 'buy' | 'sell' | 'info' | 'backtest';
};

/**
 * What scrolling back does next. `more`: older candles may exist, in the database or at the
 * exchange; `loading`: on their way (`fetched`: candles the exchange has sent for this chart so
 * far); `end`: there are none — the exchange's history starts here, the retention setting keeps no
 * older ones, or none can be fetched (`message` says why); `failed`: a request failed, nothing is
 * lost, and a retry is offered.
 */
/** A plan without its colours: what the series are built from. */
const shapeOf = (plan: IndicatorPlan) =>
  JSON.stringify({ ...plan, lines: plan.lines.map((l) => ({ ...l, color: 0 })) });

export type OlderHistory =
  | { kind: 'more' }
  | { kind: 'loading'; from: 'store' | 'exchange'; fetched: number }
  | { kind: 'end'; reason: 'exchange' | 'retention' | 'unavailable'; message?: string }
  | { kind: 'failed'; message: string }
  /** the exchange rate-limited scroll-back: it asks again by itself at `until` (epoch ms) */
  | { kind: 'waiting'; until: number; message: string };

export type ChartStatus =
  | { kind: 'idle' }
  | { kind: 'loading' }
  | { kind: 'ready'; bars: number; older: OlderHistory }
  | { kind: 'error'; message: string };

export type ChartControllerOptions = {
  api: ContractApi;
  container: HTMLElement;
  /** the legend element, written directly on crosshair moves (no React render per mouse move) */
  legend: HTMLElement;
  colors: ChartColors;
  onStatus(status: ChartStatus): void;
  /** a rule's price line was dragged to a new level */
  onRuleLineMoved(ruleId: number, price: number): void;
  /** the new price-alert line was released at a level */
  onDraftLinePlaced(price: number): void;
  /** the newest candle went out of view (the user panned back) or came back */
  onAtLatestChange(atLatest: boolean): void;
  /** candles loaded when a series opens */
  initialBars?: number;
  /** candles loaded per scroll-back step */
  pageBars?: number;
};

/** The axis labels in local time; ticks stay on the UTC grid the exchanges' candles open on. */
const TICK_KINDS = {
  [TickMarkType.Year]: 'year',
  [TickMarkType.Month]: 'month',
  [TickMarkType.DayOfMonth]: 'day',
  [TickMarkType.Time]: 'time',
  [TickMarkType.TimeWithSeconds]: 'seconds',
} as const;

const toTime = (ms: number) => (ms / 1000) as UTCTimestamp;
const fromTime = (t: Time) => (t as number) * 1000;
/** A screenful and then some: older candles load as the user pans back (scroll-back). */
const INITIAL_BARS = 300;
const PAGE_BARS = 1_000;
/**
 * Bars handed to lightweight-charts at a time. Its repaint after an update costs time in proportion
 * to the bars in the series (5.2.1, measured by bench/ui.ts: ~45 ms a frame at 50,000 bars, under a
 * frame at 5,000): the chart holds every candle loaded, but draws a window of them that slides as
 * the user pans.
 */
const DRAWN_BARS = 5_000;
/** The window slides when the view comes this close (bars) to one of its edges. */
const WINDOW_EDGE = 600;
/** Scroll-back starts when fewer than this many bars are left of the visible range. */
const SCROLL_BACK_MARGIN = 50;

/**
 * Owns one lightweight-charts instance: candles, volume, indicator lines and panes, markers, rule
 * lines. React hands it what to show; live candles go from the contract event straight into the
 * chart, once per animation frame, without a React render.
 */
export class ChartController {
  private readonly chart: IChartApi;
  private readonly candles: ISeriesApi<'Candlestick'>;
  private volume: ISeriesApi<'Histogram'>;
  private readonly markers: ISeriesMarkersPluginApi<Time>;
  private readonly drag: PriceLineDrag;
  private colors: ChartColors;
  private key: SeriesKey | null = null;
  private decimals: number | null = null;
  private buffer = new CandleBuffer('1m');
  /** buffer indices [start, end) of the bars lightweight-charts holds; logical index 0 = start */
  private win = { start: 0, end: 0 };
  private sliding = false;
  /** bumps on every series change: answers for an older series are dropped */
  private generation = 0;
  /** the database holds nothing older than the buffer's first candle: scroll-back asks the exchange */
  private storeExhausted = false;
  private older: OlderHistory = { kind: 'more' };
  /** candles the exchange sent for scroll-back since the series opened */
  private fetchedOlder = 0;
  /** scroll-back's retry after a rate limit, dropped when another series opens */
  private readonly olderRetry = new OlderRetry(() => this.retryOlder());
  /** open time of the candle under the cursor; null while the cursor is off the chart */
  private hoverTime: number | null = null;
  private plan: IndicatorPlan = { refs: [], lines: [], panes: [], volumePane: 0 };
  private lineSeries: { spec: LineSpec; series: ISeriesApi<'Line'> | ISeriesApi<'Histogram'> }[] = [];
  private guideLines: { series: ISeriesApi<'Line'> | ISeriesApi<'Histogram'>; line: IPriceLine }[] = [];
  /** indicator values by column, keyed by open time */
  private columns: Map<number, number | null>[] = [];
  private alertMarkers: ChartMarker[] = [];
  private backtestMarkers: ChartMarker[] = [];
  private pending: { closed: Candle[]; forming: Candle | null } | null = null;
  private frameRequested = false;
  private lastYFrameRequested = false;
  /** echoed by the core in indicators:updated: values of an older watch are dropped */
  private indicatorTag = '';
  private watches = 0;
  /** open times with new live indicator values, drawn at the next frame */
  private liveIndicatorTimes: number[] = [];
  private indicatorFrameRequested = false;
  private panesFrameRequested = false;
  /** the newest time each indicator line holds: lightweight-charts updates only from there on */
  private lineLast = new Map<ISeriesApi<'Line'> | ISeriesApi<'Histogram'>, number>();
  private status: ChartStatus = { kind: 'idle' };
  private atLatest = true;
  private readonly unsubscribe: () => void;
  private disposed = false;

  constructor(private readonly opts: ChartControllerOptions) {
    this.colors = opts.colors;
    this.chart = createChart(opts.container, {
      autoSize: true,
      layout: {
        background: { color: opts.colors.background },
        textColor: opts.colors.text,
        fontFamily: getComputedStyle(opts.container).fontFamily,
        attributionLogo: false,
        panes: { separatorColor: opts.colors.border, enableResize: true },
      },
      grid: { vertLines: { color: opts.colors.grid }, horzLines: { color: opts.colors.grid } },
      crosshair: { mode: CrosshairMode.Normal },
      // Only tick labels that fit: the top one of a pane was cut in half at its edge (issue 13).
      rightPriceScale: { borderColor: opts.colors.border, entireTextOnly: true },
      timeScale: {
        borderColor: opts.colors.border,
        timeVisible: true,
        rightOffset: 6,
        tickMarkFormatter: (t: Time, type: TickMarkType) => formatTick(fromTime(t), TICK_KINDS[type]),
      },
      localization: {
        // Candle times are UTC on the wire; people read their own clock.
        timeFormatter: (t: Time) => formatDateTime(fromTime(t)),
        priceFormatter: (p: number) => formatPrice(p, this.decimals),
      },
    });
    this.candles = this.chart.addSeries(CandlestickSeries, this.candleOptions());
    this.volume = this.addVolumeSeries(0);
    this.markers = createSeriesMarkers(this.candles, [], { zOrder: 'aboveSeries' });
    this.drag = new PriceLineDrag({
      container: opts.container,
      chart: this.chart,
      series: this.candles,
      round: (p) => this.roundPrice(p),
      decimals: () => this.decimals,
      format: (p) => formatPrice(p, this.decimals),
      onRuleLineMoved: opts.onRuleLineMoved,
      onDraftPlaced: opts.onDraftLinePlaced,
    });
    this.chart.subscribeCrosshairMove(this.onCrosshair);
    this.chart.timeScale().subscribeVisibleLogicalRangeChange(this.onRange);
    const offCandles = opts.api.on('candles:updated', (u) => this.onUpdate(u));
    const offIndicators = opts.api.on('indicators:updated', (u) => this.onIndicators(u));
    this.unsubscribe = () => {
      offCandles();
      offIndicators();
    };
  }

  /** Opens a series: its stored history, then live candles. */
  async load(key: SeriesKey, decimals: number | null): Promise<void> {
    const generation = ++this.generation;
    if (this.key && seriesId(this.key) !== seriesId(key)) this.unfollow(this.key);
    this.key = key;
    this.decimals = decimals;
    this.buffer = new CandleBuffer(key.timeframe);
    this.win = { start: 0, end: 0 };
    this.storeExhausted = false;
    this.older = { kind: 'more' };
    this.olderRetry.reset();
    this.fetchedOlder = 0;
    this.pending = null;
    this.columns = this.plan.refs.map(() => new Map());
    this.candles.setData([]);
    this.volume.setData([]);
    for (const l of this.lineSeries) l.series.setData([]);
    this.lineLast.clear();
    this.markers.setMarkers([]);
    this.chart.applyOptions({
      timeScale: { secondsVisible: timeframeMs(key.timeframe) < 60_000 },
    });
    this.setStatus({ kind: 'loading' });
    try {
      const history = await this.readHistory(key, this.opts.initialBars ?? INITIAL_BARS);
      if (generation !== this.generation) return;
      // Live candles may have arrived while history was on its way: they stay on top of it.
      // (read through a cast: TypeScript cannot see the event handler fill it during the await)
      const early = this.pending as { closed: Candle[]; forming: Candle | null } | null;
      this.pending = null;
      this.buffer.reset(history.candles);
      if (early) this.buffer.apply(early.closed, early.forming);
      this.storeExhausted = history.reachedStart;
      this.redrawAll({ latest: true });
      this.chart.timeScale().scrollToRealTime();
      this.updateAtLatest();
      this.setReady();
      this.follow();
      await this.fetchIndicators(0, this.buffer.length);
    } catch (err) {
      if (generation === this.generation) this.setStatus({ kind: 'error', message: messageOf(err) });
    }
  }

  /** Linear, logarithmic, or percent from the first visible bar: the price pane's right scale. */
  setPriceScale(scale: PriceScale): void {
    const right = this.chart.priceScale('right');
    right.applyOptions({ mode: PRICE_SCALE_MODES[scale] });
    // What the chart took, read back from it: tests and screenshots check the real mode.
    const mode = right.options().mode;
    this.opts.container.dataset.priceScale = SCALE_NAMES.find((n) => PRICE_SCALE_MODES[n] === mode) ?? '';
  }

  setPriceDecimals(decimals: number | null): void {
    this.decimals = decimals;
    this.candles.applyOptions(this.candleOptions());
  }

  setIndicators(plan: IndicatorPlan): void {
    const same = JSON.stringify(plan) === JSON.stringify(this.plan);
    if (same) return;
    if (shapeOf(plan) === shapeOf(this.plan)) {
      // Only colours changed: the lines are recoloured where they are, values and all, rather than
      // rebuilt and fetched again (the legend showed "—" for a moment after each colour picked).
      this.plan = plan;
      this.lineSeries.forEach((l, i) => {
        l.spec = plan.lines[i]!;
        l.series.applyOptions({ color: lineColor(this.colors, l.spec.color) });
      });
      this.refreshLegend();
      this.publishPanesSoon();
      return;
    }
    for (const l of this.lineSeries) this.chart.removeSeries(l.series);
    for (const g of this.guideLines) g.series.removePriceLine(g.line);
    this.chart.removeSeries(this.volume);
    this.lineSeries = [];
    this.lineLast.clear();
    this.guideLines = [];
    // Panes below the price are rebuilt from scratch: simpler than moving series between them.
    while (this.chart.panes().length > 1) this.chart.removePane(this.chart.panes().length - 1);
    this.plan = plan;
    this.volume = this.addVolumeSeries(plan.volumePane);
    for (const spec of plan.lines) {
      const color = lineColor(this.colors, spec.color);
      const range = spec.pane > 0 ? plan.panes[spec.pane - 1]?.range : undefined;
      // An oscillator's pane keeps its formula's bounds, so 30 / 70 stay on screen: autoscaled,
      // RSI filled its pane between ~40 and ~80 and the 30 line was off it (issue 13).
      const fixed = range
        ? { autoscaleInfoProvider: () => ({ priceRange: { minValue: range.min, maxValue: range.max } }) }
        : {};
      const common = {
        color,
        priceLineVisible: false,
        lastValueVisible: spec.lastValue,
        title: '',
        priceScaleId: spec.scale,
        ...fixed,
      };
      const series =
        spec.style === 'histogram'
          ? this.chart.addSeries(HistogramSeries, common, spec.pane)
          : this.chart.addSeries(
              LineSeries,
              {
                ...common,
                lineWidth: spec.pane === 0 ? 1 : 2,
                lineStyle: spec.style === 'dashed' ? LineStyle.Dashed : LineStyle.Solid,
                crosshairMarkerVisible: false,
                priceFormat:
                  spec.pane === 0 && spec.scale === 'right'
                    ? { type: 'custom', formatter: (p: number) => formatPrice(p, this.decimals) }
                    : spec.scale === 'volume' || plan.panes[spec.pane - 1]?.kind === 'obv'
                      ? { type: 'volume' }
                      : { type: 'price', precision: 2, minMove: 0.01 },
              },
              spec.pane,
            );
      this.lineSeries.push({ spec, series });
    }
    plan.panes.forEach((pane, i) => {
      const first = this.lineSeries.find((l) => l.spec.pane === i + 1);
      if (!first) return;
      // Room above the highest value and below the lowest, and only labels that fit (each pane
      // has a price scale of its own).
      first.series
        .priceScale()
        .applyOptions({ entireTextOnly: true, scaleMargins: { top: 0.1, bottom: 0.08 } });
      for (const price of pane.guides) {
        const line = first.series.createPriceLine({
          price,
          color: this.colors.border,
          lineStyle: LineStyle.Dashed,
          lineWidth: 1,
          axisLabelVisible: false,
        });
        this.guideLines.push({ series: first.series, line });
      }
    });
    const panes = this.chart.panes();
    panes[0]?.setStretchFactor(3);
    for (let i = 1; i < panes.length; i++) panes[i]!.setStretchFactor(1);
    this.columns = plan.refs.map(() => new Map());
    this.drawVolume();
    this.publishPanesSoon();
    if (this.key) this.follow();
    if (this.key && this.buffer.length > 0) void this.fetchIndicators(0, this.buffer.length);
  }

  setAlertMarkers(markers: ChartMarker[]): void {
    this.alertMarkers = markers;
    this.drawMarkers();
  }

  setBacktestMarkers(markers: ChartMarker[]): void {
    this.backtestMarkers = markers;
    this.drawMarkers();
  }

  setRuleLines(lines: RuleLine[]): void {
    this.drag.setRuleLines(lines, this.colors);
  }

  /**
   * The line of a new price alert: while it is being placed (`'placing'`), at the pointer's price
   * (the last price until the pointer is over the chart); once placed, fixed at `placed` while its
   * message is written.
   */
  setDraftLine(draft: 'placing' | { placed: number } | null): void {
    if (draft === null) return this.drag.setDraft(null, this.colors);
    if (draft !== 'placing') return this.drag.setDraft(draft.placed, this.colors, false);
    const last = this.buffer.last;
    this.drag.setDraft(last ? last[4] : null, this.colors);
  }

  setColors(colors: ChartColors): void {
    this.colors = colors;
    this.chart.applyOptions({
      layout: {
        background: { color: colors.background },
        textColor: colors.text,
        panes: { separatorColor: colors.border },
      },
      grid: { vertLines: { color: colors.grid }, horzLines: { color: colors.grid } },
      rightPriceScale: { borderColor: colors.border },
      timeScale: { borderColor: colors.border },
    });
    this.candles.applyOptions(this.candleOptions());
    for (const l of this.lineSeries) l.series.applyOptions({ color: lineColor(colors, l.spec.color) });
    for (const g of this.guideLines) g.line.applyOptions({ color: colors.border });
    this.drag.recolor(colors);
    this.drawVolume();
    this.drawMarkers();
    this.publishPanesSoon();
  }

  /** Shows the candle opening at `time` (an alert clicked in the history), loading older history first. */
  async focus(time: number): Promise<void> {
    const key = this.key;
    if (!key) return;
    const generation = this.generation;
    const target = alignTime(time, key.timeframe);
    const tf = timeframeMs(key.timeframe);
    const first = this.buffer.first?.[0];
    if (first !== undefined && target < first) {
      const older = this.older;
      this.setReady({ kind: 'loading', from: 'store', fetched: this.fetchedOlder });
      const from = target - 200 * tf;
      let to = first - 1;
      let prepended = 0;
      while (to >= from && generation === this.generation) {
        const page = await this.opts.api.call('candles:history', {
          series: key,
          from: Math.max(0, from),
          to,
        });
        if (generation !== this.generation) return;
        const added = this.buffer.prepend(page.candles);
        prepended += added;
        if (page.candles.length > 0) void this.fetchIndicators(0, added);
        if (!page.truncated || page.candles.length === 0) break;
        to = page.candles[0]![0] - 1;
      }
      this.redrawAll({ prepended });
      this.setReady(older);
    }
    const index = this.buffer.all.findIndex((c) => c[0] >= target);
    if (index < 0) return;
    this.redrawAll({ center: index });
    this.chart
      .timeScale()
      .setVisibleLogicalRange({ from: index - this.win.start - 60, to: index - this.win.start + 30 });
  }

  dispose(): void {
    this.disposed = true;
    this.generation++;
    this.olderRetry.reset();
    this.unsubscribe();
    if (this.key) this.unfollow(this.key);
    this.drag.dispose();
    this.chart.unsubscribeCrosshairMove(this.onCrosshair);
    this.chart.timeScale().unsubscribeVisibleLogicalRangeChange(this.onRange);
    this.chart.remove();
  }

  // ---- live updates

  private onUpdate(u: CandlesUpdated): void {
    const k = this.key;
    if (
      !k ||
      u.series.symbol !== k.symbol ||
      u.series.timeframe !== k.timeframe ||
      u.series.exchange !== k.exchange
    )
      return;
    const p = (this.pending ??= { closed: [], forming: null });
    p.closed.push(...u.closed);
    if (u.forming) p.forming = u.forming;
    // A newer closed candle supersedes a forming value held from before it.
    if (p.forming && u.closed.length > 0 && p.forming[0] <= u.closed[u.closed.length - 1]![0])
      p.forming = null;
    if (this.status.kind !== 'ready' || this.frameRequested) return;
    this.frameRequested = true;
    requestAnimationFrame(() => this.flushLive());
  }

  private flushLive(): void {
    this.frameRequested = false;
    if (this.disposed || !this.pending || this.status.kind !== 'ready') return;
    const { closed, forming } = this.pending;
    this.pending = null;
    performance.mark('chart:live-start');
    const following = this.win.end === this.buffer.length;
    const { bars, missing } = this.buffer.apply(closed, forming);
    // Scrolled far back, the newest candles are outside the drawn window: held, not drawn.
    if (following) {
      // Before the updates: the chart reports its range change synchronously from inside them.
      this.win.end = this.buffer.length;
      for (const bar of bars) {
        this.candles.update(toCandleData(bar));
        this.volume.update(this.volumeBar(bar));
      }
      // Days of live candles grow the window: trimmed to size now and then.
      if (this.win.end - this.win.start > DRAWN_BARS + WINDOW_EDGE) this.redrawAll({});
    }
    performance.measure('chart:live-update', 'chart:live-start');
    this.drag.setLastPrice(this.buffer.last?.[4] ?? null);
    if (missing) this.fillHole(missing);
    // Candles that arrive live after an empty first load (a symbol just added) end the "waiting"
    // state; a status change only when the count changes, so a tick re-renders nothing.
    if (this.status.kind === 'ready' && this.status.bars !== this.buffer.length) this.setReady();
    else this.refreshLegend();
    this.publish();
  }

  /** candles:history reads the writer's queue too: what the live stream skipped is there now. */
  private fillHole(missing: MissingRange): void {
    const key = this.key;
    if (!key) return;
    const generation = this.generation;
    this.opts.api.call('candles:history', { series: key, from: missing.from, to: missing.to }).then(
      (page) => {
        if (generation !== this.generation) return;
        if (this.buffer.merge(page.candles) > 0) {
          this.redrawAll({});
          void this.fetchIndicators(0, this.buffer.length);
        }
      },
      (err: unknown) => console.warn('the candles of a hole could not be loaded', err),
    );
  }

  // ---- history

  private async readHistory(
    key: SeriesKey,
    bars: number,
  ): Promise<{ candles: Candle[]; reachedStart: boolean }> {
    const pages: Candle[][] = [];
    let remaining = bars;
    let before: number | undefined;
    let reachedStart = false;
    while (remaining > 0) {
      const limit = Math.min(remaining, MAX_HISTORY_CANDLES);
      const page =
        before === undefined
          ? await this.opts.api.call('candles:history', { series: key, last: limit })
          : await this.opts.api.call('candles:history', { series: key, before, limit });
      pages.unshift(page.candles);
      remaining -= page.candles.length;
      const oldest = page.candles[0];
      if (!oldest || page.candles.length < limit || (page.stored && oldest[0] <= page.stored.first)) {
        reachedStart = true;
        break;
      }
      before = oldest[0];
    }
    return { candles: pages.flat(), reachedStart };
  }

  /** Back to the newest candle, as it was before the user panned. */
  scrollToLatest(): void {
    if (this.win.end < this.buffer.length) this.redrawAll({ latest: true });
    // Not scrollToRealTime: it animates, and the range events of the animation start near the
    // window's left edge, which slides the window back into the past; "Latest" then stayed shown.
    const time = this.chart.timeScale();
    time.scrollToPosition(time.options().rightOffset, false);
    this.updateAtLatest();
  }

  private readonly onRange = (range: LogicalRange | null) => {
    if (!range || this.sliding) return;
    const drawn = this.win.end - this.win.start;
    this.updateAtLatest(range);
    // Near an edge of the drawn window with more candles held beyond it: slide the window (unless
    // zoomed out so far that centring would not move it).
    const nearEdge =
      (range.from < WINDOW_EDGE && this.win.start > 0) ||
      (range.to > drawn - WINDOW_EDGE && this.win.end < this.buffer.length);
    if (nearEdge && this.windowStart(this.win.start + (range.from + range.to) / 2) !== this.win.start) {
      this.redrawAll({});
      return;
    }
    this.scrollBackIfAtStart(range);
  };

  /** Loads older candles while the view is at the start of what the chart holds (and more may exist). */
  private scrollBackIfAtStart(range = this.chart.timeScale().getVisibleLogicalRange()): void {
    if (!range || this.older.kind !== 'more' || this.status.kind !== 'ready' || this.win.start > 0) return;
    if (range.from > SCROLL_BACK_MARGIN) return;
    void this.loadOlder();
  }

  /**
   * Scroll-back again after a failed request (the user pressed Retry) or once a rate limit's wait
   * is over; a Retry during the wait goes at once. Never while a request is on its way: one at a
   * time per chart.
   */
  retryOlder(): void {
    if (this.older.kind !== 'failed' && this.older.kind !== 'waiting') return;
    this.olderRetry.cancel();
    this.older = { kind: 'more' };
    void this.loadOlder();
  }

  /**
   * One step of scroll-back: the next page from the database, and once it holds nothing older,
   * from the exchange (the core stores what it fetches, so the next time it is in the database).
   * The view keeps its candles where they were; if it is still at the start, the next step follows.
   */
  private async loadOlder(): Promise<void> {
    const key = this.key;
    const first = this.buffer.first;
    if (!key || !first || this.older.kind !== 'more') return;
    const generation = this.generation;
    const limit = this.opts.pageBars ?? PAGE_BARS;
    let next: OlderHistory = { kind: 'more' };
    let added = 0;
    try {
      let candles: readonly Candle[] = [];
      if (!this.storeExhausted) {
        this.setReady({ kind: 'loading', from: 'store', fetched: this.fetchedOlder });
        const page = await this.opts.api.call('candles:history', { series: key, before: first[0], limit });
        if (generation !== this.generation) return;
        if (page.candles.length < limit) this.storeExhausted = true;
        candles = page.candles;
      }
      if (candles.length === 0) {
        this.setReady({ kind: 'loading', from: 'exchange', fetched: this.fetchedOlder });
        const fetched = await this.opts.api.call('candles:fetch-older', { series: key, limit });
        if (generation !== this.generation) return;
        candles = fetched.candles;
        this.fetchedOlder += fetched.candles.length;
        const error = fetched.error;
        if (error?.kind === 'rate-limited') {
          next = {
            kind: 'waiting',
            until: this.olderRetry.schedule(error.retryInMs),
            message: error.message,
          };
        } else {
          this.olderRetry.succeeded();
          if (error) next = { kind: 'failed', message: error.message };
          else if (fetched.end) next = { kind: 'end', reason: fetched.end };
        }
      }
      added = this.buffer.prepend(candles);
      if (added > 0) {
        this.redrawAll({ prepended: added });
        void this.fetchIndicators(0, added);
      }
    } catch (err) {
      if (generation !== this.generation) return;
      // The core's refusal (a timeframe built from 1m, nothing stored yet) is final for this
      // series; anything else (the connection to the core dropped) is worth a retry.
      next =
        err instanceof ContractError && err.code === 'unavailable'
          ? { kind: 'end', reason: 'unavailable', message: err.message }
          : { kind: 'failed', message: messageOf(err) };
    }
    this.setReady(next);
    // Still at the start: the next step follows (not after an empty one: the user's next pan asks).
    if (added > 0) this.scrollBackIfAtStart();
  }

  // ---- indicators

  /**
   * Indicator values over the closed candles of buffer[start, end), in chunks the contract accepts.
   * The forming candle's values (and every later one) arrive live in indicators:updated.
   */
  private async fetchIndicators(start: number, end: number): Promise<void> {
    const key = this.key;
    const all = this.buffer.closed();
    end = Math.min(end, all.length);
    if (!key || this.plan.refs.length === 0 || end <= start) return;
    const generation = this.generation;
    const plan = this.plan;
    const chunks: { from: number; to: number }[] = [];
    for (let i = start; i < end; i += MAX_HISTORY_CANDLES) {
      const last = Math.min(end, i + MAX_HISTORY_CANDLES) - 1;
      chunks.push({ from: all[i]![0], to: all[last]![0] });
    }
    try {
      for (const chunk of chunks) {
        for (let r = 0; r < plan.refs.length; r += MAX_CHART_INDICATORS) {
          const refs = plan.refs.slice(r, r + MAX_CHART_INDICATORS);
          const answer = await this.opts.api.call('chart:indicators', {
            series: key,
            indicators: refs,
            from: chunk.from,
            to: chunk.to,
          });
          if (generation !== this.generation || plan !== this.plan) return;
          refs.forEach((_, j) => {
            const column = this.columns[r + j]!;
            answer.times.forEach((t, k) => column.set(t, answer.values[j]![k] ?? null));
          });
        }
      }
      this.drawIndicators();
      this.refreshLegend();
    } catch (err) {
      console.warn('indicator values could not be loaded', err);
    }
  }

  /** The core computes the live values (indicators:watch); the chart follows its current plan. */
  private follow(): void {
    const key = this.key;
    if (!key) return;
    this.indicatorTag = `${this.generation}:${++this.watches}`;
    this.opts.api
      .call('indicators:watch', { series: key, indicators: this.plan.refs, tag: this.indicatorTag })
      .catch((err: unknown) => console.warn('live indicator values could not be followed', err));
  }

  private unfollow(key: SeriesKey): void {
    this.opts.api
      .call('indicators:watch', { series: key, indicators: [], tag: '' })
      .catch((err: unknown) => console.warn('live indicator values could not be stopped', err));
  }

  private onIndicators(u: IndicatorsUpdated): void {
    if (u.tag !== this.indicatorTag || this.disposed) return;
    u.closed.values.forEach((column, j) =>
      column.forEach((v, k) => this.columns[j]?.set(u.closed.times[k]!, v)),
    );
    this.liveIndicatorTimes.push(...u.closed.times);
    if (u.forming) {
      u.forming.values.forEach((v, j) => this.columns[j]?.set(u.forming!.time, v));
      this.liveIndicatorTimes.push(u.forming.time);
    }
    if (this.indicatorFrameRequested) return;
    this.indicatorFrameRequested = true;
    requestAnimationFrame(() => this.flushIndicators());
  }

  /** Appends the new values to the lines, unless the drawn window is scrolled back (then redraws do). */
  private flushIndicators(): void {
    this.indicatorFrameRequested = false;
    const times = [...new Set(this.liveIndicatorTimes)].sort((a, b) => a - b);
    this.liveIndicatorTimes = [];
    if (this.disposed || this.status.kind !== 'ready' || this.win.end !== this.buffer.length) return;
    for (const { spec, series } of this.lineSeries) {
      const column = this.columns[spec.column];
      const last = this.lineLast.get(series) ?? -Infinity;
      if (!column) continue;
      for (const t of times) {
        if (t < last) continue;
        series.update(this.linePoint(spec, t, column.get(t)) as never);
        this.lineLast.set(series, t);
      }
    }
    this.publishPanesSoon();
  }

  private drawIndicators(): void {
    const times = this.drawnBars().map((c) => c[0]);
    for (const { spec, series } of this.lineSeries) {
      const column = this.columns[spec.column];
      if (!column) continue;
      // Before its values arrive a line is empty: thousands of blank points would cost a full draw.
      series.setData(
        column.size === 0 ? [] : (times.map((t) => this.linePoint(spec, t, column.get(t))) as never),
      );
      this.lineLast.set(series, column.size === 0 ? -Infinity : (times.at(-1) ?? -Infinity));
    }
    this.publishPanesSoon();
  }

  /** After the next paint, when the chart has scaled the panes to what was just drawn. */
  private publishPanesSoon(): void {
    if (this.panesFrameRequested) return;
    this.panesFrameRequested = true;
    requestAnimationFrame(() => {
      this.panesFrameRequested = false;
      if (!this.disposed) this.publishPanes();
    });
  }

  /**
   * Each pane as the chart shows it, read back from lightweight-charts, on the container's
   * dataset: its scale's visible range, its reference lines, how many value labels its price
   * axis carries and the colour each indicator line is drawn in. The e2e tests check fixed scales,
   * labels that do not pile up and line colours with it.
   */
  private publishPanes(): void {
    const panes = this.chart.panes().map((pane, i) => {
      const spec = i === 0 ? undefined : this.plan.panes[i - 1];
      const range = pane.priceScale('right').getVisibleRange();
      const labels = pane.getSeries().filter((series) => series.options().lastValueVisible).length;
      return {
        label: spec?.label ?? 'Price',
        min: range ? Number(range.from.toFixed(2)) : null,
        max: range ? Number(range.to.toFixed(2)) : null,
        guides: spec?.guides ?? [],
        labels,
        lines: this.lineSeries
          .filter((l) => l.spec.pane === i && l.spec.style !== 'histogram')
          .map((l) => ({ label: l.spec.label, color: (l.series.options() as { color: string }).color })),
      };
    });
    this.opts.container.dataset.panes = JSON.stringify(panes);
  }

  private linePoint(
    spec: LineSpec,
    t: number,
    value: number | null | undefined,
  ): LineData | HistogramData | WhitespaceData {
    if (value === null || value === undefined) return { time: toTime(t) };
    if (spec.style === 'histogram') {
      return { time: toTime(t), value, color: value >= 0 ? this.colors.upVolume : this.colors.downVolume };
    }
    return { time: toTime(t), value };
  }

  // ---- drawing

  /**
   * Hands lightweight-charts the window of bars to draw, keeping the candles on screen where they
   * were. `latest`: the newest DRAWN_BARS; `center`: around that buffer index; otherwise around the
   * visible range. `prepended`: bars put in front of the buffer since the last draw.
   */
  private redrawAll(o: { latest?: boolean; center?: number; prepended?: number }): void {
    performance.mark('chart:draw-start');
    const n = this.buffer.length;
    const shift = this.win.start + (o.prepended ?? 0);
    const range = o.latest ? null : this.chart.timeScale().getVisibleLogicalRange();
    const middle = o.center ?? (range ? shift + (range.from + range.to) / 2 : n);
    const start = o.latest ? Math.max(0, n - DRAWN_BARS) : this.windowStart(middle);
    this.win = { start, end: Math.min(n, start + DRAWN_BARS) };
    this.sliding = true;
    try {
      this.candles.setData(this.drawnBars().map(toCandleData));
      this.drawVolume();
      this.drawIndicators();
      this.drawMarkers();
      if (range) {
        const by = shift - start;
        this.chart.timeScale().setVisibleLogicalRange({ from: range.from + by, to: range.to + by });
      }
    } finally {
      this.sliding = false;
    }
    this.updateAtLatest();
    this.drag.setLastPrice(this.buffer.last?.[4] ?? null);
    performance.measure('chart:draw', 'chart:draw-start');
    this.publish();
  }

  /** Whether the newest candle is in view; range events alone miss changes made while sliding. */
  private updateAtLatest(range = this.chart.timeScale().getVisibleLogicalRange()): void {
    if (!range) return;
    const drawn = this.win.end - this.win.start;
    const atLatest = this.win.end === this.buffer.length && range.to >= drawn - 2;
    if (atLatest === this.atLatest) return;
    this.atLatest = atLatest;
    this.opts.onAtLatestChange(atLatest);
  }

  /** Start of a window centred on buffer position `middle`, kept inside the buffer. */
  private windowStart(middle: number): number {
    return clamp(Math.round(middle - DRAWN_BARS / 2), 0, Math.max(0, this.buffer.length - DRAWN_BARS));
  }

  private drawnBars(): readonly Candle[] {
    return this.buffer.all.slice(this.win.start, this.win.end);
  }

  /**
   * What is drawn, on the container's dataset: the price-alert code reads the last close from it,
   * and the e2e tests and the bench read bars, first time and the last price's pixel row.
   */
  private publish(): void {
    const d = this.opts.container.dataset;
    const last = this.buffer.last;
    d.bars = String(this.buffer.length);
    d.firstTime = String(this.buffer.first?.[0] ?? '');
    d.lastClose = String(last?.[4] ?? '');
    this.publishLastY();
    // The chart rescales to a new high or low in its own next frame, after this one: the row read
    // now is on the old scale, so it is read again once that frame has drawn.
    if (this.lastYFrameRequested) return;
    this.lastYFrameRequested = true;
    requestAnimationFrame(() => {
      this.lastYFrameRequested = false;
      if (!this.disposed) this.publishLastY();
    });
  }

  private publishLastY(): void {
    const last = this.buffer.last;
    const y = last ? this.candles.priceToCoordinate(last[4]) : null;
    this.opts.container.dataset.lastY = y === null ? '' : String(Math.round(y));
  }

  private drawVolume(): void {
    this.volume.setData(this.drawnBars().map((c) => this.volumeBar(c)));
  }

  private volumeBar(c: Candle): HistogramData {
    return {
      time: toTime(c[0]),
      value: c[5],
      color: c[4] >= c[1] ? this.colors.upVolume : this.colors.downVolume,
    };
  }

  private drawMarkers(): void {
    const first = this.buffer.first?.[0];
    const last = this.buffer.last?.[0];
    const key = this.key;
    // How many backtest markers are drawn, for the e2e tests (a stale set must not linger).
    let backtests = 0;
    this.opts.container.dataset.backtestMarkers = '0';
    if (first === undefined || last === undefined || !key) {
      this.markers.setMarkers([]);
      return;
    }
    const held = new Set(this.drawnBars().map((c) => c[0]));
    const out: SeriesMarker<Time>[] = [];
    for (const m of [...this.alertMarkers, ...this.backtestMarkers]) {
      const t = alignTime(m.time, key.timeframe);
      if (!held.has(t)) continue;
      if (m.kind === 'backtest') backtests++;
      out.push({
        time: toTime(t),
        position: m.kind === 'sell' ? 'aboveBar' : 'belowBar',
        shape:
          m.kind === 'buy'
            ? 'arrowUp'
            : m.kind === 'sell'
              ? 'arrowDown'
              : m.kind === 'backtest'
                ? 'square'
                : 'circle',
        color:
          m.kind === 'buy'
            ? this.colors.up
            : m.kind === 'sell'
              ? this.colors.down
              : m.kind === 'backtest'
                ? this.colors.accent
                : this.colors.warn,
      });
    }
    out.sort((a, b) => (a.time as number) - (b.time as number));
    this.markers.setMarkers(out);
    this.opts.container.dataset.backtestMarkers = String(backtests);
  }

  private addVolumeSeries(pane: number): ISeriesApi<'Histogram'> {
    const series = this.chart.addSeries(
      HistogramSeries,
      {
        priceFormat: { type: 'volume' },
        priceScaleId: pane === 0 ? 'volume' : 'right',
        priceLineVisible: false,
        lastValueVisible: pane !== 0,
      },
      pane,
    );
    // On the price pane, volume keeps to the bottom fifth under the candles.
    if (pane === 0) series.priceScale().applyOptions({ scaleMargins: { top: 0.8, bottom: 0 } });
    return series;
  }

  private candleOptions() {
    const minMove = this.decimals === null ? 0.01 : Math.pow(10, -this.decimals);
    return {
      upColor: this.colors.up,
      downColor: this.colors.down,
      borderUpColor: this.colors.up,
      borderDownColor: this.colors.down,
      wickUpColor: this.colors.up,
      wickDownColor: this.colors.down,
      priceFormat: { type: 'price' as const, precision: this.decimals ?? 2, minMove },
    };
  }

  private roundPrice(p: number): number {
    const d = this.decimals ?? 2;
    return Number(p.toFixed(d));
  }

  private readonly onCrosshair = (param: MouseEventParams) => {
    this.hoverTime = param.time !== undefined ? fromTime(param.time) : null;
    this.refreshLegend();
  };

  /**
   * The legend shows the candle under the cursor, or the live candle when the cursor is away: it
   * is rewritten on every live update and every indicator answer, not only on mouse moves (it
   * showed a candle two minutes old, and "EMA(9) —", in issue 13).
   */
  private refreshLegend(): void {
    if (this.hoverTime !== null) {
      this.writeLegend(this.candleAt(this.hoverTime) ?? null, this.hoverTime);
      return;
    }
    const last = this.buffer.last;
    this.writeLegend(last ?? null, last?.[0]);
  }

  private candleAt(time: number): Candle | undefined {
    const all = this.buffer.all;
    // Binary search: 50,000 bars and a mouse move per frame.
    let lo = 0;
    let hi = all.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const t = all[mid]![0];
      if (t === time) return all[mid];
      if (t < time) lo = mid + 1;
      else hi = mid - 1;
    }
    return undefined;
  }

  private writeLegend(candle: Candle | null, time: number | undefined): void {
    const el = this.opts.legend;
    if (!candle || time === undefined) {
      el.textContent = '';
      return;
    }
    const d = this.decimals;
    const change = candle[4] - candle[1];
    // label, value, tone (up / down), colour of the line it names
    const parts: [string, string, string?, string?][] = [
      ['', formatDateTime(candle[0])],
      ['O', formatPrice(candle[1], d)],
      ['H', formatPrice(candle[2], d)],
      ['L', formatPrice(candle[3], d)],
      ['C', formatPrice(candle[4], d), change >= 0 ? 'up' : 'down'],
      ['V', formatVolume(candle[5])],
    ];
    for (const { spec } of this.lineSeries) {
      if (spec.style === 'histogram') continue;
      const value = this.columns[spec.column]?.get(candle[0]);
      const digits = spec.pane === 0 && spec.scale === 'right' ? d : 2;
      parts.push([
        spec.label,
        value === null || value === undefined
          ? '—'
          : spec.scale === 'volume'
            ? formatVolume(value)
            : formatPrice(value, digits),
        undefined,
        lineColor(this.colors, spec.color),
      ]);
    }
    const frag = document.createDocumentFragment();
    for (const [label, value, tone, color] of parts) {
      const item = document.createElement('span');
      item.className = 'legend-item';
      if (label) {
        const l = document.createElement('span');
        l.className = 'legend-label';
        if (color) l.style.color = color;
        l.textContent = label;
        item.append(l, ' ');
      }
      const v = document.createElement('span');
      v.className = tone ? `legend-value ${tone}` : 'legend-value';
      v.textContent = value;
      item.append(v);
      frag.append(item);
    }
    el.replaceChildren(frag);
  }

  private setReady(older: OlderHistory = this.older): void {
    this.older = older;
    this.setStatus({ kind: 'ready', bars: this.buffer.length, older });
    this.refreshLegend();
  }

  private setStatus(status: ChartStatus): void {
    this.status = status;
    this.opts.onStatus(status);
  }
}

function toCandleData(c: Candle): CandlestickData {
  return { time: toTime(c[0]), open: c[1], high: c[2], low: c[3], close: c[4] };
}

const clamp = (x: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, x));

const messageOf = (err: unknown) => (err instanceof Error ? err.message : String(err));

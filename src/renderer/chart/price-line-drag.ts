import { LineStyle, type IChartApi, type IPriceLine, type ISeriesApi } from 'lightweight-charts';
import { isTypingTarget } from '../keyboard/shortcuts';
import type { ChartColors } from './chart-colors';
import { draftKeyStep, stepPrice } from './draft-step';

export type RuleLine = { ruleId: number; price: number; label: string; active: boolean };

type Options = {
  container: HTMLElement;
  chart: IChartApi;
  series: ISeriesApi<'Candlestick'>;
  round(price: number): number;
  /** the market's price decimals, for the smallest arrow-key step */
  decimals(): number | null;
  format(price: number): string;
  onRuleLineMoved(ruleId: number, price: number): void;
  onDraftPlaced(price: number): void;
};

type Held = { line: IPriceLine; rule: RuleLine };
type Dragging = { kind: 'rule'; ruleId: number; price: number } | { kind: 'draft'; price: number };

/** How close (px) the pointer must be to a line to grab it. */
const GRAB_PX = 6;

/**
 * Horizontal price-alert lines that can be dragged. lightweight-charts draws price lines but has
 * no drag: mouse events are taken in the capture phase on the chart's container, before the chart
 * sees them, only when they start on a line (the chart still pans everywhere else). The chart
 * listens to mouse events, not pointer events, so those are the ones intercepted.
 */
export class PriceLineDrag {
  private readonly held = new Map<number, Held>();
  private draft: IPriceLine | null = null;
  private draftPrice = 0;
  /** The draft follows the pointer and the arrow keys until it is placed; then it stays put. */
  private draftFollows = false;
  /** Where the pointer last was over the price pane, if it is there now. */
  private pointerAt: number | null = null;
  private dragging: Dragging | null = null;
  private lastPrice: number | null = null;
  private colors: ChartColors | null = null;

  constructor(private readonly o: Options) {
    o.container.addEventListener('mousedown', this.onDown, true);
    o.container.addEventListener('mousemove', this.onHover, true);
    window.addEventListener('mousemove', this.onMove, true);
    window.addEventListener('mouseup', this.onUp, true);
    window.addEventListener('keydown', this.onKey, true);
  }

  setRuleLines(lines: RuleLine[], colors: ChartColors): void {
    this.colors = colors;
    const wanted = new Map(lines.map((l) => [l.ruleId, l]));
    for (const [id, h] of this.held) {
      if (wanted.has(id)) continue;
      this.o.series.removePriceLine(h.line);
      this.held.delete(id);
    }
    for (const rule of lines) {
      const h = this.held.get(rule.ruleId);
      // The line being dragged keeps its place until the edit is saved.
      if (this.dragging?.kind === 'rule' && this.dragging.ruleId === rule.ruleId) continue;
      if (h) {
        h.rule = rule;
        h.line.applyOptions(this.ruleLineOptions(rule, colors));
      } else {
        this.held.set(rule.ruleId, {
          rule,
          line: this.o.series.createPriceLine(this.ruleLineOptions(rule, colors)),
        });
      }
    }
  }

  /**
   * The draft line of a new price alert at `price`, or none. While it `follows`, it sits at the
   * pointer's price (from the start when the pointer is over the chart), arrow keys step it and
   * Enter places it; once placed it stays where it was placed.
   */
  setDraft(price: number | null, colors: ChartColors, follows = true): void {
    this.colors = colors;
    if (price === null) {
      if (this.draft) this.o.series.removePriceLine(this.draft);
      this.draft = null;
      this.draftFollows = false;
      if (this.dragging?.kind === 'draft') this.endDrag();
      this.publishDraft();
      return;
    }
    const starting = this.draft === null;
    this.draftFollows = follows;
    const atPointer = starting && follows && this.pointerAt !== null ? this.priceAt(this.pointerAt) : null;
    if (!this.draft) this.draft = this.o.series.createPriceLine(this.draftOptions(price, colors));
    this.moveDraft(atPointer ?? (starting || !follows ? price : this.draftPrice));
  }

  setLastPrice(price: number | null): void {
    this.lastPrice = price;
    if (this.draft && this.colors) this.draft.applyOptions(this.draftOptions(this.draftPrice, this.colors));
  }

  recolor(colors: ChartColors): void {
    this.colors = colors;
    for (const h of this.held.values()) h.line.applyOptions(this.ruleLineOptions(h.rule, colors));
    if (this.draft) this.draft.applyOptions(this.draftOptions(this.draftPrice, colors));
  }

  dispose(): void {
    this.o.container.removeEventListener('mousedown', this.onDown, true);
    this.o.container.removeEventListener('mousemove', this.onHover, true);
    window.removeEventListener('mousemove', this.onMove, true);
    window.removeEventListener('mouseup', this.onUp, true);
    window.removeEventListener('keydown', this.onKey, true);
  }

  private ruleLineOptions(rule: RuleLine, colors: ChartColors) {
    return {
      price: rule.price,
      color: rule.active ? colors.warn : colors.border,
      lineWidth: 2 as const,
      lineStyle: rule.active ? LineStyle.Solid : LineStyle.Dashed,
      axisLabelVisible: true,
      title: rule.label,
    };
  }

  private draftOptions(price: number, colors: ChartColors) {
    const side = this.lastPrice === null ? '' : price >= this.lastPrice ? 'above ' : 'below ';
    return {
      price,
      color: colors.accent,
      lineWidth: 2 as const,
      lineStyle: LineStyle.LargeDashed,
      axisLabelVisible: true,
      title: `New alert: ${side}${this.o.format(price)}`,
    };
  }

  /** Pointer position relative to the price pane, or null outside it. */
  private pointerY(e: MouseEvent): number | null {
    const rect = this.o.container.getBoundingClientRect();
    const y = e.clientY - rect.top;
    const pane = this.o.chart.panes()[0];
    if (y < 0 || !pane || y > pane.getHeight() || e.clientX < rect.left || e.clientX > rect.right)
      return null;
    return y;
  }

  private ruleNear(y: number): Held | undefined {
    let best: Held | undefined;
    let bestDistance = GRAB_PX + 1;
    for (const h of this.held.values()) {
      const at = this.o.series.priceToCoordinate(h.rule.price);
      if (at === null) continue;
      const d = Math.abs(at - y);
      if (d < bestDistance) {
        best = h;
        bestDistance = d;
      }
    }
    return best;
  }

  private priceAt(y: number): number | null {
    const p = this.o.series.coordinateToPrice(y);
    return p === null ? null : this.o.round(p);
  }

  private readonly onDown = (e: MouseEvent) => {
    if (e.button !== 0) return;
    const y = this.pointerY(e);
    if (y === null) return;
    if (this.draftFollows) {
      // Placing a new alert: the line jumps to the pointer and follows it.
      const price = this.priceAt(y);
      if (price === null) return;
      this.dragging = { kind: 'draft', price };
      this.moveDraft(price);
    } else {
      const h = this.ruleNear(y);
      if (!h) return;
      this.dragging = { kind: 'rule', ruleId: h.rule.ruleId, price: h.rule.price };
    }
    e.preventDefault();
    e.stopPropagation();
    this.o.chart.applyOptions({ handleScroll: false, handleScale: false });
    this.o.container.dataset.dragging = 'true';
  };

  private readonly onHover = (e: MouseEvent) => {
    const y = this.pointerY(e);
    this.pointerAt = y;
    if (this.dragging) return;
    // The preview of a new alert sits at the price under the pointer, as the crosshair does.
    const price = y !== null && this.draftFollows ? this.priceAt(y) : null;
    if (price !== null) this.moveDraft(price);
    const grab = y !== null && (this.draftFollows || this.ruleNear(y) !== undefined);
    this.o.container.style.cursor = grab ? 'ns-resize' : '';
  };

  private readonly onMove = (e: MouseEvent) => {
    if (!this.dragging) return;
    const rect = this.o.container.getBoundingClientRect();
    const price = this.priceAt(e.clientY - rect.top);
    if (price === null) return;
    e.stopPropagation();
    this.dragging.price = price;
    if (this.dragging.kind === 'draft') this.moveDraft(price);
    else {
      const h = this.held.get(this.dragging.ruleId);
      if (h && this.colors) {
        h.line.applyOptions({ price, title: `${h.rule.label} → ${this.o.format(price)}` });
      }
    }
  };

  private readonly onUp = (e: MouseEvent) => {
    const d = this.dragging;
    if (!d) return;
    e.stopPropagation();
    this.endDrag();
    if (d.kind === 'draft') this.o.onDraftPlaced(d.price);
    else {
      const h = this.held.get(d.ruleId);
      if (h && d.price !== h.rule.price) this.o.onRuleLineMoved(d.ruleId, d.price);
    }
  };

  private readonly onKey = (e: KeyboardEvent) => {
    if (e.key === 'Escape' && this.dragging) {
      // Esc while dragging puts a rule line back where its rule says.
      const d = this.dragging;
      this.endDrag();
      if (d.kind === 'rule') {
        const h = this.held.get(d.ruleId);
        if (h && this.colors) h.line.applyOptions(this.ruleLineOptions(h.rule, this.colors));
      }
      return;
    }
    if (!this.draftFollows || this.dragging || e.ctrlKey || e.metaKey || e.altKey) return;
    if (isTypingTarget(e.target)) return;
    // The keyboard path of a new alert: arrows step the line, Enter places it (Esc: use-shortcuts).
    if (e.key === 'ArrowUp' || e.key === 'ArrowDown') {
      const steps = (e.key === 'ArrowUp' ? 1 : -1) * (e.shiftKey ? 10 : 1);
      this.moveDraft(stepPrice(this.draftPrice, this.keyStep(), steps));
    } else if (e.key === 'Enter') {
      this.o.onDraftPlaced(this.draftPrice);
    } else return;
    e.preventDefault();
    e.stopPropagation();
  };

  /** One arrow-key step at the draft's height on the current scale (log scales vary with height). */
  private keyStep(): number {
    const y = this.o.series.priceToCoordinate(this.draftPrice);
    const above = y === null ? null : this.o.series.coordinateToPrice(y - 1);
    const perPixel = above === null ? NaN : above - this.draftPrice;
    return draftKeyStep(perPixel, this.o.decimals());
  }

  /** Where the draft is, on the container's dataset: the e2e tests wait on it. */
  private publishDraft(): void {
    const d = this.o.container.dataset;
    if (!this.draft) {
      delete d.draftPrice;
      delete d.draftY;
      delete d.draftFollows;
      return;
    }
    const y = this.o.series.priceToCoordinate(this.draftPrice);
    d.draftPrice = String(this.draftPrice);
    d.draftY = y === null ? '' : String(Math.round(y));
    d.draftFollows = String(this.draftFollows);
  }

  private moveDraft(price: number): void {
    this.draftPrice = price;
    if (this.draft && this.colors) this.draft.applyOptions(this.draftOptions(price, this.colors));
    this.publishDraft();
  }

  private endDrag(): void {
    this.dragging = null;
    this.o.chart.applyOptions({ handleScroll: true, handleScale: true });
    delete this.o.container.dataset.dragging;
  }
}

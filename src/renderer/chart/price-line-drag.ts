import { LineStyle, type IChartApi, type IPriceLine, type ISeriesApi } from 'lightweight-charts';
import type { ChartColors } from './chart-colors';

export type RuleLine = { ruleId: number; price: number; label: string; active: boolean };

type Options = {
  container: HTMLElement;
  chart: IChartApi;
  series: ISeriesApi<'Candlestick'>;
  round(price: number): number;
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

  /** The draft line of a new price alert at `price`, or none. */
  setDraft(price: number | null, colors: ChartColors): void {
    this.colors = colors;
    if (price === null) {
      if (this.draft) this.o.series.removePriceLine(this.draft);
      this.draft = null;
      if (this.dragging?.kind === 'draft') this.endDrag();
      return;
    }
    this.draftPrice = price;
    if (this.draft) this.draft.applyOptions(this.draftOptions(price, colors));
    else this.draft = this.o.series.createPriceLine(this.draftOptions(price, colors));
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
    if (this.draft) {
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
    if (this.dragging) return;
    const y = this.pointerY(e);
    const grab = y !== null && (this.draft !== null || this.ruleNear(y) !== undefined);
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
    if (e.key !== 'Escape' || !this.dragging) return;
    // Esc while dragging puts a rule line back where its rule says.
    const d = this.dragging;
    this.endDrag();
    if (d.kind === 'rule') {
      const h = this.held.get(d.ruleId);
      if (h && this.colors) h.line.applyOptions(this.ruleLineOptions(h.rule, this.colors));
    }
  };

  private moveDraft(price: number): void {
    this.draftPrice = price;
    if (this.draft && this.colors) this.draft.applyOptions(this.draftOptions(price, this.colors));
  }

  private endDrag(): void {
    this.dragging = null;
    this.o.chart.applyOptions({ handleScroll: true, handleScale: true });
    delete this.o.container.dataset.dragging;
  }
}

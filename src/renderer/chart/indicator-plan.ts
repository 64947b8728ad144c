import { indicatorLabel, type IndicatorRef } from '../../shared/domain/indicator';
import { INDICATOR_SPECS } from '../rules/rule-draft';
import { PALETTE_SLOTS } from './chart-colors';
import { catalogEntry, type ChartColor, type ChartIndicator, type ChartKind } from './chart-indicators';
import { indicatorLines, lineColorOf } from './indicator-lines';

/** One drawn line (or histogram) of an indicator, and which column of `chart:indicators` feeds it. */
export type LineSpec = {
  /** the indicator it belongs to */
  ownerId: string;
  label: string;
  /** index into `refs` */
  column: number;
  /** 0 is the price pane */
  pane: number;
  /** `volume`: the volume bars' own scale at the bottom of the price pane */
  scale: 'right' | 'volume';
  style: 'line' | 'histogram' | 'dashed';
  color: ChartColor;
  /**
   * Whether its last value gets a label on the price axis: only the main line of a pane. On the
   * price pane the legend has the values; six labels stacked there hid the price (issue 13).
   */
  lastValue: boolean;
};

export type PaneSpec = {
  id: string;
  kind: ChartKind;
  label: string;
  /** horizontal reference lines (RSI 30 / 70, MACD 0) */
  guides: readonly number[];
  /** a fixed scale (oscillators: 0–100), or autoscaled when absent */
  range?: { min: number; max: number };
};

export type IndicatorPlan = {
  refs: IndicatorRef[];
  lines: LineSpec[];
  /** panes below the price, in order: index i is chart pane i + 1 */
  panes: PaneSpec[];
  /** chart pane holding volume bars; 0 means volume sits at the bottom of the price pane */
  volumePane: number;
};

const OUTPUT_NAMES: Record<string, string> = { k: '%K', d: '%D' };

/**
 * Main lines solid; the signal, %D and the middle band dashed as well as in a colour of their own,
 * so they stay apart for a reader who cannot tell the two colours apart.
 */
function lineStyle(output: string | undefined, main: boolean): LineSpec['style'] {
  if (output === 'histogram') return 'histogram';
  if (output === 'middle') return 'dashed';
  return main || output === 'upper' || output === 'lower' ? 'line' : 'dashed';
}

/** `MACD(12,26,9)` out of `MACD(12,26,9) macd`: the shared label without its output word. */
function baseLabel(ref: IndicatorRef, outputs: readonly string[]): string {
  const label = indicatorLabel(ref);
  return outputs.length > 0 ? label.slice(0, label.lastIndexOf(' ')) : label;
}

/**
 * Turns the chart's indicators into the references to compute (one column per line, each one the
 * shared schema accepts) and the lines and panes to draw. Multi-line indicators (MACD, Bollinger,
 * Stochastic) draw every line.
 */
export function planIndicators(indicators: readonly ChartIndicator[]): IndicatorPlan {
  const refs: IndicatorRef[] = [];
  const lines: LineSpec[] = [];
  const panes: PaneSpec[] = [];
  const paneOf = new Map<string, number>();
  let volumePane = 0;

  for (const ind of indicators) {
    const kind = ind.ref.indicator as ChartKind;
    const entry = catalogEntry(kind);
    if (entry.placement !== 'pane') continue;
    if (kind === 'volume' && volumePane !== 0) continue; // one volume pane is enough
    const index = panes.length + 1;
    if (kind === 'volume') volumePane = index;
    paneOf.set(ind.id, index);
    panes.push({
      id: ind.id,
      kind,
      label: kind === 'volume' ? 'Volume' : baseLabel(ind.ref, INDICATOR_SPECS[kind].outputs),
      guides: entry.guides,
      ...(entry.range ? { range: entry.range } : {}),
    });
  }

  for (const ind of indicators) {
    const kind = ind.ref.indicator as ChartKind;
    const entry = catalogEntry(kind);
    if (kind === 'volume') continue; // the volume bars are drawn from the candles themselves
    const pane =
      entry.placement === 'pane' ? paneOf.get(ind.id) : entry.placement === 'volume' ? volumePane : 0;
    if (pane === undefined) continue;
    const base = baseLabel(ind.ref, INDICATOR_SPECS[kind].outputs);
    for (const { output, main } of indicatorLines(kind)) {
      const ref = (output === undefined ? ind.ref : { ...ind.ref, output }) as IndicatorRef;
      lines.push({
        ownerId: ind.id,
        label: main || output === undefined ? base : (OUTPUT_NAMES[output] ?? output),
        column: refs.push(ref) - 1,
        pane,
        scale: entry.placement === 'volume' && pane === 0 ? 'volume' : 'right',
        style: lineStyle(output, main),
        color: lineColorOf(ind, output, PALETTE_SLOTS),
        lastValue: main && entry.placement === 'pane',
      });
    }
  }
  return { refs, lines, panes, volumePane };
}

import type { IndicatorRef } from '../../shared/domain/indicator';
import type { Overlay, Pane } from '../state/ui-store';

/** One drawn line (or histogram) of an indicator, and which column of `chart:indicators` feeds it. */
export type LineSpec = {
  /** the overlay or pane it belongs to */
  ownerId: string;
  label: string;
  /** index into `refs` */
  column: number;
  /** 0 is the price pane */
  pane: number;
  style: 'line' | 'histogram' | 'dashed';
  colorIndex: number;
};

export type PaneSpec = {
  id: string;
  kind: Pane['kind'];
  label: string;
  /** horizontal guides (RSI 30 / 70) */
  guides: number[];
};

export type IndicatorPlan = {
  refs: IndicatorRef[];
  lines: LineSpec[];
  /** panes below the price, in order: index i is chart pane i + 1 */
  panes: PaneSpec[];
  /** chart pane holding volume bars; 0 means volume sits at the bottom of the price pane */
  volumePane: number;
};

const close = 'close' as const;

/**
 * Turns the chosen overlays and panes into the indicator references to compute and the lines to
 * draw. MACD (12, 26, 9) and Bollinger bands are three columns each.
 */
export function planIndicators(overlays: readonly Overlay[], panes: readonly Pane[]): IndicatorPlan {
  const refs: IndicatorRef[] = [];
  const lines: LineSpec[] = [];
  let color = 0;
  const column = (ref: IndicatorRef) => refs.push(ref) - 1;

  for (const o of overlays) {
    const c = color++;
    if (o.kind === 'bollinger') {
      const stdDev = o.stdDev ?? 2;
      const label = `BB(${o.period}, ${stdDev})`;
      for (const output of ['upper', 'middle', 'lower'] as const) {
        lines.push({
          ownerId: o.id,
          label: `${label} ${output}`,
          column: column({ indicator: 'bollinger', period: o.period, stdDev, output, source: close }),
          pane: 0,
          style: output === 'middle' ? 'dashed' : 'line',
          colorIndex: c,
        });
      }
    } else {
      lines.push({
        ownerId: o.id,
        label: `${o.kind.toUpperCase()}(${o.period})`,
        column: column({ indicator: o.kind, period: o.period, source: close }),
        pane: 0,
        style: 'line',
        colorIndex: c,
      });
    }
  }

  const paneSpecs: PaneSpec[] = [];
  let volumePane = 0;
  for (const p of panes) {
    const index = paneSpecs.length + 1;
    if (p.kind === 'volume') {
      if (volumePane !== 0) continue; // one volume pane is enough
      volumePane = index;
      paneSpecs.push({ id: p.id, kind: 'volume', label: 'Volume', guides: [] });
    } else if (p.kind === 'rsi') {
      const period = p.period ?? 14;
      paneSpecs.push({ id: p.id, kind: 'rsi', label: `RSI(${period})`, guides: [30, 70] });
      lines.push({
        ownerId: p.id,
        label: `RSI(${period})`,
        column: column({ indicator: 'rsi', period, source: close }),
        pane: index,
        style: 'line',
        colorIndex: color++,
      });
    } else {
      paneSpecs.push({ id: p.id, kind: 'macd', label: 'MACD(12, 26, 9)', guides: [0] });
      const base = { indicator: 'macd', fast: 12, slow: 26, signal: 9, source: close } as const;
      lines.push(
        {
          ownerId: p.id,
          label: 'MACD histogram',
          column: column({ ...base, output: 'histogram' }),
          pane: index,
          style: 'histogram',
          colorIndex: color,
        },
        {
          ownerId: p.id,
          label: 'MACD',
          column: column({ ...base, output: 'macd' }),
          pane: index,
          style: 'line',
          colorIndex: color,
        },
        {
          ownerId: p.id,
          label: 'signal',
          column: column({ ...base, output: 'signal' }),
          pane: index,
          style: 'line',
          colorIndex: color + 1,
        },
      );
      color += 2;
    }
  }
  return { refs, lines, panes: paneSpecs, volumePane };
}

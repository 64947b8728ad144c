import { indicatorRefSchema, type IndicatorKind, type IndicatorRef } from '../../shared/domain/indicator';
import {
  INDICATOR_SPECS,
  indicatorDraft,
  indicatorInput,
  issuesByPath,
  type IndicatorDraft,
} from '../rules/rule-draft';
import { PALETTE_SLOTS } from './chart-colors';
import { isSecondaryLine } from './indicator-lines';

/**
 * What the chart can draw: every indicator the rules know (their parameters, validation and
 * formulas are the rules' own), where each one goes, and the chart's saved choice of them.
 */

/** The price itself is the candles: every other indicator of the rules can be drawn. */
export type ChartKind = Exclude<IndicatorKind, 'price'>;

/**
 * `price`: a line over the candles; `volume`: a line on the volume bars' scale (wherever volume
 * is); `pane`: a pane of its own under the price.
 */
export type Placement = 'price' | 'volume' | 'pane';

export type CatalogEntry = {
  kind: ChartKind;
  placement: Placement;
  /** what the search matches besides the name */
  keywords: string;
  /** the pane's fixed scale, for oscillators bounded by their formula */
  range?: { min: number; max: number };
  /** reference lines of the pane (overbought / oversold, zero) */
  guides: readonly number[];
};

const OSCILLATOR = { min: 0, max: 100 } as const;

/** In the order the picker lists them: overlays first, then panes. */
export const CHART_CATALOG: readonly CatalogEntry[] = [
  { kind: 'ema', placement: 'price', keywords: 'exponential moving average ma', guides: [] },
  { kind: 'sma', placement: 'price', keywords: 'simple moving average ma', guides: [] },
  { kind: 'wma', placement: 'price', keywords: 'weighted moving average ma', guides: [] },
  { kind: 'bollinger', placement: 'price', keywords: 'bb bands volatility deviation', guides: [] },
  { kind: 'vwap', placement: 'price', keywords: 'volume weighted average price daily', guides: [] },
  {
    kind: 'rsi',
    placement: 'pane',
    keywords: 'relative strength index oscillator momentum',
    range: OSCILLATOR,
    guides: [30, 70],
  },
  {
    kind: 'stoch',
    placement: 'pane',
    keywords: 'stochastic oscillator %k %d momentum',
    range: OSCILLATOR,
    guides: [20, 80],
  },
  {
    kind: 'stochrsi',
    placement: 'pane',
    keywords: 'stochastic rsi stoch oscillator momentum',
    range: OSCILLATOR,
    guides: [20, 80],
  },
  {
    kind: 'macd',
    placement: 'pane',
    keywords: 'moving average convergence divergence momentum histogram',
    guides: [0],
  },
  { kind: 'atr', placement: 'pane', keywords: 'average true range volatility', guides: [] },
  { kind: 'obv', placement: 'pane', keywords: 'on balance volume', guides: [] },
  { kind: 'volume', placement: 'pane', keywords: 'volume bars pane', guides: [] },
  { kind: 'volume-sma', placement: 'volume', keywords: 'volume average moving', guides: [] },
];

export function catalogEntry(kind: ChartKind): CatalogEntry {
  return CHART_CATALOG.find((e) => e.kind === kind)!;
}

const isChartKind = (kind: IndicatorKind): kind is ChartKind => kind !== 'price';

/** The picker's name of an entry: the rules' label, and where it goes when that is not the price. */
export function entryName(e: CatalogEntry): string {
  const label = INDICATOR_SPECS[e.kind].label;
  if (e.kind === 'volume') return 'Volume pane';
  return e.placement === 'pane' ? `${label} pane` : label;
}

/** Entries whose name, id or keywords contain every word typed, in any order. */
export function searchCatalog(query: string): CatalogEntry[] {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  return CHART_CATALOG.filter((e) => {
    const text = `${entryName(e)} ${e.kind} ${e.keywords}`.toLowerCase();
    return words.every((w) => text.includes(w));
  });
}

/** A colour slot of the theme's palette (follows the theme), or a colour the user picked (#rrggbb). */
export type ChartColor = number | string;

export const HEX_COLOR = /^#[0-9a-f]{6}$/i;

/**
 * One indicator on the chart: its reference (parameters), the colour of its main line and the
 * colours the user picked for its other lines by output (`signal`, `d`…); a line without one is
 * drawn in its default (indicator-lines.ts).
 */
export type ChartIndicator = {
  id: string;
  ref: IndicatorRef;
  color: ChartColor;
  lineColors?: Readonly<Record<string, ChartColor>>;
};

/** A chart with more lines than this is unreadable; the live watch also has a bound (MAX_LIVE_INDICATORS). */
export const MAX_CHART_INDICATORS_SHOWN = 12;

/** `EMA 21`, `MACD 12, 26, 9`, `Bollinger Bands 20, 2 · hl2`: the name a trader reads in the menu. */
export function indicatorTitle(ref: IndicatorRef): string {
  const spec = INDICATOR_SPECS[ref.indicator];
  const params = spec.params.map((p) => String((ref as Record<string, unknown>)[p.name]));
  const source = 'source' in ref && ref.source !== 'close' ? ` · ${ref.source}` : '';
  return `${spec.label}${params.length > 0 ? ` ${params.join(', ')}` : ''}${source}`;
}

/** The reference of an entry with its default parameters, as the shared schema fills them in. */
export function defaultRef(kind: ChartKind): IndicatorRef {
  return indicatorRefSchema.parse({ indicator: kind });
}

/** The editor's text fields for a reference. */
export function draftOf(ref: IndicatorRef): IndicatorDraft {
  return indicatorDraft(ref.indicator, ref);
}

export type ParamValidation =
  { ok: true; ref: IndicatorRef } | { ok: false; errors: ReadonlyMap<string, string> };

/**
 * The parameters typed in the editor, checked by the rules' own schema: the chart refuses exactly
 * what a rule refuses, in the same plain words, keyed by parameter name.
 */
export function validateParams(draft: IndicatorDraft): ParamValidation {
  // The chart draws every line of an indicator: which one a rule would read is not a parameter here.
  const { output: _output, ...input } = indicatorInput(draft);
  const parsed = indicatorRefSchema.safeParse(input);
  if (parsed.success) return { ok: true, ref: parsed.data };
  return { ok: false, errors: issuesByPath(parsed.error.issues) };
}

let nextId = 1;
export const newIndicatorId = (kind: string) => `${kind}-${Date.now().toString(36)}-${nextId++}`;

const isChartColor = (color: unknown): color is ChartColor =>
  (typeof color === 'number' && Number.isInteger(color) && color >= 0) ||
  (typeof color === 'string' && HEX_COLOR.test(color));

/**
 * The saved indicators, each checked again as it is read: storage may hold another version's
 * layout or a hand edit, and one bad entry must not cost the others. A layout from before
 * parameters (`overlays` and `panes` presets) is carried over, and one from before the other lines
 * had colours of their own draws them in their defaults.
 */
export function readChartIndicators(layout: {
  indicators?: unknown;
  overlays?: unknown;
  panes?: unknown;
}): ChartIndicator[] {
  const out: ChartIndicator[] = [];
  const add = (ref: unknown, color: unknown, id: unknown, lineColors?: unknown) => {
    const parsed = indicatorRefSchema.safeParse(ref);
    if (!parsed.success || !isChartKind(parsed.data.indicator)) return;
    if (out.length >= MAX_CHART_INDICATORS_SHOWN) return;
    const kind = parsed.data.indicator;
    const others =
      typeof lineColors === 'object' && lineColors !== null
        ? Object.entries(lineColors).filter(([output, c]) => isSecondaryLine(kind, output) && isChartColor(c))
        : [];
    out.push({
      id: typeof id === 'string' && id !== '' ? id : newIndicatorId(kind),
      ref: parsed.data,
      color: isChartColor(color) ? color : out.length % PALETTE_SLOTS,
      ...(others.length > 0 ? { lineColors: Object.fromEntries(others) as Record<string, ChartColor> } : {}),
    });
  };
  if (Array.isArray(layout.indicators)) {
    for (const item of layout.indicators) {
      if (typeof item === 'object' && item !== null) {
        const { ref, color, id, lineColors } = item as Record<string, unknown>;
        add(ref, color, id, lineColors);
      }
    }
    return out;
  }
  // Version 1 of the layout: overlays { kind, period, stdDev? } and panes { kind, period? }.
  const legacy = [
    ...(Array.isArray(layout.overlays) ? layout.overlays : []),
    ...(Array.isArray(layout.panes) ? layout.panes : []),
  ];
  for (const item of legacy) {
    if (typeof item !== 'object' || item === null) continue;
    const { kind, period, stdDev, id } = item as Record<string, unknown>;
    if (typeof kind !== 'string') continue;
    const ref: Record<string, unknown> = { indicator: kind };
    if (typeof period === 'number') ref.period = period;
    if (kind === 'bollinger' && typeof stdDev === 'number') ref.stdDev = stdDev;
    add(ref, undefined, id);
  }
  return out;
}

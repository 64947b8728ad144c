import { INDICATOR_SPECS } from '../rules/rule-draft';
import type { ChartColor, ChartIndicator, ChartKind } from './chart-indicators';

/**
 * The lines an indicator draws, and the colour of each. Every line that is drawn in a colour of
 * its own has one: the main line's is the indicator's `color`; the others (MACD's signal,
 * Stochastic's %D, the Bollinger bands) default to the palette slots after it, so they stand apart
 * from it in both themes until the user picks another.
 */

export type IndicatorLine = {
  /** the output a rule would read (`signal`, `d`…); undefined for a one-line indicator */
  output: string | undefined;
  /** the line that names the indicator in the legend and carries the pane's axis label */
  main: boolean;
  /** MACD's histogram: its bars are coloured by sign (up / down), not by a line colour */
  histogram: boolean;
  /** its name in the colour picker */
  name: string;
};

/** The line whose label names the indicator; the others are named by their output alone. */
const PRIMARY: Partial<Record<ChartKind, string>> = {
  macd: 'macd',
  bollinger: 'middle',
  stoch: 'k',
  stochrsi: 'k',
};
/** Drawing order: a histogram under its lines, the middle band first so the legend leads with it. */
const DRAW_ORDER: Partial<Record<ChartKind, readonly string[]>> = {
  macd: ['histogram', 'macd', 'signal'],
  bollinger: ['middle', 'upper', 'lower'],
};
const LINE_NAMES: Record<string, string> = {
  macd: 'MACD line',
  signal: 'Signal',
  middle: 'Middle band',
  upper: 'Upper band',
  lower: 'Lower band',
  k: '%K',
  d: '%D',
};

/** The lines of an indicator, in the order they are drawn. */
export function indicatorLines(kind: ChartKind): IndicatorLine[] {
  const outputs = DRAW_ORDER[kind] ?? INDICATOR_SPECS[kind].outputs;
  if (outputs.length === 0)
    return [{ output: undefined, main: true, histogram: false, name: INDICATOR_SPECS[kind].label }];
  return outputs.map((output) => ({
    output,
    main: output === PRIMARY[kind],
    histogram: output === 'histogram',
    name: LINE_NAMES[output] ?? output,
  }));
}

/** The lines a user can colour: every one but a histogram, the main one first. */
export function colorableLines(kind: ChartKind): IndicatorLine[] {
  const lines = indicatorLines(kind).filter((l) => !l.histogram);
  return [...lines.filter((l) => l.main), ...lines.filter((l) => !l.main)];
}

/** Whether `output` is a line of `kind` with a colour of its own besides the main one. */
export function isSecondaryLine(kind: ChartKind, output: string): boolean {
  return colorableLines(kind).some((l) => !l.main && l.output === output);
}

/**
 * The colour a line of `ind` is drawn in: the user's choice if there is one, else for the main
 * line the indicator's colour and for the n-th other line the palette slot n after it (from the
 * first slot when the main colour is a custom one). Never the main line's default colour, as long
 * as the palette has more slots than the indicator has lines.
 */
export function lineColorOf(ind: ChartIndicator, output: string | undefined, slots: number): ChartColor {
  const kind = ind.ref.indicator as ChartKind;
  const lines = colorableLines(kind);
  const index = lines.findIndex((l) => l.output === output);
  if (index <= 0) return ind.color;
  const chosen = output === undefined ? undefined : ind.lineColors?.[output];
  if (chosen !== undefined) return chosen;
  const base = typeof ind.color === 'number' ? ind.color : 0;
  return (base + index) % slots;
}

/**
 * The colour of a new indicator: the first palette slot no line on the chart uses yet, so each new
 * one stands out; else the first no indicator's main line uses; else round the palette.
 */
export function nextColor(shown: readonly ChartIndicator[], slots: number): ChartColor {
  const lineColors = new Set(
    shown.flatMap((ind) =>
      colorableLines(ind.ref.indicator as ChartKind).map((l) => lineColorOf(ind, l.output, slots)),
    ),
  );
  const mainColors = new Set(shown.map((i) => i.color));
  for (const used of [lineColors, mainColors])
    for (let slot = 0; slot < slots; slot++) if (!used.has(slot)) return slot;
  return shown.length % slots;
}

/** The change that draws the line `output` of `ind` in `color` (the main line's is `color` itself). */
export function recolorLine(
  ind: ChartIndicator,
  output: string | undefined,
  color: ChartColor,
): Partial<Pick<ChartIndicator, 'color' | 'lineColors'>> {
  const line = colorableLines(ind.ref.indicator as ChartKind).find((l) => l.output === output);
  if (line === undefined || line.main || output === undefined) return { color };
  return { lineColors: { ...ind.lineColors, [output]: color } };
}

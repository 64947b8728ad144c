import { describe, expect, it } from 'vitest';
import { LINE_COLORS, PALETTE_SLOTS } from '../../../src/renderer/chart/chart-colors';
import {
  CHART_CATALOG,
  defaultRef,
  readChartIndicators,
  type ChartIndicator,
  type ChartKind,
} from '../../../src/renderer/chart/chart-indicators';
import {
  colorableLines,
  lineColorOf,
  nextColor,
  recolorLine,
} from '../../../src/renderer/chart/indicator-lines';
import { planIndicators } from '../../../src/renderer/chart/indicator-plan';
import { createUiStore } from '../../../src/renderer/state/ui-store';

const on = (kind: ChartKind, color: ChartIndicator['color'] = 0, id: string = kind): ChartIndicator => ({
  id,
  ref: defaultRef(kind),
  color,
});

const colorsOf = (ind: ChartIndicator) =>
  colorableLines(ind.ref.indicator as ChartKind).map((l) => lineColorOf(ind, l.output, PALETTE_SLOTS));

const memoryStorage = () => {
  const saved = new Map<string, string>();
  return {
    saved,
    getItem: (k: string) => saved.get(k) ?? null,
    setItem: (k: string, v: string) => void saved.set(k, v),
  };
};

describe('the colour of each line of an indicator', () => {
  it('names every line a user can colour, the main one first and never a histogram', () => {
    const names = (kind: ChartKind) => colorableLines(kind).map((l) => l.name);
    expect(names('macd')).toEqual(['MACD line', 'Signal']);
    expect(names('stoch')).toEqual(['%K', '%D']);
    expect(names('stochrsi')).toEqual(['%K', '%D']);
    expect(names('bollinger')).toEqual(['Middle band', 'Upper band', 'Lower band']);
    expect(names('ema')).toEqual(['EMA']);
  });

  it('gives every line a default of its own, in either theme, whatever the main colour', () => {
    for (const { kind } of CHART_CATALOG) {
      const mains: ChartIndicator['color'][] = [
        ...Array.from({ length: PALETTE_SLOTS }, (_, slot) => slot),
        '#123456',
      ];
      for (const main of mains) {
        const colors = colorsOf(on(kind, main));
        expect(colors[0]).toBe(main);
        for (const palette of [LINE_COLORS.dark, LINE_COLORS.light]) {
          const shown = colors.map((c) => (typeof c === 'number' ? palette[c] : c));
          expect(new Set(shown).size, `${kind} with main colour ${main}`).toBe(shown.length);
        }
      }
    }
  });

  it('moves the other lines along when the main colour changes, until one is picked', () => {
    const stoch = on('stoch', 2);
    expect(colorsOf(stoch)).toEqual([2, 3]);
    expect(colorsOf({ ...stoch, ...recolorLine(stoch, 'k', 5) })).toEqual([5, 0]);
    const picked = { ...stoch, ...recolorLine(stoch, 'd', '#00aa00') };
    expect(picked.color).toBe(2);
    expect(colorsOf(picked)).toEqual([2, '#00aa00']);
    expect(colorsOf({ ...picked, ...recolorLine(picked, 'k', 4) })).toEqual([4, '#00aa00']);
    // A colour picked for one line leaves the others alone.
    const macd = on('macd', 1);
    expect(colorsOf({ ...macd, ...recolorLine(macd, 'signal', 1) })).toEqual([1, 1]);
  });

  it('draws and lists each line in its own colour', () => {
    const plan = planIndicators([
      on('macd', 0, 'm'),
      { ...on('stoch', 3, 's'), lineColors: { d: '#ff00ff' } },
    ]);
    const colorOf = (owner: string) =>
      plan.lines.filter((l) => l.ownerId === owner && l.style !== 'histogram').map((l) => [l.label, l.color]);
    expect(colorOf('m')).toEqual([
      ['MACD(12,26,9)', 0],
      ['signal', 1],
    ]);
    expect(colorOf('s')).toEqual([
      ['Stoch(14,3,3)', 3],
      ['%D', '#ff00ff'],
    ]);
  });

  it('gives a new indicator a colour no line on the chart uses yet', () => {
    // EMA in 0; Bollinger's middle in 1, its bands in 2 and 3: the next one takes 4.
    expect(nextColor([on('ema', 0), on('bollinger', 1)], PALETTE_SLOTS)).toBe(4);
    // Every slot drawn: the first no indicator's main line has.
    const busy = [on('macd', 0, 'a'), on('macd', 2, 'b'), on('macd', 4, 'c')];
    expect(nextColor(busy, PALETTE_SLOTS)).toBe(1);
  });
});

describe('saved line colours', () => {
  it('are kept through a reload with the chart layout', () => {
    const storage = memoryStorage();
    const ui = createUiStore(storage);
    ui.getState().addIndicator(defaultRef('macd'));
    const macd = ui.getState().indicators[0]!;
    ui.getState().updateIndicator(macd.id, recolorLine(macd, 'signal', '#abcdef'));
    const again = createUiStore(storage).getState().indicators;
    expect(again).toEqual(ui.getState().indicators);
    expect(colorsOf(again[0]!)).toEqual([0, '#abcdef']);
  });

  it('load from a layout saved before lines had colours, with the defaults', () => {
    const storage = memoryStorage();
    storage.setItem(
      'candlewatch.layout.v1',
      JSON.stringify({ indicators: [{ id: 's', ref: defaultRef('stoch'), color: 2 }] }),
    );
    const [stoch] = createUiStore(storage).getState().indicators;
    expect(stoch).toEqual({ id: 's', ref: defaultRef('stoch'), color: 2 });
    expect(colorsOf(stoch!)).toEqual([2, 3]);
  });

  it('drop a colour that is not a colour, or names no other line of the indicator', () => {
    const [macd] = readChartIndicators({
      indicators: [
        {
          id: 'm',
          ref: defaultRef('macd'),
          color: 0,
          lineColors: { signal: 'red; background: url(x)', histogram: 3, macd: 2, d: 1 },
        },
      ],
    });
    expect(macd).toEqual({ id: 'm', ref: defaultRef('macd'), color: 0 });
    const [kept] = readChartIndicators({
      indicators: [{ id: 'm', ref: defaultRef('macd'), color: 0, lineColors: { signal: 5, x: 1 } }],
    });
    expect(kept!.lineColors).toEqual({ signal: 5 });
    expect(
      readChartIndicators({ indicators: [{ ref: defaultRef('rsi'), color: 1, lineColors: 'junk' }] })[0],
    ).toMatchObject({ color: 1 });
  });
});

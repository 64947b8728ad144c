import { describe, expect, it } from 'vitest';
import {
  CHART_CATALOG,
  defaultRef,
  draftOf,
  entryName,
  indicatorTitle,
  MAX_CHART_INDICATORS_SHOWN,
  readChartIndicators,
  searchCatalog,
  validateParams,
} from '../../../src/renderer/chart/chart-indicators';
import { nextColor } from '../../../src/renderer/chart/indicator-lines';
import { INDICATOR_KINDS } from '../../../src/renderer/rules/rule-draft';
import { createUiStore } from '../../../src/renderer/state/ui-store';

describe('the chart indicator catalog', () => {
  it('offers every indicator the rules know except the price itself', () => {
    expect(CHART_CATALOG.map((e) => e.kind).sort()).toEqual(
      INDICATOR_KINDS.filter((k) => k !== 'price').sort(),
    );
  });

  it('finds indicators by name, id or what they measure', () => {
    const kinds = (q: string) => searchCatalog(q).map((e) => e.kind);
    expect(kinds('atr')).toEqual(['atr']);
    expect(kinds('STOCH')).toEqual(['stoch', 'stochrsi']);
    expect(kinds('moving average')).toEqual(expect.arrayContaining(['ema', 'sma', 'wma', 'macd']));
    expect(kinds('volatility')).toEqual(['bollinger', 'atr']);
    expect(kinds('on balance')).toEqual(['obv']);
    expect(kinds('nothing like this')).toEqual([]);
    expect(kinds('')).toHaveLength(CHART_CATALOG.length);
    expect(entryName(CHART_CATALOG.find((e) => e.kind === 'atr')!)).toBe('ATR pane');
  });
});

describe('indicator parameters', () => {
  it('accepts what the rules accept, and names the indicator in the title', () => {
    const draft = draftOf(defaultRef('atr'));
    const checked = validateParams({ ...draft, params: { period: '7' } });
    expect(checked).toEqual({ ok: true, ref: { indicator: 'atr', period: 7 } });
    expect(indicatorTitle({ indicator: 'atr', period: 7 })).toBe('ATR 7');
    expect(indicatorTitle(defaultRef('macd'))).toBe('MACD 12, 26, 9');
    expect(indicatorTitle({ ...defaultRef('ema'), source: 'hl2' } as never)).toBe('EMA 20 · hl2');
  });

  it('refuses bad values in plain words, keyed by the parameter', () => {
    const errorsOf = (kind: Parameters<typeof defaultRef>[0], params: Record<string, string>) => {
      const draft = draftOf(defaultRef(kind));
      const checked = validateParams({ ...draft, params: { ...draft.params, ...params } });
      return checked.ok ? null : Object.fromEntries(checked.errors);
    };
    expect(errorsOf('atr', { period: '0' })).toEqual({ period: 'ATR period must be at least 1' });
    expect(errorsOf('rsi', { period: '2.5' })).toEqual({ period: 'RSI period must be a whole number' });
    expect(errorsOf('ema', { period: '' })).toBeNull(); // empty: the default applies, as in a rule
    expect(errorsOf('ema', { period: 'abc' })).toEqual({ period: 'EMA period must be a number' });
    expect(errorsOf('macd', { fast: '30' })).toEqual({
      fast: 'MACD fast period (30) must be shorter than its slow period (26)',
    });
    expect(errorsOf('stochrsi', { rsiPeriod: '1' })).toEqual({
      rsiPeriod: 'Stochastic RSI: RSI period must be at least 2',
    });
  });
});

describe('saved chart indicators', () => {
  it('keeps valid entries and drops the rest one by one', () => {
    const read = readChartIndicators({
      indicators: [
        { id: 'a', ref: { indicator: 'atr', period: 7 }, color: '#ff0000' },
        { id: 'b', ref: { indicator: 'rsi', period: 1 }, color: 0 },
        { id: 'c', ref: { indicator: 'price', source: 'close' }, color: 0 },
        { id: 'd', ref: { indicator: 'stoch' }, color: 'red; background: url(x)' },
        'junk',
      ],
    });
    expect(read).toEqual([
      { id: 'a', ref: { indicator: 'atr', period: 7 }, color: '#ff0000' },
      { id: 'd', ref: defaultRef('stoch'), color: 1 },
    ]);
  });

  it('carries over the preset overlays and panes of the first layout', () => {
    const read = readChartIndicators({
      overlays: [
        { id: 'x', kind: 'ema', period: 21 },
        { id: 'y', kind: 'bollinger', period: 20, stdDev: 2 },
      ],
      panes: [{ id: 'z', kind: 'rsi', period: 14 }, { id: 'm', kind: 'macd' }, { kind: 'volume' }],
    });
    expect(read.map((i) => i.ref)).toEqual([
      { indicator: 'ema', period: 21, source: 'close' },
      defaultRef('bollinger'),
      defaultRef('rsi'),
      defaultRef('macd'),
      { indicator: 'volume' },
    ]);
    expect(read.map((i) => i.color)).toEqual([0, 1, 2, 3, 4]);
  });

  it('survives a reload with parameters and colours, and gives each new one a free colour', () => {
    const saved = new Map<string, string>();
    const storage = {
      getItem: (k: string) => saved.get(k) ?? null,
      setItem: (k: string, v: string) => void saved.set(k, v),
    };
    const ui = createUiStore(storage);
    ui.getState().addIndicator(defaultRef('ema'));
    ui.getState().addIndicator(defaultRef('atr'));
    const [ema, atr] = ui.getState().indicators;
    expect([ema!.color, atr!.color]).toEqual([0, 1]);
    ui.getState().updateIndicator(atr!.id, { ref: { indicator: 'atr', period: 7 }, color: '#00aa00' });
    ui.getState().removeIndicator(ema!.id);
    ui.getState().addIndicator(defaultRef('stoch'));
    expect(ui.getState().indicators.at(-1)!.color).toBe(0);
    const again = createUiStore(storage).getState().indicators;
    expect(again).toEqual(ui.getState().indicators);
    expect(again[0]).toMatchObject({ ref: { indicator: 'atr', period: 7 }, color: '#00aa00' });
  });

  it('stops adding at the most one chart shows', () => {
    const ui = createUiStore(undefined);
    for (let i = 0; i < MAX_CHART_INDICATORS_SHOWN + 3; i++) ui.getState().addIndicator(defaultRef('sma'));
    expect(ui.getState().indicators).toHaveLength(MAX_CHART_INDICATORS_SHOWN);
    expect(nextColor([], 6)).toBe(0);
  });
});

import { describe, expect, it } from 'vitest';
import { defaultRef, type ChartIndicator } from '../../../src/renderer/chart/chart-indicators';
import { planIndicators } from '../../../src/renderer/chart/indicator-plan';
import { indicatorRefSchema, type IndicatorRef } from '../../../src/shared/domain/indicator';

const on = (id: string, ref: IndicatorRef, color: ChartIndicator['color'] = 0): ChartIndicator => ({
  id,
  ref,
  color,
});

describe('planIndicators', () => {
  it('maps the chart indicators to indicator columns, lines and panes', () => {
    const plan = planIndicators([
      on('e', { indicator: 'ema', period: 21, source: 'close' }),
      on('b', defaultRef('bollinger'), '#123456'),
      on('r', defaultRef('rsi')),
      on('v', defaultRef('volume')),
      on('m', defaultRef('macd')),
      on('a', { indicator: 'atr', period: 7 }),
      on('s', defaultRef('stoch')),
    ]);
    // Every reference is one the shared schema accepts, so chart:indicators takes them as they are.
    for (const ref of plan.refs) expect(indicatorRefSchema.parse(ref)).toEqual(ref);
    expect(plan.panes.map((p) => p.kind)).toEqual(['rsi', 'volume', 'macd', 'atr', 'stoch']);
    expect(plan.volumePane).toBe(2);
    expect(plan.lines.filter((l) => l.pane === 0).map((l) => l.label)).toEqual([
      'EMA(21)',
      'BB(20,2)',
      'upper',
      'lower',
    ]);
    // The middle band in the colour picked; the bands in palette colours of their own.
    expect(plan.lines.filter((l) => l.ownerId === 'b').map((l) => l.color)).toEqual(['#123456', 1, 2]);
    expect(plan.lines.find((l) => l.label === 'RSI(14)')?.pane).toBe(1);
    expect(plan.lines.find((l) => l.label === 'ATR(7)')?.pane).toBe(4);
    expect(plan.lines.filter((l) => l.pane === 3).map((l) => l.style)).toEqual([
      'histogram',
      'line',
      'dashed',
    ]);
    expect(plan.lines.filter((l) => l.pane === 5).map((l) => l.label)).toEqual(['Stoch(14,3,3)', '%D']);
    expect(new Set(plan.lines.map((l) => l.column)).size).toBe(plan.refs.length);
  });

  it('puts oscillators on fixed 0–100 scales with their reference lines', () => {
    const { panes } = planIndicators([
      on('r', defaultRef('rsi')),
      on('s', defaultRef('stoch')),
      on('q', defaultRef('stochrsi')),
      on('m', defaultRef('macd')),
      on('a', defaultRef('atr')),
    ]);
    expect(panes.map((p) => [p.kind, p.range, p.guides])).toEqual([
      ['rsi', { min: 0, max: 100 }, [30, 70]],
      ['stoch', { min: 0, max: 100 }, [20, 80]],
      ['stochrsi', { min: 0, max: 100 }, [20, 80]],
      ['macd', undefined, [0]],
      ['atr', undefined, []],
    ]);
  });

  it('gives the price axis no indicator labels and each pane one', () => {
    const plan = planIndicators([
      on('e', defaultRef('ema')),
      on('s', defaultRef('sma')),
      on('b', defaultRef('bollinger')),
      on('w', defaultRef('vwap')),
      on('m', defaultRef('macd')),
      on('k', defaultRef('stoch')),
    ]);
    expect(plan.lines.filter((l) => l.pane === 0 && l.lastValue)).toEqual([]);
    for (const pane of [1, 2])
      expect(plan.lines.filter((l) => l.pane === pane && l.lastValue)).toHaveLength(1);
  });

  it('draws the volume average on the volume bars, wherever they are', () => {
    const onPrice = planIndicators([on('a', defaultRef('volume-sma'))]);
    expect(onPrice.volumePane).toBe(0);
    expect(onPrice.lines[0]).toMatchObject({ pane: 0, scale: 'volume' });
    const inPane = planIndicators([
      on('a', defaultRef('volume-sma')),
      on('r', defaultRef('rsi')),
      on('v', defaultRef('volume')),
    ]);
    expect(inPane.volumePane).toBe(2);
    expect(inPane.lines[0]).toMatchObject({ pane: 2, scale: 'right' });
  });
});

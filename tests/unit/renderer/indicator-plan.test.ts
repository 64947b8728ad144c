import { describe, expect, it } from 'vitest';
import { planIndicators } from '../../../src/renderer/chart/indicator-plan';
import { indicatorRefSchema } from '../../../src/shared/domain/indicator';

describe('planIndicators', () => {
  it('maps overlays and panes to indicator columns and chart panes', () => {
    const plan = planIndicators(
      [
        { id: 'e', kind: 'ema', period: 21 },
        { id: 'b', kind: 'bollinger', period: 20, stdDev: 2 },
      ],
      [
        { id: 'r', kind: 'rsi', period: 14 },
        { id: 'v', kind: 'volume' },
        { id: 'm', kind: 'macd' },
      ],
    );
    // Every reference is one the shared schema accepts, so chart:indicators takes them as they are.
    for (const ref of plan.refs) expect(indicatorRefSchema.parse(ref)).toEqual(ref);
    expect(plan.refs.map((r) => r.indicator)).toEqual([
      'ema',
      'bollinger',
      'bollinger',
      'bollinger',
      'rsi',
      'macd',
      'macd',
      'macd',
    ]);
    expect(plan.panes.map((p) => p.kind)).toEqual(['rsi', 'volume', 'macd']);
    expect(plan.volumePane).toBe(2);
    expect(plan.lines.filter((l) => l.pane === 0).map((l) => l.label)).toEqual([
      'EMA(21)',
      'BB(20, 2) upper',
      'BB(20, 2) middle',
      'BB(20, 2) lower',
    ]);
    expect(plan.lines.find((l) => l.label === 'RSI(14)')?.pane).toBe(1);
    expect(plan.lines.filter((l) => l.pane === 3).map((l) => l.style)).toEqual(['histogram', 'line', 'line']);
    expect(new Set(plan.lines.map((l) => l.column)).size).toBe(plan.refs.length);
  });

  it('keeps volume on the price pane without a volume pane', () => {
    expect(planIndicators([], [{ id: 'r', kind: 'rsi' }]).volumePane).toBe(0);
  });
});

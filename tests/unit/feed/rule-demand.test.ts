import { describe, expect, it } from 'vitest';
import { ruleDemand } from '../../../src/main/core/feed/rule-demand';
import type { RuleInput } from '../../../src/shared/domain/rule';
import { storedRule } from '../alerts/harness';

const ema = (period: number) => ({ indicator: 'ema' as const, period });
const cross: RuleInput['when'] = {
  type: 'indicator-cross',
  indicator: ema(9),
  direction: 'above',
  other: ema(21),
};
const demandOf = (...rules: ReturnType<typeof storedRule>[]) =>
  [
    ...ruleDemand(rules, [{ exchange: 'binance', symbol: 'ETH/USDT', timeframes: ['1m'] }], 1_000).values(),
  ].map((d) => [`${d.key.symbol} ${d.key.timeframe}`, d.warmup]);

describe('ruleDemand: what the enabled rules need streamed', () => {
  it('every leg of every rule, with the warm-up its indicators need', () => {
    const allOf = storedRule(
      {
        symbols: ['SOL/USDT', 'BTC/USDT'],
        symbol: undefined,
        timeframe: '5m',
        when: {
          type: 'all-of',
          conditions: [
            { when: { type: 'price-cross', direction: 'above', level: 1 } },
            { timeframe: '1h', when: { type: 'percent-move', percent: 2, candles: 30 } },
          ],
        },
      },
      2,
    );
    expect(demandOf(storedRule({ timeframe: '30m', when: cross }, 1), allOf)).toEqual([
      ['BTC/USDT 30m', 22],
      ['SOL/USDT 5m', 2],
      ['SOL/USDT 1h', 31],
      ['BTC/USDT 5m', 2],
      ['BTC/USDT 1h', 31],
    ]);
  });

  it('merges the same series with the largest warm-up; watchlist rules read the watchlist symbols', () => {
    const rsi: RuleInput['when'] = {
      type: 'indicator-threshold',
      indicator: { indicator: 'rsi', period: 14 },
      direction: 'above',
      level: 70,
    };
    expect(
      demandOf(
        storedRule({ when: rsi }, 1),
        storedRule({ when: cross }, 2),
        storedRule({ symbol: undefined, watchlist: true, when: rsi }, 3),
      ),
    ).toEqual([
      ['BTC/USDT 1m', 22],
      ['ETH/USDT 1m', 16],
    ]);
  });

  it('leaves out disabled and expired rules', () => {
    expect(
      demandOf(
        storedRule({ enabled: false, when: cross }, 1),
        storedRule({ expiresAt: 500, when: cross }, 2),
      ),
    ).toEqual([]);
  });
});

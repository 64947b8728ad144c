import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { describeCondition } from '../../../src/main/core/alerts/conditions';
import { ruleSchema } from '../../../src/shared/domain/rule';

/** The rule of DESIGN.md's config example, exactly. */
const designExample = {
  name: 'BTC above 100k',
  exchange: 'binance',
  symbol: 'BTC/USDT',
  timeframe: '1m',
  when: { type: 'price-cross', direction: 'above', level: 100000 },
  evaluate: 'close',
  trigger: 'once-per-bar',
  signal: 'BUY',
};

const problem = (input: unknown): string => {
  const r = ruleSchema.safeParse(input);
  if (r.success) throw new Error(`expected ${JSON.stringify(input)} to be refused`);
  return z.prettifyError(r.error);
};

describe('rule schema', () => {
  it("parses DESIGN.md's config example and fills the defaults", () => {
    expect(ruleSchema.parse(designExample)).toEqual({
      ...designExample,
      cooldownSeconds: 0,
      expiresAt: null,
      alertExpiryMinutes: null,
      sound: null,
      urgent: false,
      enabled: true,
      message: null,
    });
  });

  it('takes every rule type', () => {
    const whens = [
      { type: 'channel', action: 'exit', low: 1, high: 2 },
      { type: 'percent-move', percent: 3, candles: 5 },
      { type: 'indicator-threshold', indicator: { indicator: 'rsi' }, direction: 'below', level: 30 },
      {
        type: 'indicator-cross',
        indicator: { indicator: 'macd' },
        direction: 'above',
        other: { indicator: 'macd', output: 'signal' },
      },
      { type: 'volume-spike', multiplier: 3 },
      {
        type: 'all-of',
        conditions: [
          {
            when: {
              type: 'indicator-threshold',
              indicator: { indicator: 'rsi' },
              direction: 'below',
              level: 30,
            },
          },
          {
            timeframe: '4h',
            when: {
              type: 'indicator-threshold',
              indicator: { indicator: 'price' },
              direction: 'above',
              level: { indicator: 'ema', period: 200 },
            },
          },
        ],
      },
    ];
    for (const when of whens) expect(ruleSchema.safeParse({ ...designExample, when }).success).toBe(true);
  });

  it('takes an ISO expiry and stores it as epoch ms', () => {
    expect(ruleSchema.parse({ ...designExample, expiresAt: '2030-01-01T00:00:00Z' }).expiresAt).toBe(
      Date.UTC(2030, 0, 1),
    );
  });

  it.each([
    [
      'an EMA period of 0',
      {
        when: {
          type: 'indicator-threshold',
          indicator: { indicator: 'ema', period: 0 },
          direction: 'above',
          level: 1,
        },
      },
      /EMA period must be at least 1/,
    ],
    [
      'a channel whose low is not below its high',
      { when: { type: 'channel', action: 'enter', low: 5, high: 5 } },
      /channel low \(5\) must be below channel high \(5\)/,
    ],
    [
      'a negative cooldown',
      { trigger: 'every-time', cooldownSeconds: -5 },
      /cooldownSeconds cannot be negative/,
    ],
    [
      'a cooldown on a mode that has none',
      { trigger: 'rearm', cooldownSeconds: 60 },
      /only applies to trigger "every-time"/,
    ],
    [
      'MACD with fast ≥ slow',
      {
        when: {
          type: 'indicator-cross',
          indicator: { indicator: 'macd', fast: 26, slow: 12 },
          direction: 'above',
          other: { indicator: 'macd', output: 'signal' },
        },
      },
      /MACD fast period \(26\) must be shorter than its slow period \(12\)/,
    ],
    [
      'an indicator crossing itself',
      {
        when: {
          type: 'indicator-cross',
          indicator: { indicator: 'ema', period: 9 },
          direction: 'above',
          other: { indicator: 'ema', period: 9 },
        },
      },
      /cannot cross itself/,
    ],
    [
      'a volume spike of 1× (no spike)',
      { when: { type: 'volume-spike', multiplier: 1 } },
      /multiplier must be above 1/,
    ],
    [
      'a percent move of 0',
      { when: { type: 'percent-move', percent: 0, candles: 3 } },
      /percent must be above 0/,
    ],
    ['two targets', { symbols: ['ETH/USDT'] }, /only one of symbol, symbols or watchlist/],
    ['no target', { symbol: undefined }, /needs a target/],
    ['a symbol without a quote', { symbol: 'BTCUSDT' }, /BASE\/QUOTE/],
    ['an unknown timeframe', { timeframe: '7x' }, /timeframe/],
    ['an unknown signal', { signal: 'HOLD' }, /signal must be BUY, SELL or INFO/],
    ['an unknown sound', { sound: 'trumpet' }, /sound must be one of/],
    ['an unknown field (a typo)', { triger: 'once' }, /triger/],
    ['an expiry that is not a date', { expiresAt: 'tomorrow' }, /expiresAt must be epoch ms or an ISO date/],
    [
      'an all-of inside an all-of',
      {
        when: {
          type: 'all-of',
          conditions: [
            { when: { type: 'all-of', conditions: [] } },
            { when: { type: 'volume-spike', multiplier: 2 } },
          ],
        },
      },
      /type/,
    ],
  ])('refuses %s with a clear message', (_what, change, message) => {
    expect(problem({ ...designExample, ...change })).toMatch(message);
  });

  it('describes conditions in words', () => {
    expect(describeCondition(ruleSchema.parse(designExample).when, '1m')).toBe('close crosses above 100000');
    expect(
      describeCondition(
        {
          type: 'indicator-cross',
          indicator: { indicator: 'ema', period: 9, source: 'close' },
          direction: 'above',
          other: { indicator: 'ema', period: 21, source: 'close' },
        },
        '1h',
      ),
    ).toBe('EMA(9) crosses above EMA(21)');
  });
});

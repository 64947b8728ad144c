import { describe, expect, it } from 'vitest';
import { draftOf } from '../../../src/main/core/alerts/alert-service';
import { alertMessage } from '../../../src/main/core/alerts/message-template';
import { alertBody, messageText } from '../../../src/main/core/notify/channel';
import type { Alert } from '../../../src/shared/domain/alert';
import { ruleSchema, type RuleInput } from '../../../src/shared/domain/rule';
import { bar, BTC, Harness, priceAbove, RSI_BELOW_30, rsiWalk, storedRule, T0 } from './harness';

const base = { name: 'r', exchange: 'binance', symbol: 'BTC/USDT', timeframe: '1m' };
const messageError = (input: Partial<RuleInput>) => {
  const r = ruleSchema.safeParse({ ...base, ...input });
  return r.success ? undefined : r.error.issues.find((i) => i.path[0] === 'message')?.message;
};
const emaCross = {
  type: 'indicator-cross',
  indicator: { indicator: 'ema', period: 9 },
  direction: 'above',
  other: { indicator: 'ema', period: 21 },
} as const;
const rsiBelow30 = RSI_BELOW_30;

describe('message templates are checked when the rule is saved', () => {
  it('accepts the alert fields and the rule’s own inputs', () => {
    expect(
      messageError({
        when: rsiBelow30,
        message: '{{symbol}} {{timeframe}}: RSI {{rsi}} < {{level}} at {{close}}',
      }),
    ).toBeUndefined();
    expect(
      messageError({ when: emaCross, message: '{{ema9}} over {{ema21}} ({{strength}})' }),
    ).toBeUndefined();
  });

  it('refuses an unknown placeholder, naming the ones the rule knows', () => {
    const e = messageError({ when: rsiBelow30, message: 'RSI is {{rsii}}' });
    expect(e).toMatch(/^message: unknown placeholder \{\{rsii\}\}; this rule knows \{\{symbol\}\}, /);
    expect(e).toContain('{{rsi}}');
    expect(e).toContain('{{rsi14}}');
    // an EMA rule has no RSI
    expect(messageError({ when: emaCross, message: '{{rsi}}' })).toMatch(/unknown placeholder \{\{rsi\}\}/);
  });

  it('refuses an ambiguous name and says which names are not', () => {
    expect(messageError({ when: emaCross, message: '{{ema}}' })).toBe(
      'message: {{ema}} is ambiguous, this rule reads more than one of them: name one with its period or line ({{ema9}}, {{ema21}})',
    );
  });

  it('refuses a placeholder left open', () => {
    expect(messageError({ when: rsiBelow30, message: 'RSI {{rsi' })).toBe(
      'message: a placeholder is not closed: write it as {{name}}',
    );
  });

  it('a message without placeholders is plain text, as before', () => {
    expect(messageError({ when: rsiBelow30, message: 'RSI oversold, look at it' })).toBeUndefined();
  });
});

describe('messages are rendered when the rule fires', () => {
  it('fills the alert fields and the RSI the rule read', () => {
    const { walk, rsi } = rsiWalk();
    const h = new Harness([
      storedRule({
        when: rsiBelow30,
        signal: 'BUY',
        message:
          '{{signal}} {{symbol}} {{timeframe}} on {{exchange}}: RSI {{rsi}} crossed {{level}}, close {{close}} at {{time}}',
      }),
    ]);
    h.stream(walk);
    const f = h.firings[0]!;
    const i = (f.candle[0] - T0) / 60_000;
    const time = new Date(f.candle[0]).toISOString().slice(0, 16).replace('T', ' ');
    expect(alertMessage(f)).toBe(
      `BUY BTC/USDT 1m on binance: RSI ${Number(rsi[i]!.toPrecision(6))} crossed 30, close ${Number(walk[i]![4].toPrecision(6))} at ${time} UTC`,
    );
  });

  it('an all-of part on another timeframe is named with it', () => {
    const FIVE = { ...BTC, timeframe: '5m' };
    const h = new Harness([
      storedRule({
        when: {
          type: 'all-of',
          conditions: [{ when: priceAbove(100) }, { timeframe: '5m', when: priceAbove(50) }],
        },
        message: '1m {{close}} / 5m {{5m:close}} ({{rule}}, {{strength}})',
      }),
    ]);
    h.close([bar(0, 60, { timeframe: '5m' })], FIVE);
    h.stream([bar(5, 99), bar(6, 101, { open: 99, high: 102, low: 99 })]);
    // strength: min(1m: 1 past 100 over a 3 range, 5m: 10 past 50 over a 0.06 range → 1) = 33%
    expect(alertMessage(h.firings[0]!)).toBe('1m 101 / 5m 60 (rule 1, 33%)');
  });

  it('the same text reaches the toast, the native notification, the webhook and Telegram', () => {
    const h = new Harness([
      storedRule({
        when: { type: 'price-cross', direction: 'above', level: 100 },
        message: '{{symbol}} broke {{level}} at {{price}}',
      }),
    ]);
    h.stream([bar(0, 99), bar(1, 101)]);
    const draft = draftOf(h.firings[0]!, T0);
    expect(draft.message).toBe('BTC/USDT broke 100 at 101');
    const alert: Alert = { ...draft, id: 1, statusAt: T0 };
    // the toast shows alert.message; native shows alertBody; webhook and Telegram send messageText
    expect(alertBody(alert)).toContain('BTC/USDT broke 100 at 101');
    expect(messageText({ kind: 'alert', alert, sound: null })).toContain('BTC/USDT broke 100 at 101');
  });

  it('without a message the rule says what happened', () => {
    const h = new Harness([storedRule({ when: { type: 'price-cross', direction: 'above', level: 100 } })]);
    h.stream([bar(0, 99), bar(1, 101)]);
    expect(alertMessage(h.firings[0]!)).toBe('close crossed above 100 at 101');
  });
});

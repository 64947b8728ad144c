import { describe, expect, it } from 'vitest';
import {
  changedPaths,
  conditionDraft,
  conditionInput,
  copyName,
  draftFromRule,
  indicatorDraft,
  newRuleDraft,
  validateDraft,
} from '../../../src/renderer/rules/rule-draft';
import { ruleSchema } from '../../../src/shared/domain/rule';

describe('rule drafts', () => {
  it('builds a valid rule from a filled form', () => {
    const v = validateDraft(
      newRuleDraft({ name: 'BTC over 100k', when: { ...conditionDraft('price-cross'), level: '100,000' } }),
    );
    expect(v.ok).toBe(true);
    if (!v.ok) return;
    expect(ruleSchema.parse(v.rule).when).toEqual({
      type: 'price-cross',
      direction: 'above',
      level: 100_000,
    });
  });

  it('puts the schema messages on the fields they are about', () => {
    const when = {
      ...conditionDraft('indicator-threshold'),
      indicator: { ...indicatorDraft('rsi'), params: { period: '1' } },
      level: '',
    };
    const v = validateDraft(newRuleDraft({ name: '', when }));
    expect(v.ok).toBe(false);
    expect(v.errors.get('name')).toBe('name is empty');
    expect(v.errors.get('when.indicator.period')).toBe('RSI period must be at least 2');
    expect(v.errors.get('when.level')).toBeDefined();
  });

  it('says what is wrong with the value the form asked for, not in the config file words', () => {
    const threshold = conditionDraft('indicator-threshold');
    const empty = validateDraft(newRuleDraft({ name: 'x', when: { ...threshold, level: '' } }));
    expect(empty.errors.get('when.level')).toBe('enter a value');
    const text = validateDraft(newRuleDraft({ name: 'x', when: { ...threshold, level: 'abc' } }));
    expect(text.errors.get('when.level')).toBe('the value must be a number');
    const cross = {
      ...conditionDraft('indicator-cross'),
      levelKind: 'indicator' as const,
      other: { ...indicatorDraft('ema'), params: { period: '0' } },
    };
    const other = validateDraft(newRuleDraft({ name: 'x', when: cross }));
    expect(other.errors.has('when.other')).toBe(false);
    expect(other.errors.get('when.other.period')).toMatch(/period must be at least/);
    for (const v of [empty, text, other]) expect([...v.errors.values()].join()).not.toContain('{');
  });

  it('touches only the fields an edit changed', () => {
    const before = conditionInput(conditionDraft('price-cross'));
    const after = conditionInput(conditionDraft('indicator-threshold'));
    // A new condition type: its empty value box stays untouched until something is typed in it.
    expect(changedPaths(before, after, 'when')).not.toContain('when.level');
    expect(changedPaths(before, after, 'when')).toContain('when.type');
    const typed = conditionInput({ ...conditionDraft('indicator-threshold'), level: '70' });
    expect(changedPaths(after, typed, 'when')).toEqual(['when.level']);
  });

  it('keeps an empty box empty instead of reading it as 0', () => {
    const v = validateDraft(
      newRuleDraft({ name: 'x', when: { ...conditionDraft('percent-move'), percent: '' } }),
    );
    expect(v.ok).toBe(false);
    expect(v.errors.has('when.percent')).toBe(true);
  });

  it('addresses the parts of an all-of condition by index', () => {
    const part = { timeframe: '4h', when: { ...conditionDraft('price-cross'), level: 'abc' } };
    const v = validateDraft(
      newRuleDraft({ name: 'x', when: { ...conditionDraft('all-of'), parts: [part, part] } }),
    );
    expect(v.errors.get('when.conditions.0.when.level')).toBe('level must be a number');
    expect(v.errors.get('when.conditions.1.when.level')).toBe('level must be a number');
  });

  it('edits a stored rule without changing it', () => {
    const rule = ruleSchema.parse({
      name: 'EMA cross',
      exchange: 'binance',
      symbols: ['BTC/USDT', 'ETH/USDT'],
      timeframe: '1h',
      when: {
        type: 'indicator-cross',
        indicator: { indicator: 'ema', period: 9 },
        direction: 'above',
        other: { indicator: 'macd', fast: 10, slow: 30, signal: 5, output: 'signal' },
      },
      trigger: 'every-time',
      cooldownSeconds: 600,
      signal: 'BUY',
      sound: 'bell',
      message: 'cross!',
    });
    const v = validateDraft(draftFromRule(rule));
    expect(v.ok && ruleSchema.parse(v.rule)).toEqual(rule);
  });

  it('round-trips the new vocabulary: a value crossed either way, a template, an alert expiry', () => {
    const rule = ruleSchema.parse({
      name: 'RSI 30',
      exchange: 'binance',
      symbol: 'BTC/USDT',
      timeframe: '15m',
      when: {
        type: 'indicator-cross',
        indicator: { indicator: 'rsi', period: 7 },
        direction: 'either',
        other: 30,
      },
      alertExpiryMinutes: 45,
      message: '{{symbol}} RSI {{rsi}} crossed {{level}}',
    });
    const draft = draftFromRule(rule);
    expect(draft.when).toMatchObject({ levelKind: 'number', level: '30', direction: 'either' });
    const v = validateDraft(draft);
    expect(v.ok && ruleSchema.parse(v.rule)).toEqual(rule);
    // an unknown placeholder is refused next to the message field, with the schema's words
    const bad = validateDraft({ ...draft, message: 'RSI {{stoch}}' });
    expect(bad.ok).toBe(false);
    expect(bad.errors.get('message')).toMatch(/^message: unknown placeholder \{\{stoch\}\}/);
  });

  it('names duplicates after their original', () => {
    expect(copyName('A', new Set(['A']))).toBe('A (copy)');
    expect(copyName('A', new Set(['A', 'A (copy)', 'A (copy 2)']))).toBe('A (copy 3)');
  });
});

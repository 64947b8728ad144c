import { describe, expect, it } from 'vitest';
import { ruleReadiness, type ReadinessInputs } from '../../../src/main/core/alerts/rule-readiness';
import type { StreamInfo, StreamState } from '../../../src/shared/domain/stream';
import type { RuleInput } from '../../../src/shared/domain/rule';
import { storedRule } from './harness';

const cross: RuleInput['when'] = {
  type: 'indicator-cross',
  indicator: { indicator: 'ema', period: 9 },
  direction: 'above',
  other: { indicator: 'ema', period: 21 },
};

function inputs(states: Record<string, StreamState | [StreamState, string]>, held = 1_000): ReadinessInputs {
  return {
    watchlist: [],
    stream: (id) => {
      const s = states[id];
      if (!s) return undefined;
      const [state, message] = typeof s === 'string' ? [s, null] : s;
      return {
        id,
        state,
        lastError: message ? { kind: 'network', message, at: 0 } : null,
      } as unknown as StreamInfo;
    },
    held: () => held,
    depth: 1_000,
    now: 1_000,
  };
}

const BTC_1M = 'binance|BTC/USDT|1m';

describe('rule readiness', () => {
  it('armed once every stream it reads delivers and is warmed up; polling and catching up count', () => {
    for (const state of ['live', 'polling', 'backfilling'] as const)
      expect(ruleReadiness(storedRule({ when: cross }), inputs({ [BTC_1M]: state })).state).toBe('armed');
  });

  it('warming up: n of m candles on the series furthest behind', () => {
    expect(ruleReadiness(storedRule({ when: cross }), inputs({ [BTC_1M]: 'live' }, 7))).toEqual({
      state: 'warming-up',
      have: 7,
      need: 22,
      reason: 'BTC/USDT 1m: 7 of 22 candles',
    });
  });

  it('waiting for a stream, and why; an error in plain words; off when disabled or expired', () => {
    const rule = storedRule({ when: cross });
    expect(ruleReadiness(rule, inputs({}))).toMatchObject({
      state: 'waiting',
      reason: 'BTC/USDT 1m: the stream is starting',
    });
    expect(ruleReadiness(rule, inputs({ [BTC_1M]: ['reconnecting', 'connection refused'] }))).toMatchObject({
      state: 'waiting',
      reason: 'BTC/USDT 1m: reconnecting: connection refused',
    });
    expect(
      ruleReadiness(rule, inputs({ [BTC_1M]: ['error', 'Binance has no market "BTC/USDT"'] })),
    ).toMatchObject({ state: 'error', reason: 'BTC/USDT 1m: Binance has no market "BTC/USDT"' });
    expect(ruleReadiness(storedRule({ when: cross, enabled: false }), inputs({}))).toMatchObject({
      state: 'off',
      reason: 'disabled',
    });
    expect(ruleReadiness(storedRule({ when: cross, expiresAt: 10 }), inputs({}))).toMatchObject({
      state: 'off',
      reason: 'expired',
    });
  });

  it('an all-of rule waits for its other timeframe too', () => {
    const rule = storedRule({
      when: {
        type: 'all-of',
        conditions: [{ when: cross }, { timeframe: '1h', when: cross }],
      },
    });
    expect(ruleReadiness(rule, inputs({ [BTC_1M]: 'live' }))).toMatchObject({
      state: 'waiting',
      reason: 'BTC/USDT 1h: the stream is starting',
    });
  });

  it('on a cluster node, a rule whose streams another node holds says so, and legs held elsewhere are not waited for', () => {
    const elsewhere =
      (symbols: string[]): ReadinessInputs['elsewhere'] =>
      (key) =>
        symbols.includes(key.symbol);
    const rule = storedRule({ when: cross });
    expect(ruleReadiness(rule, { ...inputs({}), elsewhere: elsewhere(['BTC/USDT']) })).toEqual({
      state: 'waiting',
      have: null,
      need: null,
      reason: 'BTC/USDT 1m: another node of the cluster collects it and evaluates this rule',
    });
    // A rule over the watchlist's symbols: this node holds BTC, another ETH.
    const watchlistRule = storedRule({ when: cross, symbol: undefined, watchlist: true });
    const both = {
      ...inputs({ [BTC_1M]: 'live' }),
      watchlist: ['BTC/USDT', 'ETH/USDT'].map((symbol) => ({
        exchange: 'binance',
        symbol,
        timeframes: ['1m'],
      })),
    };
    expect(ruleReadiness(watchlistRule, { ...both, elsewhere: elsewhere(['ETH/USDT']) }).state).toBe('armed');
    expect(ruleReadiness(watchlistRule, both)).toMatchObject({
      state: 'waiting',
      reason: 'ETH/USDT 1m: the stream is starting',
    });
  });
});

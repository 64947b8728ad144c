import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createCore, type Core } from '../../../src/main/core/app';
import { parseConfigText } from '../../../src/main/core/config/config-file';
import { silentLogger } from '../../../src/main/core/base/log';
import { CandleRepository } from '../../../src/main/core/store/candle-repository';
import { openDatabase } from '../../../src/main/core/store/database';
import { SeriesRepository } from '../../../src/main/core/store/series-repository';
import type { BacktestResult, RuleView } from '../../../src/shared/contract/methods/signals';
import type { Candle, SeriesKey } from '../../../src/shared/domain/market';
import * as ref from '../../unit/indicators/reference';
import { BTC, bars, Harness, MIN, priceAbove, storedRule, T0 } from '../../unit/alerts/harness';

/** DESIGN.md's config example, verbatim. */
const DESIGN_CONFIG = `{
  "exchanges": {
    "binance": { "enabled": true, "sandbox": false, "ccxt": { "options": { "defaultType": "spot" } } }
  },
  "watchlist": [
    { "exchange": "binance", "symbol": "BTC/USDT", "timeframes": ["1m", "1h"] }
  ],
  "rules": [
    { "name": "BTC above 100k", "exchange": "binance", "symbol": "BTC/USDT", "timeframe": "1m",
      "when": { "type": "price-cross", "direction": "above", "level": 100000 },
      "evaluate": "close", "trigger": "once-per-bar", "signal": "BUY" }
  ],
  "feed": { "staleTimeoutMs": 30000 }
}`;

let core: Core | undefined;
let dir: string;
afterEach(async () => {
  await core?.stop();
  core = undefined;
  rmSync(dir, { recursive: true, force: true });
});

const start = (config?: string) => {
  core = createCore({
    dataDir: dir,
    mode: 'headless',
    version: '0.0.0-test',
    log: silentLogger(),
    config: config === undefined ? undefined : parseConfigText(config),
  });
  return core;
};

async function call<T>(method: string, input: unknown): Promise<T> {
  const r = await core!.dispatch(method, input);
  if (!r.ok) throw new Error(`${r.error.code}: ${r.error.message}`);
  return r.value as T;
}

async function refused(method: string, input: unknown): Promise<{ code: string; message: string }> {
  const r = await core!.dispatch(method, input);
  if (r.ok) throw new Error(`${method} should have been refused`);
  return r.error;
}

const priceRule = (name: string, level: number, over: Record<string, unknown> = {}) => ({
  name,
  exchange: 'binance',
  symbol: 'BTC/USDT',
  timeframe: '1m',
  when: { type: 'price-cross', direction: 'above', level },
  ...over,
});

function storeCandles(key: SeriesKey, candles: Candle[]) {
  const db = openDatabase(dir);
  const series = new SeriesRepository(db);
  const repo = new CandleRepository(db, series);
  db.transaction(() => repo.insertClosed(series.ensure(key), candles, () => {}))();
  db.close();
}

describe('rules through the contract', () => {
  it('creates, lists, edits, enables, deletes, with every input validated', async () => {
    dir = mkdtempSync(join(tmpdir(), 'cw-rules-'));
    start();
    const heard: string[] = [];
    core!.events.subscribe((e, p) => e === 'rules:changed' && heard.push((p as { change: string }).change));

    const a = await call<RuleView>('rules:create', priceRule('A', 100));
    expect(a).toMatchObject({ id: 1, source: 'user', expired: false, summary: 'close crosses above 100' });
    expect(await refused('rules:create', priceRule('A', 200))).toEqual({
      code: 'conflict',
      message: 'a rule named "A" already exists',
    });
    const bad = await refused('rules:create', {
      ...priceRule('B', 1),
      when: { type: 'channel', action: 'enter', low: 2, high: 1 },
    });
    expect(bad.code).toBe('invalid-input');
    expect(bad.message).toMatch(/channel low \(2\) must be below channel high \(1\)/);

    const edited = await call<RuleView>('rules:update', { id: a.id, rule: priceRule('A2', 150) });
    expect(edited.rule).toMatchObject({ name: 'A2', when: { level: 150 } });
    expect((await refused('rules:update', { id: 99, rule: priceRule('X', 1) })).code).toBe('not-found');
    expect((await call<RuleView>('rules:set-enabled', { id: a.id, enabled: false })).rule.enabled).toBe(
      false,
    );
    const list = await call<{ rules: RuleView[] }>('rules:list', {});
    expect(list.rules.map((r) => [r.rule.name, r.rule.enabled])).toEqual([['A2', false]]);
    expect(await call('rules:delete', { id: a.id })).toEqual({ deleted: true });
    expect(await call('rules:delete', { id: a.id })).toEqual({ deleted: false });
    expect(heard).toEqual(['created', 'updated', 'updated', 'deleted']);
  });

  it('exports rules as a JSON document and imports it back, all or nothing', async () => {
    dir = mkdtempSync(join(tmpdir(), 'cw-rules-'));
    start();
    await call('rules:create', priceRule('A', 100));
    await call('rules:create', priceRule('B', 200, { trigger: 'every-time', cooldownSeconds: 60 }));
    const doc = await call<{ format: string; rules: unknown[] }>('rules:export', {});
    expect(doc).toMatchObject({ format: 'candlewatch-rules', version: 1 });
    expect(JSON.parse(JSON.stringify(doc))).toEqual(doc);

    await call('rules:delete', { id: 1 });
    await call('rules:create', priceRule('C', 300));
    const badDoc = { ...doc, rules: [...doc.rules, { ...priceRule('D', 1), trigger: 'sometimes' }] };
    const bad = await refused('rules:import', { document: badDoc });
    expect(bad.message).toMatch(/rule #3 "D" is not valid: .*trigger must be one of/s);
    expect((await call<{ rules: RuleView[] }>('rules:list', {})).rules.map((r) => r.rule.name)).toEqual([
      'B',
      'C',
    ]);

    expect(await call('rules:import', { document: doc })).toEqual({
      created: 1,
      updated: 0,
      unchanged: 1,
      deleted: 0,
    });
    expect(await call('rules:import', { document: doc, mode: 'replace' })).toEqual({
      created: 0,
      updated: 0,
      unchanged: 2,
      deleted: 1,
    });
    const names = (await call<{ rules: RuleView[] }>('rules:list', {})).rules.map((r) => [
      r.rule.name,
      r.source,
    ]);
    expect(names).toEqual([
      ['B', 'user'],
      ['A', 'import'],
    ]);
  });

  it("seeds DESIGN.md's config rules once, and keeps them through restarts", async () => {
    dir = mkdtempSync(join(tmpdir(), 'cw-rules-'));
    start(DESIGN_CONFIG);
    const first = (await call<{ rules: RuleView[] }>('rules:list', {})).rules;
    expect(first).toMatchObject([
      { id: 1, source: 'config', rule: { name: 'BTC above 100k', signal: 'BUY' } },
    ]);
    await core!.stop();
    start(DESIGN_CONFIG);
    expect((await call<{ rules: RuleView[] }>('rules:list', {})).rules).toEqual(first);
    await core!.stop();
    start(DESIGN_CONFIG.replace('100000', '120000'));
    const changed = (await call<{ rules: RuleView[] }>('rules:list', {})).rules;
    expect(changed).toMatchObject([{ id: 1, rule: { when: { level: 120000 } } }]);
  });

  it('refuses to start on a bad config rule, naming it', () => {
    dir = mkdtempSync(join(tmpdir(), 'cw-rules-'));
    const config = JSON.parse(DESIGN_CONFIG) as { rules: unknown[] };
    config.rules.push({
      ...priceRule('broken EMA', 0),
      when: {
        type: 'indicator-cross',
        indicator: { indicator: 'ema', period: 0 },
        direction: 'above',
        other: { indicator: 'ema', period: 21 },
      },
    });
    expect(() => start(JSON.stringify(config))).toThrow(
      /Config rule #2 "broken EMA" is not valid:\n.*EMA period must be at least 1/s,
    );
  });
});

describe('backtest', () => {
  const closes = [99, 101, 99, 101, 102, 98, 103];
  const day = 86_400_000;

  it('replays a stored or unsaved rule over the stored candles of a range', async () => {
    dir = mkdtempSync(join(tmpdir(), 'cw-backtest-'));
    storeCandles(BTC, bars(closes));
    start();
    const rule = priceRule('A', 100);
    const range = { from: T0, to: T0 + 2 * day };
    const unsaved = await call<BacktestResult>('rules:backtest', { rule, range });
    expect(unsaved.firings.map((f) => [(f.candleTime - T0) / MIN, f.price])).toEqual([
      [1, 101],
      [3, 101],
      [6, 103],
    ]);
    expect(unsaved).toMatchObject({
      perDay: 1.5,
      days: 2,
      series: [{ ...BTC, candles: 7 }],
      truncated: false,
    });
    const { id } = await call<RuleView>('rules:create', rule);
    expect(await call('rules:backtest', { id, range })).toEqual(unsaved);
    expect(
      (
        await call<BacktestResult>('rules:backtest', {
          rule,
          range: { from: T0 + 2 * MIN, to: T0 + 2 * day },
        })
      ).firings,
    ).toHaveLength(2);
    expect((await refused('rules:backtest', { rule, range: { from: T0, to: T0 } })).message).toMatch(
      /to must be after from/,
    );
  });

  it('warms indicators from the candles before the range, as live does', async () => {
    dir = mkdtempSync(join(tmpdir(), 'cw-backtest-'));
    const walk = ref.walk(600, 5, T0);
    storeCandles(BTC, walk);
    start();
    const when = {
      type: 'indicator-cross',
      indicator: { indicator: 'ema', period: 9 },
      direction: 'above',
      other: { indicator: 'ema', period: 21 },
    };
    const from = walk[300]![0];
    const result = await call<BacktestResult>('rules:backtest', {
      rule: priceRule('x', 0, { when }),
      range: { from, to: walk.at(-1)![0] },
    });
    const live = new Harness([storedRule({ when: when as never })]).stream(walk);
    const expected = live.firings.filter((f) => f.candle[0] >= from).map((f) => f.candle[0]);
    expect(expected.length).toBeGreaterThan(2);
    expect(result.firings.map((f) => f.candleTime)).toEqual(expected);
  });

  it('runs all-of rules over every timeframe they read', async () => {
    dir = mkdtempSync(join(tmpdir(), 'cw-backtest-'));
    storeCandles(BTC, bars([101, 101, 101, 101, 101, 101, 101, 101, 101, 101]));
    storeCandles({ ...BTC, timeframe: '5m' }, bars([40, 60], 0, '5m'));
    start();
    const result = await call<BacktestResult>('rules:backtest', {
      rule: priceRule('x', 0, {
        when: {
          type: 'all-of',
          conditions: [{ when: priceAbove(100) }, { timeframe: '5m', when: priceAbove(50) }],
        },
      }),
      range: { from: T0, to: T0 + 10 * MIN },
    });
    // the 5m candle closing at 60 is known from minute 10; the 1m candle 9 also closes at minute 10
    expect(result.firings.map((f) => (f.candleTime - T0) / MIN)).toEqual([9]);
    expect(result.series.map((s) => [s.timeframe, s.candles])).toEqual([
      ['1m', 10],
      ['5m', 2],
    ]);
  });
});

import { afterEach, describe, expect, it } from 'vitest';
import { MAX_RULES, RuleService } from '../../../src/main/core/alerts/rule-service';
import type { AlertService } from '../../../src/main/core/alerts/alert-service';
import { EventHub } from '../../../src/main/core/events';
import { silentLogger } from '../../../src/main/core/base/log';
import { openDatabase } from '../../../src/main/core/store/database';
import { RuleRepository } from '../../../src/main/core/store/rule-repository';
import { ruleSchema, type StoredRule } from '../../../src/shared/domain/rule';
import { tempDir, type TempDir } from '../store/store-fixtures';

let dir: TempDir | undefined;
afterEach(() => dir?.cleanup());

const rule = (i: number) =>
  ruleSchema.parse({
    name: `rule ${i}`,
    exchange: 'binance',
    symbol: 'BTC/USDT',
    timeframe: '1m',
    when: { type: 'price-cross', direction: 'above', level: 1_000 + i },
  });

function service() {
  dir = tempDir();
  const db = openDatabase(dir.path);
  const repo = new RuleRepository(db);
  let fullReads = 0;
  const list = repo.list.bind(repo);
  repo.list = () => {
    fullReads++;
    return list();
  };
  let engine: readonly StoredRule[] = [];
  const rules = new RuleService({
    repo,
    alerts: { expireRule: () => 0 } as unknown as AlertService,
    events: new EventHub(),
    onRules: (list) => (engine = list),
    now: () => 1_700_000_000_000,
    log: silentLogger(),
  });
  return { rules, repo, reads: () => fullReads, engine: () => engine, db };
}

describe('rule changes', () => {
  it('are applied one by one: no change parses every stored rule again', () => {
    const s = service();
    s.rules.start(60_000);
    const a = s.rules.create(rule(1));
    const b = s.rules.create(rule(2));
    const readsAfterStart = s.reads();
    for (let i = 3; i < 50; i++) s.rules.create(rule(i));
    s.rules.update(a.id, { ...rule(1), name: 'renamed' });
    s.rules.setEnabled(b.id, false);
    s.rules.delete(a.id);
    s.rules.importRules([rule(100), rule(3)], 'merge');
    expect(s.reads()).toBe(readsAfterStart);
    // The engine sees exactly what is stored, in id order.
    expect(s.engine().map((r) => [r.id, r.rule.name, r.rule.enabled])).toEqual(
      s.repo.list().rules.map((r) => [r.id, r.rule.name, r.rule.enabled]),
    );
    s.rules.stop();
    s.db.close();
  });

  it(`are refused past ${MAX_RULES} rules, in plain words, and nothing is half-imported`, () => {
    const s = service();
    s.rules.importRules(
      Array.from({ length: MAX_RULES }, (_, i) => rule(i)),
      'merge',
    );
    expect(() => s.rules.create(rule(MAX_RULES))).toThrow(`keeps at most ${MAX_RULES} rules`);
    expect(() => s.rules.importRules([rule(MAX_RULES), rule(MAX_RULES + 1)], 'merge')).toThrow(/at most/);
    expect(s.repo.list().rules).toHaveLength(MAX_RULES);
    // At the limit, a change that adds no rule still goes through.
    expect(s.rules.importRules([rule(0)], 'merge')).toMatchObject({ unchanged: 1 });
    s.db.close();
  });
});

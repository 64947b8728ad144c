import type { Database } from 'better-sqlite3';
import type { SeriesKey } from '../../../shared/domain/market';
import { ruleSchema, type Rule, type RuleSource, type StoredRule } from '../../../shared/domain/rule';

type RuleRow = {
  id: number;
  name: string;
  definition: string;
  enabled: number;
  source: RuleSource;
  created_at: number;
  updated_at: number;
  active_since: number;
};

/** A stored rule that no longer parses (hand-edited file, newer build): kept on disk, reported. */
export type UnreadableRule = { id: number; name: string; error: string };

/** What a trigger mode remembers for one rule on one series. */
export type RuleSeriesState = { armed: boolean; lastCandleTime: number | null };

export class RuleNameTakenError extends Error {
  constructor(name: string) {
    super(`a rule named "${name}" already exists`);
    this.name = 'RuleNameTakenError';
  }
}

const COLUMNS = 'id, name, definition, enabled, source, created_at, updated_at, active_since';

/** The `rules` and `rule_series_state` tables. */
export class RuleRepository {
  private readonly selectAll;
  private readonly selectOne;
  private readonly selectByName;
  private readonly insertStmt;
  private readonly updateStmt;
  private readonly enableStmt;
  private readonly deleteStmt;
  private readonly selectState;
  private readonly upsertState;
  private readonly clearStateStmt;

  constructor(private readonly db: Database) {
    this.selectAll = db.prepare<[], RuleRow>(`SELECT ${COLUMNS} FROM rules ORDER BY id`);
    this.selectOne = db.prepare<[number], RuleRow>(`SELECT ${COLUMNS} FROM rules WHERE id = ?`);
    this.selectByName = db.prepare<[string], RuleRow>(`SELECT ${COLUMNS} FROM rules WHERE name = ?`);
    this.insertStmt = db.prepare<[string, string, number, RuleSource, number, number, number]>(
      `INSERT INTO rules (name, definition, enabled, source, created_at, updated_at, active_since)
       VALUES (?, ?, ?, ?, ?, ?, ?)`,
    );
    this.updateStmt = db.prepare<[string, string, number, RuleSource, number, number, number]>(
      `UPDATE rules SET name = ?, definition = ?, enabled = ?, source = ?, updated_at = ?, active_since = ?
       WHERE id = ?`,
    );
    this.enableStmt = db.prepare<[number, string, number, number, number]>(
      'UPDATE rules SET enabled = ?, definition = ?, updated_at = ?, active_since = ? WHERE id = ?',
    );
    this.deleteStmt = db.prepare<[number]>('DELETE FROM rules WHERE id = ?');
    this.selectState = db.prepare<
      [number, string, string, string],
      { armed: number; last_candle_time: number | null }
    >(
      `SELECT armed, last_candle_time FROM rule_series_state
       WHERE rule_id = ? AND exchange = ? AND symbol = ? AND timeframe = ?`,
    );
    this.upsertState = db.prepare<[number, string, string, string, number, number | null]>(
      `INSERT INTO rule_series_state (rule_id, exchange, symbol, timeframe, armed, last_candle_time)
       VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (rule_id, exchange, symbol, timeframe)
       DO UPDATE SET armed = excluded.armed, last_candle_time = excluded.last_candle_time`,
    );
    this.clearStateStmt = db.prepare<[number]>('DELETE FROM rule_series_state WHERE rule_id = ?');
  }

  /** Runs `fn` in one transaction: an import either lands whole or not at all. */
  transaction<T>(fn: () => T): T {
    return this.db.transaction(fn)();
  }

  list(): { rules: StoredRule[]; unreadable: UnreadableRule[] } {
    const rules: StoredRule[] = [];
    const unreadable: UnreadableRule[] = [];
    for (const row of this.selectAll.all()) {
      const parsed = toStoredRule(row);
      if ('error' in parsed) unreadable.push(parsed);
      else rules.push(parsed);
    }
    return { rules, unreadable };
  }

  /** undefined when there is no such rule; throws when its stored definition is unreadable */
  get(id: number): StoredRule | undefined {
    return readable(this.selectOne.get(id));
  }

  findByName(name: string): StoredRule | undefined {
    return readable(this.selectByName.get(name));
  }

  insert(rule: Rule, source: RuleSource, now: number): StoredRule {
    if (this.selectByName.get(rule.name)) throw new RuleNameTakenError(rule.name);
    const id = Number(
      this.insertStmt.run(rule.name, JSON.stringify(rule), rule.enabled ? 1 : 0, source, now, now, now)
        .lastInsertRowid,
    );
    return { id, rule, source, createdAt: now, updatedAt: now, activeSince: now };
  }

  /** Replaces a rule's definition; its per-series state starts over, since the condition changed. */
  replace(current: StoredRule, rule: Rule, source: RuleSource, now: number): StoredRule {
    const other = this.selectByName.get(rule.name);
    if (other && other.id !== current.id) throw new RuleNameTakenError(rule.name);
    this.updateStmt.run(rule.name, JSON.stringify(rule), rule.enabled ? 1 : 0, source, now, now, current.id);
    this.clearStateStmt.run(current.id);
    return { ...current, rule, source, updatedAt: now, activeSince: now };
  }

  /**
   * Re-enabling starts the rule afresh from `now`: nothing that closed while it was off fires, and
   * a `once` rule may fire once more.
   */
  setEnabled(current: StoredRule, enabled: boolean, now: number): StoredRule {
    const rule = { ...current.rule, enabled };
    const restart = enabled && !current.rule.enabled;
    const activeSince = restart ? now : current.activeSince;
    this.enableStmt.run(enabled ? 1 : 0, JSON.stringify(rule), now, activeSince, current.id);
    if (restart) this.clearStateStmt.run(current.id);
    return { ...current, rule, updatedAt: now, activeSince };
  }

  delete(id: number): boolean {
    return this.deleteStmt.run(id).changes === 1;
  }

  loadState(ruleId: number, key: SeriesKey): RuleSeriesState | undefined {
    const row = this.selectState.get(ruleId, key.exchange, key.symbol, key.timeframe);
    return row && { armed: row.armed === 1, lastCandleTime: row.last_candle_time };
  }

  saveState(ruleId: number, key: SeriesKey, state: RuleSeriesState): void {
    this.upsertState.run(
      ruleId,
      key.exchange,
      key.symbol,
      key.timeframe,
      state.armed ? 1 : 0,
      state.lastCandleTime,
    );
  }
}

function toStoredRule(row: RuleRow): StoredRule | UnreadableRule {
  let json: unknown;
  try {
    json = JSON.parse(row.definition);
  } catch (err) {
    return { id: row.id, name: row.name, error: `not JSON: ${(err as Error).message}` };
  }
  const parsed = ruleSchema.safeParse(json);
  if (!parsed.success)
    return { id: row.id, name: row.name, error: parsed.error.issues.map((i) => i.message).join('; ') };
  return {
    id: row.id,
    rule: parsed.data,
    source: row.source,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    activeSince: row.active_since,
  };
}

function readable(row: RuleRow | undefined): StoredRule | undefined {
  if (!row) return undefined;
  const parsed = toStoredRule(row);
  if ('error' in parsed)
    throw new Error(`stored rule ${row.id} "${row.name}" is unreadable: ${parsed.error}`);
  return parsed;
}

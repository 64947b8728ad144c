import { z } from 'zod';
import { ContractError } from '../../../shared/contract/result';
import type { RuleView } from '../../../shared/contract/methods/signals';
import {
  RULES_FILE_FORMAT,
  ruleSchema,
  type Rule,
  type RuleSource,
  type RulesFile,
  type StoredRule,
} from '../../../shared/domain/rule';
import type { EventHub } from '../events';
import type { Logger } from '../base/log';
import { RuleNameTakenError, type RuleRepository, type UnreadableRule } from '../store/rule-repository';
import type { AlertService } from './alert-service';
import { describeCondition } from './conditions';

export type RuleServiceOptions = {
  repo: RuleRepository;
  alerts: AlertService;
  events: EventHub;
  /** called with the enabled-or-not rules after every change (the rule engine) */
  onRules(rules: readonly StoredRule[]): void;
  now(): number;
  log: Logger;
};

/** A rule of the config file that does not parse: names the rule, so the user knows which to fix. */
export class RuleConfigError extends Error {
  constructor(index: number, name: unknown, detail: string) {
    super(
      `Config rule #${index + 1}${typeof name === 'string' ? ` "${name}"` : ''} is not valid:\n${detail}`,
    );
    this.name = 'RuleConfigError';
  }
}

const sameDefinition = (a: Rule, b: Rule) => JSON.stringify(a) === JSON.stringify(b);

/**
 * Most rules one installation keeps (docs/rules.md). Each change re-binds the enabled rules in the
 * engine, which grows with their number; past a few thousand an edit would cost the main thread
 * tens of milliseconds, and a list that long is a script gone wrong rather than a trader's rules.
 */
export const MAX_RULES = 5_000;

/** Parses every rule of a list; the first bad one (or a name given twice) throws `error`'s error. */
function parseAll(
  rules: readonly unknown[],
  error: (index: number, name: unknown, detail: string) => Error,
): Rule[] {
  const seen = new Set<string>();
  return rules.map((raw, i) => {
    const name = (raw as { name?: unknown } | null)?.name;
    const parsed = ruleSchema.safeParse(raw);
    if (!parsed.success) throw error(i, name, z.prettifyError(parsed.error));
    if (seen.has(parsed.data.name)) throw error(i, name, 'another rule in the same list has this name');
    seen.add(parsed.data.name);
    return parsed.data;
  });
}

/** The rules of a config file, checked before the app opens anything: a bad one is named in the error. */
export function parseConfigRules(rules: readonly unknown[]): Rule[] {
  return parseAll(rules, (i, name, detail) => new RuleConfigError(i, name, detail));
}

/** Rule CRUD, import/export, config seeding and expiry; keeps the engine in step with the table. */
export class RuleService {
  private readonly expiredHandled = new Set<string>();
  private timer: ReturnType<typeof setInterval> | undefined;
  /**
   * The readable stored rules by id, parsed once: a change re-reads only the rows it touched,
   * instead of parsing every rule again (that was ~30 ms per edit at 1,500 rules).
   */
  private known: Map<number, StoredRule> | undefined;

  constructor(private readonly opts: RuleServiceOptions) {}

  /** Loads the stored rules into the engine and starts checking expiries. */
  start(expiryCheckMs = 30_000): void {
    this.sync();
    this.expireDue();
    this.timer = setInterval(() => this.expireDue(), expiryCheckMs);
    this.timer.unref?.();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  list(): { rules: RuleView[]; unreadable: UnreadableRule[] } {
    const { rules, unreadable } = this.opts.repo.list();
    return { rules: rules.map((r) => this.view(r)), unreadable };
  }

  get(id: number): StoredRule {
    const found = this.opts.repo.get(id);
    if (!found) throw new ContractError('not-found', `there is no rule ${id}`);
    return found;
  }

  create(rule: Rule, source: RuleSource = 'user'): RuleView {
    this.roomFor(1);
    const stored = this.named(() => this.opts.repo.insert(rule, source, this.opts.now()));
    this.changed([stored.id], 'created');
    return this.view(stored);
  }

  update(id: number, rule: Rule): RuleView {
    const current = this.get(id);
    const stored = this.named(() => this.opts.repo.replace(current, rule, current.source, this.opts.now()));
    this.changed([id], 'updated');
    return this.view(stored);
  }

  setEnabled(id: number, enabled: boolean): RuleView {
    const stored = this.opts.repo.setEnabled(this.get(id), enabled, this.opts.now());
    this.changed([id], 'updated');
    return this.view(stored);
  }

  delete(id: number): boolean {
    const deleted = this.opts.repo.delete(id);
    if (deleted) this.changed([id], 'deleted');
    return deleted;
  }

  exportRules(): RulesFile {
    return { format: RULES_FILE_FORMAT, version: 1, rules: this.opts.repo.list().rules.map((r) => r.rule) };
  }

  /**
   * Imports a rules document: every rule is parsed first and one bad rule (or a name given twice)
   * aborts the import with its index and name; then all writes land in one transaction.
   * `replace` also deletes stored rules the document does not name.
   */
  importRules(
    rules: readonly unknown[],
    mode: 'merge' | 'replace',
    source: RuleSource = 'import',
  ): { created: number; updated: number; unchanged: number; deleted: number } {
    const parsed = parseAll(rules, (i, name, detail) => {
      const label = `rule #${i + 1}${typeof name === 'string' ? ` "${name}"` : ''}`;
      return new ContractError('invalid-input', `${label} is not valid: ${detail}`);
    });
    const known = this.rules();
    const names = new Set([...known.values()].map((r) => r.rule.name));
    this.roomFor(
      parsed.filter((r) => !names.has(r.name)).length,
      mode === 'replace' ? parsed.length : undefined,
    );
    const counts = { created: 0, updated: 0, unchanged: 0, deleted: 0 };
    const ids: number[] = [];
    const now = this.opts.now();
    this.opts.repo.transaction(() => {
      for (const rule of parsed) {
        const existing = this.opts.repo.findByName(rule.name);
        if (!existing) {
          ids.push(this.opts.repo.insert(rule, source, now).id);
          counts.created++;
        } else if (!sameDefinition(existing.rule, rule)) {
          this.opts.repo.replace(existing, rule, source, now);
          ids.push(existing.id);
          counts.updated++;
        } else counts.unchanged++;
      }
      if (mode === 'replace') {
        const keep = new Set(parsed.map((r) => r.name));
        for (const stored of this.opts.repo.list().rules)
          if (!keep.has(stored.rule.name) && this.opts.repo.delete(stored.id)) {
            ids.push(stored.id);
            counts.deleted++;
          }
      }
    });
    if (ids.length > 0) this.changed(ids, 'imported');
    return counts;
  }

  /**
   * Seeds the rules of the config file (see parseConfigRules) at start: matched by name, added
   * when new, replaced when their definition changed, left alone (with their trigger state) when
   * identical.
   */
  seed(rules: readonly Rule[]): void {
    this.importRules(rules, 'merge', 'config');
  }

  /** Expires the alerts of rules whose expiry passed, once per rule and expiry. */
  expireDue(): void {
    const now = this.opts.now();
    let any = false;
    for (const stored of this.rules().values()) {
      const at = stored.rule.expiresAt;
      if (at === null || at > now) continue;
      const mark = `${stored.id}:${at}`;
      if (this.expiredHandled.has(mark)) continue;
      this.expiredHandled.add(mark);
      const n = this.opts.alerts.expireRule(stored.id);
      if (n > 0) this.opts.log.info(`rule "${stored.rule.name}" expired`, { alerts: n });
      any = true;
    }
    if (any) this.changed([], 'updated');
  }

  private named<T>(write: () => T): T {
    try {
      return write();
    } catch (err) {
      if (err instanceof RuleNameTakenError) throw new ContractError('conflict', err.message);
      throw err;
    }
  }

  private changed(ids: number[], change: 'created' | 'updated' | 'deleted' | 'imported'): void {
    const known = this.rules();
    for (const id of ids) {
      const row = this.opts.repo.get(id);
      if (row) known.set(id, row);
      else known.delete(id);
    }
    this.sync();
    this.opts.events.emit('rules:changed', { ids, change });
  }

  private rules(): Map<number, StoredRule> {
    this.known ??= new Map(this.opts.repo.list().rules.map((r) => [r.id, r]));
    return this.known;
  }

  private sync(): void {
    // In id order, as the repository lists them.
    this.opts.onRules([...this.rules().values()].sort((a, b) => a.id - b.id));
  }

  /** Refuses a change that would keep more than MAX_RULES rules (`total`: the count after a replace). */
  private roomFor(adding: number, total?: number): void {
    const after = total ?? this.rules().size + adding;
    if (adding > 0 && after > MAX_RULES) {
      throw new ContractError(
        'conflict',
        `Candlewatch keeps at most ${MAX_RULES} rules (${this.rules().size} now): delete some before adding more`,
      );
    }
  }

  private view(r: StoredRule): RuleView {
    return {
      ...r,
      expired: r.rule.expiresAt !== null && r.rule.expiresAt <= this.opts.now(),
      summary: describeCondition(r.rule.when, r.rule.timeframe),
    };
  }
}

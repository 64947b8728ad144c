import type { Database } from 'better-sqlite3';
import type {
  Alert,
  AlertCounts,
  AlertFilter,
  AlertKind,
  AlertStatus,
  AlertStatusChange,
} from '../../../shared/domain/alert';
import type { Signal } from '../../../shared/domain/rule';

/**
 * An alert about to be stored: the repository gives it its id. `expiresAt`: when it expires if
 * still active, set by a rule's own `alertExpiryMinutes`; null follows the global setting.
 */
export type AlertDraft = Omit<Alert, 'id' | 'status' | 'statusAt'> & {
  status: 'active' | 'missed';
  expiresAt?: number | null;
};

export type AlertRow = {
  id: number;
  kind: AlertKind;
  rule_id: number | null;
  rule_name: string;
  signal: Signal;
  exchange: string;
  symbol: string;
  timeframe: string;
  candle_time: number;
  price: number;
  indicator_values: string;
  strength: number;
  strength_basis: string;
  message: string;
  fired_at: number;
  status: AlertStatus;
  status_at: number;
  urgent: number;
};

const COLUMNS =
  'id, kind, rule_id, rule_name, signal, exchange, symbol, timeframe, candle_time, price, indicator_values, ' +
  'strength, strength_basis, message, fired_at, status, status_at, urgent';

export const toAlert = (r: AlertRow): Alert => ({
  id: r.id,
  kind: r.kind,
  ruleId: r.rule_id,
  ruleName: r.rule_name,
  signal: r.signal,
  exchange: r.exchange,
  symbol: r.symbol,
  timeframe: r.timeframe,
  candleTime: r.candle_time,
  price: r.price,
  values: JSON.parse(r.indicator_values) as Record<string, number>,
  strength: r.strength,
  strengthBasis: r.strength_basis,
  message: r.message,
  firedAt: r.fired_at,
  status: r.status,
  statusAt: r.status_at,
  urgent: r.urgent === 1,
});

/**
 * WHERE clause (`?` placeholders) and parameters of a filter; every column it uses has an index or is
 * cheap. The PostgreSQL alert log numbers the placeholders.
 */
export function where(
  filter: AlertFilter,
  statuses?: readonly AlertStatus[],
): { sql: string; params: unknown[] } {
  const parts: string[] = [];
  const params: unknown[] = [];
  const eq = (column: string, value: unknown) => {
    if (value === undefined) return;
    parts.push(`${column} = ?`);
    params.push(value);
  };
  eq('kind', filter.kind);
  eq('exchange', filter.exchange);
  eq('symbol', filter.symbol);
  eq('timeframe', filter.timeframe);
  eq('rule_id', filter.ruleId);
  eq('signal', filter.signal);
  eq('status', filter.status);
  if (filter.from !== undefined) {
    parts.push('fired_at >= ?');
    params.push(filter.from);
  }
  if (filter.to !== undefined) {
    parts.push('fired_at < ?');
    params.push(filter.to);
  }
  if (statuses) {
    parts.push(`status IN (${statuses.map(() => '?').join(', ')})`);
    params.push(...statuses);
  }
  return { sql: parts.length ? `WHERE ${parts.join(' AND ')}` : '', params };
}

/** The `alerts` and `alert_status_history` tables. */
export class AlertRepository {
  private readonly insertStmt;
  private readonly historyStmt;
  private readonly selectOne;
  private readonly selectHistory;
  private readonly setStatusStmt;

  constructor(private readonly db: Database) {
    // OR IGNORE on the (rule, series, candle) unique key: a second firing is dropped by SQLite.
    this.insertStmt = db.prepare(
      `INSERT OR IGNORE INTO alerts (kind, rule_id, rule_name, signal, exchange, symbol, timeframe, candle_time,
         price, indicator_values, strength, strength_basis, message, fired_at, status, status_at, urgent, expires_at)
       VALUES (@kind, @ruleId, @ruleName, @signal, @exchange, @symbol, @timeframe, @candleTime, @price, @values,
         @strength, @strengthBasis, @message, @firedAt, @status, @firedAt, @urgent, @expiresAt)`,
    );
    this.historyStmt = db.prepare<[number, AlertStatus, number, string]>(
      'INSERT INTO alert_status_history (alert_id, status, at, reason) VALUES (?, ?, ?, ?)',
    );
    this.selectOne = db.prepare<[number], AlertRow>(`SELECT ${COLUMNS} FROM alerts WHERE id = ?`);
    this.selectHistory = db.prepare<[number], AlertStatusChange>(
      'SELECT status, at, reason FROM alert_status_history WHERE alert_id = ? ORDER BY id',
    );
    this.setStatusStmt = db.prepare<[AlertStatus, number, number, AlertStatus]>(
      'UPDATE alerts SET status = ?, status_at = ? WHERE id = ? AND status = ?',
    );
  }

  /**
   * Stores a firing and its first history entry, and runs `alongside` in the same transaction
   * (the rule's per-series state). Returns null, changing nothing, when the rule already fired on
   * that candle of that series.
   */
  insert(draft: AlertDraft, reason: string, alongside?: () => void): Alert | null {
    return this.db.transaction(() => {
      const { expiresAt = null, ...alert } = draft;
      const info = this.insertStmt.run({
        ...alert,
        values: JSON.stringify(alert.values),
        urgent: alert.urgent ? 1 : 0,
        expiresAt,
      });
      if (info.changes !== 1) return null;
      const id = Number(info.lastInsertRowid);
      this.historyStmt.run(id, alert.status, alert.firedAt, reason);
      alongside?.();
      return { ...alert, id, statusAt: alert.firedAt };
    })();
  }

  get(id: number): Alert | undefined {
    const row = this.selectOne.get(id);
    return row && toAlert(row);
  }

  history(id: number): AlertStatusChange[] {
    return this.selectHistory.all(id);
  }

  /** Newest first; `beforeId` pages further back. */
  list(filter: AlertFilter, limit: number, beforeId?: number): Alert[] {
    const w = where(filter);
    let sql = w.sql;
    if (beforeId !== undefined) {
      sql = `${sql ? `${sql} AND` : 'WHERE'} id < ?`;
      w.params.push(beforeId);
    }
    return this.db
      .prepare<unknown[], AlertRow>(`SELECT ${COLUMNS} FROM alerts ${sql} ORDER BY id DESC LIMIT ?`)
      .all(...w.params, limit)
      .map(toAlert);
  }

  counts(filter: AlertFilter): AlertCounts {
    const w = where(filter);
    const rows = this.db
      .prepare<unknown[], { status: AlertStatus; signal: Signal; n: number }>(
        `SELECT status, signal, count(*) AS n FROM alerts ${w.sql} GROUP BY status, signal`,
      )
      .all(...w.params);
    const counts: AlertCounts = {
      total: 0,
      byStatus: { active: 0, dismissed: 0, expired: 0, missed: 0 },
      bySignal: { BUY: 0, SELL: 0, INFO: 0 },
    };
    for (const r of rows) {
      counts.total += r.n;
      counts.byStatus[r.status] += r.n;
      counts.bySignal[r.signal] += r.n;
    }
    return counts;
  }

  /**
   * Moves alerts matching `filter` whose status is one of `from` to `to`, with a history entry
   * each; returns the ids that changed.
   */
  transition(
    filter: AlertFilter & { ids?: readonly number[] },
    from: readonly AlertStatus[],
    to: AlertStatus,
    at: number,
    reason: string,
  ): number[] {
    return this.db.transaction(() => {
      const { ids, ...rest } = filter;
      const w = where(rest, from);
      let sql = w.sql;
      if (ids) {
        if (ids.length === 0) return [];
        sql = `${sql} AND id IN (SELECT value FROM json_each(?))`;
        w.params.push(JSON.stringify(ids));
      }
      const rows = this.db
        .prepare<unknown[], { id: number; status: AlertStatus }>(`SELECT id, status FROM alerts ${sql}`)
        .all(...w.params);
      for (const r of rows) {
        this.setStatusStmt.run(to, at, r.id, r.status);
        this.historyStmt.run(r.id, to, at, reason);
      }
      return rows.map((r) => r.id);
    })();
  }

  /**
   * Active alerts due to expire at `now`: their own `expires_at` passed, or, without one, they
   * fired `afterMs` ago or more (the global setting; null: never). At most `limit`, oldest first.
   */
  dueToExpire(now: number, afterMs: number | null, limit: number): number[] {
    return this.db
      .prepare<[number, number | null, number, number], number>(
        `SELECT id FROM alerts WHERE status = 'active' AND expires_at <= ?
         UNION
         SELECT id FROM alerts
           WHERE status = 'active' AND expires_at IS NULL AND fired_at <= ? - ?
         ORDER BY id LIMIT ?`,
      )
      .pluck()
      .all(now, afterMs === null ? null : now, afterMs ?? 0, limit);
  }

  /**
   * Deletes, in one transaction, at most `limit` alerts the history no longer keeps: those fired
   * before `olderThan` (null: no age limit), then the oldest beyond `keepCount`. Active alerts are
   * kept (they expire first). Their status history goes with them (ON DELETE CASCADE); a fill that
   * pointed at one keeps its row with alert_id NULL.
   */
  prune(olderThan: number | null, keepCount: number, limit: number): number {
    return this.db.transaction(() => {
      let deleted = 0;
      if (olderThan !== null)
        deleted += this.db
          .prepare<[number, number]>(
            `DELETE FROM alerts WHERE id IN (SELECT id FROM alerts
               WHERE fired_at < ? AND status != 'active' LIMIT ?)`,
          )
          .run(olderThan, limit).changes;
      const excess = this.db.prepare<[], number>('SELECT count(*) FROM alerts').pluck().get()! - keepCount;
      if (excess > 0 && deleted < limit)
        deleted += this.db
          .prepare<[number]>(
            `DELETE FROM alerts WHERE id IN (SELECT id FROM alerts WHERE status != 'active' ORDER BY id LIMIT ?)`,
          )
          .run(Math.min(excess, limit - deleted)).changes;
      return deleted;
    })();
  }

  /** Every alert, oldest first, one at a time: the export never holds the whole history in memory. */
  *iterateAll(): Generator<Alert> {
    const stmt = this.db.prepare<[], AlertRow>(`SELECT ${COLUMNS} FROM alerts ORDER BY fired_at, id`);
    for (const row of stmt.iterate()) yield toAlert(row);
  }
}

/** Every stored alert, oldest first; none in a database from before alerts existed (schema < 4). */
export function storedAlerts(db: Database): Iterable<Alert> {
  const hasAlerts = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'alerts'").get();
  return hasAlerts ? new AlertRepository(db).iterateAll() : [];
}

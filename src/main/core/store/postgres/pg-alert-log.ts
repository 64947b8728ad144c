import type { Alert, AlertCounts, AlertFilter, AlertStatus } from '../../../../shared/domain/alert';
import type { Signal } from '../../../../shared/domain/rule';
import { toAlert, where, type AlertDraft, type AlertRow } from '../alert-repository';
import type { SharedAlertLog } from '../shared-store';
import { inTransaction, type PgPool } from './pg-database';

/**
 * The row shape of SQLite's alerts, so one mapper serves both: rule ids are local to each node's
 * SQLite, so the shared log keys alerts by rule name and answers rule_id NULL.
 */
const COLUMNS =
  'id, kind, NULL::int AS rule_id, rule_name, signal, exchange, symbol, timeframe, candle_time, price, ' +
  'indicator_values::text AS indicator_values, strength, strength_basis, message, fired_at, status, status_at, ' +
  'urgent::int AS urgent';

/** SQLite's WHERE of a filter with $n placeholders; rule ids are local to a node and are not shared. */
function pgWhere(filter: AlertFilter, first = 1): { sql: string; params: unknown[] } {
  const { ruleId: _local, ...shared } = filter;
  const w = where(shared);
  let n = first;
  return { sql: w.sql.replace(/\?/g, () => `$${n++}`), params: w.params };
}

/** Alerts of every node. The unique (rule name, series, candle) key refuses a second firing. */
export class PgAlertLog implements SharedAlertLog {
  constructor(
    private readonly pool: PgPool,
    private readonly node: string | null = null,
  ) {}

  insert(draft: AlertDraft, reason: string): Promise<Alert | null> {
    return inTransaction(this.pool, async (client) => {
      const r = await client.query<{ id: number }>(
        `INSERT INTO alerts (kind, rule_name, signal, exchange, symbol, timeframe, candle_time, price,
           indicator_values, strength, strength_basis, message, fired_at, status, status_at, urgent, node)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $13, $15, $16)
         ON CONFLICT (rule_name, exchange, symbol, timeframe, candle_time) DO NOTHING
         RETURNING id`,
        [
          draft.kind,
          draft.ruleName,
          draft.signal,
          draft.exchange,
          draft.symbol,
          draft.timeframe,
          draft.candleTime,
          draft.price,
          JSON.stringify(draft.values),
          draft.strength,
          draft.strengthBasis,
          draft.message,
          draft.firedAt,
          draft.status,
          draft.urgent,
          this.node,
        ],
      );
      const id = r.rows[0]?.id;
      if (id === undefined) return null;
      await client.query(
        'INSERT INTO alert_status_history (alert_id, status, at, reason) VALUES ($1, $2, $3, $4)',
        [id, draft.status, draft.firedAt, reason],
      );
      return { ...draft, id, statusAt: draft.firedAt };
    });
  }

  async list(filter: AlertFilter, limit: number, beforeId?: number): Promise<Alert[]> {
    const w = pgWhere(filter);
    let sql = w.sql;
    if (beforeId !== undefined) {
      w.params.push(beforeId);
      sql = `${sql ? `${sql} AND` : 'WHERE'} id < $${w.params.length}`;
    }
    w.params.push(limit);
    const r = await this.pool.query<AlertRow>(
      `SELECT ${COLUMNS} FROM alerts ${sql} ORDER BY id DESC LIMIT $${w.params.length}`,
      w.params,
    );
    return r.rows.map(toAlert);
  }

  async counts(filter: AlertFilter): Promise<AlertCounts> {
    const w = pgWhere(filter);
    const r = await this.pool.query<{ status: AlertStatus; signal: Signal; n: number }>(
      `SELECT status, signal, count(*) AS n FROM alerts ${w.sql} GROUP BY status, signal`,
      w.params,
    );
    const counts: AlertCounts = {
      total: 0,
      byStatus: { active: 0, dismissed: 0, expired: 0, missed: 0 },
      bySignal: { BUY: 0, SELL: 0, INFO: 0 },
    };
    for (const row of r.rows) {
      counts.total += row.n;
      counts.byStatus[row.status] += row.n;
      counts.bySignal[row.signal] += row.n;
    }
    return counts;
  }
}

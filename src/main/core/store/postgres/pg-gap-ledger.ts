import type { GapRecord } from '../../../../shared/domain/gap';
import { toGapRecord, type GapRow } from '../gap-repository';
import type { GapFilter, GapOpening, SharedGapLedger } from '../shared-store';
import type { PgCandleStore } from './pg-candle-store';
import type { PgPool } from './pg-database';

/** The gap ledger of every node, each row saying which node found it. */
export class PgGapLedger implements SharedGapLedger {
  constructor(
    private readonly pool: PgPool,
    private readonly series: PgCandleStore,
    private readonly node: string | null = null,
  ) {}

  async opened(gap: GapOpening): Promise<number> {
    const id = await this.series.ensure(gap);
    const r = await this.pool.query<{ id: number }>(
      `INSERT INTO gaps (series_id, from_time, to_time, expected, reason, detected_at, node)
       VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
      [id, gap.from, gap.to, gap.expected, gap.reason, gap.detectedAt, this.node],
    );
    return r.rows[0]!.id;
  }

  async filled(id: number, filled: number, at: number): Promise<void> {
    await this.pool.query('UPDATE gaps SET filled = $1, filled_at = $2, error = NULL WHERE id = $3', [
      filled,
      at,
      id,
    ]);
  }

  async failed(id: number, error: string): Promise<void> {
    await this.pool.query('UPDATE gaps SET error = $1 WHERE id = $2', [error, id]);
  }

  async list(filter: GapFilter): Promise<GapRecord[]> {
    const r = await this.pool.query<GapRow>(
      `SELECT g.id, s.exchange, s.symbol, s.timeframe, g.from_time, g.to_time, g.expected, g.filled,
              g.reason, g.detected_at, g.filled_at, g.error
         FROM gaps g JOIN series s ON s.id = g.series_id
        WHERE ($1::text IS NULL OR s.exchange = $1)
          AND ($2::text IS NULL OR s.symbol = $2)
          AND ($3::text IS NULL OR s.timeframe = $3)
        ORDER BY g.id DESC
        LIMIT $4`,
      [filter.exchange ?? null, filter.symbol ?? null, filter.timeframe ?? null, filter.limit],
    );
    return r.rows.map(toGapRecord);
  }
}

import type { Database } from 'better-sqlite3';
import type { GapReason, GapRecord } from '../../../shared/domain/gap';
import type { GapLedger } from '../candles/ports';
import type { SeriesRepository } from './series-repository';

export type GapRow = {
  id: number;
  exchange: string;
  symbol: string;
  timeframe: string;
  from_time: number;
  to_time: number;
  expected: number;
  filled: number;
  reason: GapReason;
  detected_at: number;
  filled_at: number | null;
  error: string | null;
};

type GapFilterParams = {
  exchange: string | null;
  symbol: string | null;
  timeframe: string | null;
  limit: number;
};

export const toGapRecord = (r: GapRow): GapRecord => ({
  id: r.id,
  exchange: r.exchange,
  symbol: r.symbol,
  timeframe: r.timeframe,
  from: r.from_time,
  to: r.to_time,
  expected: r.expected,
  filled: r.filled,
  reason: r.reason,
  detectedAt: r.detected_at,
  filledAt: r.filled_at,
  error: r.error,
});

/** The gap ledger: every run of missing candles the collector found, and how its backfill went. */
export class GapRepository implements GapLedger {
  private readonly insert;
  private readonly markFilled;
  private readonly markFailed;
  private readonly select;
  private readonly openTx;

  constructor(db: Database, series: SeriesRepository) {
    this.insert = db.prepare<[number, number, number, number, GapReason, number]>(
      `INSERT INTO gaps (series_id, from_time, to_time, expected, reason, detected_at)
       VALUES (?, ?, ?, ?, ?, ?)`,
    );
    this.markFilled = db.prepare<[number, number, number]>(
      'UPDATE gaps SET filled = ?, filled_at = ?, error = NULL WHERE id = ?',
    );
    this.markFailed = db.prepare<[string, number]>('UPDATE gaps SET error = ? WHERE id = ?');
    // One statement for every filter combination: a NULL parameter means "any".
    this.select = db.prepare<[GapFilterParams], GapRow>(
      `SELECT g.id, s.exchange, s.symbol, s.timeframe, g.from_time, g.to_time, g.expected, g.filled,
              g.reason, g.detected_at, g.filled_at, g.error
         FROM gaps g JOIN series s ON s.id = g.series_id
        WHERE (@exchange IS NULL OR s.exchange = @exchange)
          AND (@symbol IS NULL OR s.symbol = @symbol)
          AND (@timeframe IS NULL OR s.timeframe = @timeframe)
        ORDER BY g.id DESC
        LIMIT @limit`,
    );
    this.openTx = db.transaction((gap: Parameters<GapLedger['opened']>[0]) => {
      const seriesId = series.ensure(gap);
      return Number(
        this.insert.run(seriesId, gap.from, gap.to, gap.expected, gap.reason, gap.detectedAt).lastInsertRowid,
      );
    });
  }

  opened(gap: Parameters<GapLedger['opened']>[0]): number {
    return this.openTx(gap);
  }

  filled(id: number, filled: number, at: number): void {
    this.markFilled.run(filled, at, id);
  }

  failed(id: number, error: string): void {
    this.markFailed.run(error, id);
  }

  /** Newest first. */
  list(filter: Parameters<GapLedger['list']>[0]): GapRecord[] {
    return this.select
      .all({
        exchange: filter.exchange ?? null,
        symbol: filter.symbol ?? null,
        timeframe: filter.timeframe ?? null,
        limit: filter.limit,
      })
      .map(toGapRecord);
  }
}

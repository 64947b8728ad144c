import { seriesId, type Candle, type SeriesKey } from '../../../../shared/domain/market';
import type { StoredRange } from '../candle-repository';
import type { StoredSeries } from '../series-repository';
import type { KeyedAnomaly, SeriesCandles, SharedCandleStore } from '../shared-store';
import { inTransaction, type PgClient, type PgPool } from './pg-database';

type Queryable = Pick<PgClient, 'query'>;
type CandleRow = {
  open_time: number;
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
};

const COLUMNS = 'open_time, open, high, low, close, volume';
const toCandle = (r: CandleRow): Candle => [r.open_time, r.open, r.high, r.low, r.close, r.volume];

/**
 * One statement stores a whole batch: the rows cross as seven arrays that unnest() turns back into
 * rows, so 5,000 candles are 7 parameters, not 35,000 (PostgreSQL allows 65,535 per statement), and
 * the plan is the same whatever the batch size. ON CONFLICT DO NOTHING makes a re-fetched closed
 * candle a no-op; RETURNING says which rows were new, so the rest are compared for anomalies.
 */
const INSERT_BATCH = `
  INSERT INTO candles (series_id, ${COLUMNS})
  SELECT * FROM unnest($1::int[], $2::bigint[], $3::float8[], $4::float8[], $5::float8[], $6::float8[], $7::float8[])
  ON CONFLICT (series_id, open_time) DO NOTHING
  RETURNING series_id, open_time`;

/** Series and closed candles in PostgreSQL: the shared twin of SeriesRepository + CandleRepository. */
export class PgCandleStore implements SharedCandleStore {
  /** Ids never change once given: cached for the life of the pool, like SQLite's. */
  private readonly ids = new Map<string, number>();

  constructor(private readonly pool: PgPool) {}

  async find(key: SeriesKey, db: Queryable = this.pool): Promise<number | undefined> {
    const cached = this.ids.get(seriesId(key));
    if (cached !== undefined) return cached;
    const r = await db.query<{ id: number }>(
      'SELECT id FROM series WHERE exchange = $1 AND symbol = $2 AND timeframe = $3',
      [key.exchange, key.symbol, key.timeframe],
    );
    const id = r.rows[0]?.id;
    if (id !== undefined && db === this.pool) this.ids.set(seriesId(key), id);
    return id;
  }

  /** The id of a series, created on first use; two nodes creating it at once get the same id. */
  async ensure(key: SeriesKey, db: Queryable = this.pool): Promise<number> {
    const found = await this.find(key, db);
    if (found !== undefined) return found;
    // DO UPDATE (a no-op) instead of DO NOTHING so RETURNING gives the id of an existing row too.
    const r = await db.query<{ id: number }>(
      `INSERT INTO series (exchange, symbol, timeframe) VALUES ($1, $2, $3)
       ON CONFLICT (exchange, symbol, timeframe) DO UPDATE SET exchange = excluded.exchange
       RETURNING id`,
      [key.exchange, key.symbol, key.timeframe],
    );
    return r.rows[0]!.id;
  }

  async writeClosed(
    batch: readonly SeriesCandles[],
  ): Promise<{ inserted: number; anomalies: KeyedAnomaly[] }> {
    // Series rows are created outside the candle transaction: a series id is harmless if the
    // candles then fail, and it keeps the candle transaction to two statements per batch.
    const withIds = await Promise.all(batch.map(async (b) => ({ ...b, id: await this.ensure(b.key) })));
    const cols: number[][] = [[], [], [], [], [], [], []];
    for (const { id, candles } of withIds) {
      for (const c of candles) {
        cols[0]!.push(id);
        for (let i = 0; i < 6; i++) cols[i + 1]!.push(c[i]!);
      }
    }
    if (cols[0]!.length === 0) return { inserted: 0, anomalies: [] };
    return inTransaction(this.pool, async (client) => {
      const res = await client.query<{ series_id: number; open_time: number }>(INSERT_BATCH, cols);
      const fresh = new Set(res.rows.map((r) => `${r.series_id}|${r.open_time}`));
      const perSeries = new Map<number, number>();
      for (const r of res.rows) perSeries.set(r.series_id, (perSeries.get(r.series_id) ?? 0) + 1);
      if (perSeries.size > 0) {
        await client.query(
          `UPDATE series s SET candle_count = s.candle_count + d.n
             FROM unnest($1::int[], $2::bigint[]) AS d(id, n) WHERE s.id = d.id`,
          [[...perSeries.keys()], [...perSeries.values()]],
        );
      }
      const anomalies: KeyedAnomaly[] = [];
      for (const { key, id, candles } of withIds) {
        const again = candles.filter((c) => !fresh.has(`${id}|${c[0]}`));
        if (again.length === 0) continue;
        const stored = await client.query<CandleRow>(
          `SELECT ${COLUMNS} FROM candles WHERE series_id = $1 AND open_time = ANY($2::bigint[])`,
          [id, again.map((c) => c[0])],
        );
        const byTime = new Map(stored.rows.map((r) => [r.open_time, toCandle(r)]));
        for (const received of again) {
          const s = byTime.get(received[0]);
          if (s && s.some((v, i) => v !== received[i]))
            anomalies.push({ key, seriesId: id, stored: s, received: [...received] });
        }
      }
      return { inserted: res.rows.length, anomalies };
    });
  }

  private async rows(key: SeriesKey, sql: string, params: unknown[]): Promise<Candle[]> {
    const id = await this.find(key);
    if (id === undefined) return [];
    const r = await this.pool.query<CandleRow>(sql, [id, ...params]);
    return r.rows.map(toCandle);
  }

  async recent(key: SeriesKey, limit: number): Promise<Candle[]> {
    const rows = await this.rows(
      key,
      `SELECT ${COLUMNS} FROM candles WHERE series_id = $1 ORDER BY open_time DESC LIMIT $2`,
      [limit],
    );
    return rows.reverse();
  }

  range(key: SeriesKey, from: number, to: number, limit: number): Promise<Candle[]> {
    return this.rows(
      key,
      `SELECT ${COLUMNS} FROM candles WHERE series_id = $1 AND open_time BETWEEN $2 AND $3 ORDER BY open_time LIMIT $4`,
      [from, to, limit],
    );
  }

  async before(key: SeriesKey, time: number, limit: number): Promise<Candle[]> {
    const rows = await this.rows(
      key,
      `SELECT ${COLUMNS} FROM candles WHERE series_id = $1 AND open_time < $2 ORDER BY open_time DESC LIMIT $3`,
      [time, limit],
    );
    return rows.reverse();
  }

  async storedRange(key: SeriesKey): Promise<StoredRange | null> {
    const id = await this.find(key);
    if (id === undefined) return null;
    // min() and max() each answered from one end of the primary key.
    const r = await this.pool.query<{ first: number | null; last: number | null; count: number }>(
      `SELECT (SELECT min(open_time) FROM candles WHERE series_id = $1) AS first,
              (SELECT max(open_time) FROM candles WHERE series_id = $1) AS last,
              (SELECT candle_count FROM series WHERE id = $1) AS count`,
      [id],
    );
    const row = r.rows[0];
    if (!row || row.first === null || row.last === null) return null;
    return { first: row.first, last: row.last, count: row.count };
  }

  async allSeries(): Promise<StoredSeries[]> {
    const r = await this.pool.query<StoredSeries>(
      `SELECT id, exchange, symbol, timeframe, candle_count AS "candleCount"
         FROM series ORDER BY exchange, symbol, timeframe`,
    );
    return r.rows;
  }
}

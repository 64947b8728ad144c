import type { Database } from 'better-sqlite3';
import { seriesId, type SeriesKey } from '../../../shared/domain/market';

export type StoredSeries = SeriesKey & { id: number; candleCount: number };

type SeriesRow = { id: number; exchange: string; symbol: string; timeframe: string; candle_count: number };

const toStoredSeries = (r: SeriesRow): StoredSeries => ({
  id: r.id,
  exchange: r.exchange,
  symbol: r.symbol,
  timeframe: r.timeframe,
  candleCount: r.candle_count,
});

/**
 * The `series` table: exchange/symbol/timeframe ↔ the small integer every candle row is keyed by.
 * Ids never change once given, so they are cached for the life of the connection.
 */
export class SeriesRepository {
  private readonly ids = new Map<string, number>();
  private readonly insert;
  private readonly selectId;
  private readonly selectAll;
  private readonly addCount;
  private readonly selectCount;

  constructor(private readonly db: Database) {
    this.insert = db.prepare<[string, string, string]>(
      'INSERT OR IGNORE INTO series (exchange, symbol, timeframe) VALUES (?, ?, ?)',
    );
    this.selectId = db
      .prepare<[string, string, string], number>(
        'SELECT id FROM series WHERE exchange = ? AND symbol = ? AND timeframe = ?',
      )
      .pluck();
    this.selectAll = db.prepare<[], SeriesRow>(
      'SELECT id, exchange, symbol, timeframe, candle_count FROM series ORDER BY exchange, symbol, timeframe',
    );
    this.selectCount = db.prepare<[number], number>('SELECT candle_count FROM series WHERE id = ?').pluck();
    this.addCount = db.prepare<[number, number]>(
      'UPDATE series SET candle_count = candle_count + ? WHERE id = ?',
    );
  }

  /** The id of a stored series, or undefined: reads never create series. */
  find(key: SeriesKey): number | undefined {
    const cached = this.ids.get(seriesId(key));
    if (cached !== undefined) return cached;
    const id = this.selectId.get(key.exchange, key.symbol, key.timeframe);
    // Inside a transaction the row may be one this transaction inserted and a rollback removes:
    // only a committed id may be cached.
    if (id !== undefined && !this.db.inTransaction) this.ids.set(seriesId(key), id);
    return id;
  }

  /**
   * The id of a series, created on first use. The writer calls it inside its transaction; the new
   * id is cached by the first find() after the commit.
   */
  ensure(key: SeriesKey): number {
    const found = this.find(key);
    if (found !== undefined) return found;
    this.insert.run(key.exchange, key.symbol, key.timeframe);
    const id = this.selectId.get(key.exchange, key.symbol, key.timeframe);
    if (id === undefined) throw new Error(`series ${seriesId(key)} could not be created`);
    return id;
  }

  all(): StoredSeries[] {
    return this.selectAll.all().map(toStoredSeries);
  }

  /** Stored candles of the series, from the counter (no scan). */
  count(id: number): number {
    return this.selectCount.get(id) ?? 0;
  }

  /** Keeps `candle_count` in step with the rows; called in the transaction that changed them. */
  adjustCount(id: number, delta: number): void {
    if (delta !== 0) this.addCount.run(delta, id);
  }
}

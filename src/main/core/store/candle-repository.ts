import type { Database, Statement } from 'better-sqlite3';
import type { Candle, SeriesKey } from '../../../shared/domain/market';
import type { CandleHistory } from '../candles/ports';
import type { SeriesRepository } from './series-repository';

/** A closed candle arrived again with different values: closed candles are final, so this is reported. */
export type CandleAnomaly = { seriesId: number; stored: Candle; received: Candle };

export type StoredRange = { first: number; last: number; count: number };

const COLUMNS = 'open_time, open, high, low, close, volume';

/**
 * Every statement of the repository. Exported so a test runs EXPLAIN QUERY PLAN on exactly these:
 * each read must be a search of the (series_id, open_time) primary key, never a scan or a sort.
 */
export const CANDLE_SQL = {
  insert: `INSERT OR IGNORE INTO candles (series_id, ${COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?)`,
  selectOne: `SELECT ${COLUMNS} FROM candles WHERE series_id = ? AND open_time = ?`,
  recent: `SELECT ${COLUMNS} FROM candles WHERE series_id = ? ORDER BY open_time DESC LIMIT ?`,
  range: `SELECT ${COLUMNS} FROM candles WHERE series_id = ? AND open_time BETWEEN ? AND ? ORDER BY open_time LIMIT ?`,
  export: `SELECT ${COLUMNS} FROM candles WHERE series_id = ? AND open_time BETWEEN ? AND ? ORDER BY open_time`,
  before: `SELECT ${COLUMNS} FROM candles WHERE series_id = ? AND open_time < ? ORDER BY open_time DESC LIMIT ?`,
  first: 'SELECT min(open_time) FROM candles WHERE series_id = ?',
  last: 'SELECT max(open_time) FROM candles WHERE series_id = ?',
  pruneBoundary:
    'SELECT open_time FROM candles WHERE series_id = ? AND open_time < ? ORDER BY open_time LIMIT 1 OFFSET ?',
  deleteBefore: 'DELETE FROM candles WHERE series_id = ? AND open_time < ?',
} as const;

type CandleParams = [number, number, number, number, number, number, number];

/**
 * Closed candles on disk. Rows cross as [openTime, o, h, l, c, v] arrays straight from SQLite
 * (`raw()`), which is already the contract's Candle tuple: no per-row object is built on reads.
 */
export class CandleRepository implements CandleHistory {
  private readonly insertStmt: Statement<CandleParams>;
  private readonly selectOneStmt: Statement<[number, number], unknown[]>;
  private readonly recentStmt: Statement<[number, number], unknown[]>;
  private readonly rangeStmt: Statement<[number, number, number, number], unknown[]>;
  private readonly beforeStmt: Statement<[number, number, number], unknown[]>;
  private readonly exportStmt: Statement<[number, number, number], unknown[]>;
  private readonly firstStmt: Statement<[number], number | null>;
  private readonly lastStmt: Statement<[number], number | null>;
  private readonly boundaryStmt: Statement<[number, number, number], number>;
  private readonly deleteStmt: Statement<[number, number]>;

  constructor(
    db: Database,
    private readonly series: SeriesRepository,
  ) {
    this.insertStmt = db.prepare(CANDLE_SQL.insert);
    this.selectOneStmt = db.prepare<[number, number], unknown[]>(CANDLE_SQL.selectOne).raw();
    this.recentStmt = db.prepare<[number, number], unknown[]>(CANDLE_SQL.recent).raw();
    this.rangeStmt = db.prepare<[number, number, number, number], unknown[]>(CANDLE_SQL.range).raw();
    this.beforeStmt = db.prepare<[number, number, number], unknown[]>(CANDLE_SQL.before).raw();
    this.exportStmt = db.prepare<[number, number, number], unknown[]>(CANDLE_SQL.export).raw();
    this.firstStmt = db.prepare<[number], number | null>(CANDLE_SQL.first).pluck();
    this.lastStmt = db.prepare<[number], number | null>(CANDLE_SQL.last).pluck();
    this.boundaryStmt = db.prepare<[number, number, number], number>(CANDLE_SQL.pruneBoundary).pluck();
    this.deleteStmt = db.prepare(CANDLE_SQL.deleteBefore);
  }

  /**
   * Stores closed candles of one series inside the caller's transaction and returns how many were
   * new. A candle already stored with the same values is a no-op (re-fetched after a reconnect);
   * one stored with different values is left as it is and handed to `onAnomaly`.
   */
  insertClosed(seriesId: number, candles: readonly Candle[], onAnomaly: (a: CandleAnomaly) => void): number {
    let inserted = 0;
    for (const c of candles) {
      if (this.insertStmt.run(seriesId, c[0], c[1], c[2], c[3], c[4], c[5]).changes === 1) {
        inserted++;
        continue;
      }
      const stored = this.selectOneStmt.get(seriesId, c[0]) as Candle | undefined;
      if (stored && !sameCandle(stored, c)) onAnomaly({ seriesId, stored, received: [...c] });
    }
    this.series.adjustCount(seriesId, inserted);
    return inserted;
  }

  /** The newest `limit` closed candles, oldest first. */
  recent(key: SeriesKey, limit: number): Candle[] {
    const id = this.series.find(key);
    if (id === undefined) return [];
    return (this.recentStmt.all(id, limit) as Candle[]).reverse();
  }

  /** Candles opening in [from, to] (inclusive), oldest first, at most `limit`. */
  range(key: SeriesKey, from: number, to: number, limit: number): Candle[] {
    const id = this.series.find(key);
    if (id === undefined) return [];
    return this.rangeStmt.all(id, from, to, limit) as Candle[];
  }

  /**
   * Every candle opening in [from, to], oldest first, read lazily: an export of years of 1s candles
   * never sits in memory at once. The read snapshot lasts until the iterator ends.
   */
  iterate(seriesId: number, from: number, to: number): IterableIterator<Candle> {
    return this.exportStmt.iterate(seriesId, from, to) as IterableIterator<Candle>;
  }

  /** The `limit` candles opening before `time`, oldest first: chart scroll-back. */
  before(key: SeriesKey, time: number, limit: number): Candle[] {
    const id = this.series.find(key);
    if (id === undefined) return [];
    return (this.beforeStmt.all(id, time, limit) as Candle[]).reverse();
  }

  lastClosedOpenTime(key: SeriesKey): number | undefined {
    const id = this.series.find(key);
    if (id === undefined) return undefined;
    return this.lastStmt.get(id) ?? undefined;
  }

  /** First and last stored open time and the row count; null when nothing is stored. */
  storedRange(key: SeriesKey): StoredRange | null {
    const id = this.series.find(key);
    if (id === undefined) return null;
    // Two queries on purpose: SQLite answers a lone min() or max() from the end of the index, but
    // min() and max() together in one SELECT scan the whole series.
    const first = this.firstStmt.get(id);
    const last = this.lastStmt.get(id);
    if (first == null || last == null) return null;
    return { first, last, count: this.series.count(id) };
  }

  /**
   * Deletes at most `limit` of the oldest candles opening before `cutoff` inside the caller's
   * transaction; returns how many went. Small batches keep each retention step short.
   */
  deleteOlderThan(seriesId: number, cutoff: number, limit: number): number {
    const boundary = this.boundaryStmt.get(seriesId, cutoff, limit);
    const deleted = this.deleteStmt.run(seriesId, boundary ?? cutoff).changes;
    this.series.adjustCount(seriesId, -deleted);
    return deleted;
  }
}

const sameCandle = (a: Candle, b: Candle): boolean =>
  a[0] === b[0] && a[1] === b[1] && a[2] === b[2] && a[3] === b[3] && a[4] === b[4] && a[5] === b[5];

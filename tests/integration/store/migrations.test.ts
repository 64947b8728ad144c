import BetterSqlite3 from 'better-sqlite3';
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import {
  databaseFile,
  NewerDatabaseError,
  openDatabase,
  schemaVersion,
} from '../../../src/main/core/store/database';
import { migrations } from '../../../src/main/core/store/migrations';
import { tempDir, type TempDir } from './store-fixtures';

let dir: TempDir | undefined;
afterEach(() => dir?.cleanup());

const upTo = (version: number) => migrations.filter((m) => m.version <= version);

describe('migration 0002 market-data', () => {
  it('migrates a version 1 database with settings in it, keeping them', () => {
    dir = tempDir();
    const v1 = openDatabase(dir.path, { migrations: upTo(1) });
    v1.prepare('INSERT INTO settings (section, value) VALUES (?, ?)').run('feed', '{"staleTimeoutMs":5000}');
    v1.close();

    const db = openDatabase(dir.path, { migrations: upTo(2) });
    expect(schemaVersion(db)).toBe(2);
    expect(db.prepare('SELECT value FROM settings WHERE section = ?').pluck().get('feed')).toBe(
      '{"staleTimeoutMs":5000}',
    );
    const id = db
      .prepare("INSERT INTO series (exchange, symbol, timeframe) VALUES ('binance', 'BTC/USDT', '1m')")
      .run().lastInsertRowid;
    db.prepare('INSERT INTO candles VALUES (?, ?, ?, ?, ?, ?, ?)').run(id, 1, 1.5, 2, 1, 1.75, 3);
    // The key is (series_id, open_time): a second row for the same minute is refused.
    expect(() => db.prepare('INSERT INTO candles VALUES (?, ?, 1, 1, 1, 1, 1)').run(id, 1)).toThrow(/UNIQUE/);
    // Candles belong to a series that exists (foreign keys are on).
    expect(() => db.prepare('INSERT INTO candles VALUES (999, 1, 1, 1, 1, 1, 1)').run()).toThrow(
      /FOREIGN KEY/,
    );
    expect(() =>
      db
        .prepare(
          "INSERT INTO gaps (series_id, from_time, to_time, expected, reason, detected_at) VALUES (?, 1, 2, 2, 'nap', 3)",
        )
        .run(id),
    ).toThrow(/CHECK/);
    db.close();
  });
});

describe('migration 0003 secrets', () => {
  it('migrates a version 2 database with candles and gaps in it, keeping them', () => {
    dir = tempDir();
    const v2 = openDatabase(dir.path, { migrations: upTo(2) });
    const id = v2
      .prepare("INSERT INTO series (exchange, symbol, timeframe) VALUES ('binance', 'BTC/USDT', '1m')")
      .run().lastInsertRowid;
    v2.prepare('INSERT INTO candles VALUES (?, 60000, 1, 2, 0.5, 1.5, 10)').run(id);
    v2.prepare(
      "INSERT INTO gaps (series_id, from_time, to_time, expected, reason, detected_at) VALUES (?, 1, 2, 2, 'start', 3)",
    ).run(id);
    v2.close();

    const db = openDatabase(dir.path, { migrations: upTo(3) });
    expect(schemaVersion(db)).toBe(3);
    expect(db.prepare('SELECT * FROM candles').raw().all()).toEqual([[id, 60000, 1, 2, 0.5, 1.5, 10]]);
    expect(db.prepare('SELECT count(*) FROM gaps').pluck().get()).toBe(1);
    db.prepare('INSERT INTO secrets VALUES (?, ?, ?, ?, ?, ?)').run(
      'binance',
      'apiKey',
      Buffer.from([1, 2]),
      'key-file',
      1,
      1,
    );
    expect(() =>
      db
        .prepare('INSERT INTO secrets VALUES (?, ?, ?, ?, ?, ?)')
        .run('binance', 'apiKey', Buffer.from([3]), 'key-file', 2, 2),
    ).toThrow(/UNIQUE/);
    db.close();
  });
});

describe('a database from a newer Candlewatch', () => {
  const makeNewer = (path: string, journal: 'wal' | 'delete') => {
    const db = new BetterSqlite3(databaseFile(path));
    db.pragma(`journal_mode = ${journal}`);
    db.exec("CREATE TABLE future (x); INSERT INTO future VALUES ('from the future')");
    db.pragma(`user_version = ${(migrations.at(-1)?.version ?? 0) + 1}`);
    db.close();
  };

  it.each(['wal', 'delete'] as const)(
    'is refused and left byte for byte unchanged (%s journal)',
    (journal) => {
      dir = tempDir();
      makeNewer(dir.path, journal);
      const before = readFileSync(databaseFile(dir.path));
      expect(() => openDatabase(dir!.path)).toThrow(NewerDatabaseError);
      expect(() => openDatabase(dir!.path)).toThrow(/newer Candlewatch.*The file was not changed/);
      expect(() => openDatabase(dir!.path, { readonly: true })).toThrow(NewerDatabaseError);
      expect(readFileSync(databaseFile(dir.path)).equals(before)).toBe(true);
    },
  );
});

describe('a migration that fails', () => {
  it('leaves the database at its previous version with its data', () => {
    dir = tempDir();
    openDatabase(dir.path, { migrations: upTo(1) }).close();
    const broken = [
      ...upTo(2),
      {
        version: 3,
        name: 'broken',
        up: () => {
          throw new Error('boom');
        },
      },
    ];
    expect(() => openDatabase(dir!.path, { migrations: broken })).toThrow('boom');
    const db = openDatabase(dir.path, { migrations: upTo(1) });
    expect(schemaVersion(db)).toBe(1);
    expect(db.prepare("SELECT count(*) FROM sqlite_master WHERE name = 'candles'").pluck().get()).toBe(0);
    db.close();
  });
});

describe('migration 0007 utc-bars', () => {
  const DAY = 86_400_000;
  const HK = 16 * 3_600_000;

  it('cuts OKX series with mixed UTC and UTC+8 bars back to their last UTC bar, leaving the rest alone', () => {
    dir = tempDir();
    const v6 = openDatabase(dir.path, { migrations: upTo(6) });
    const addSeries = (exchange: string, timeframe: string, times: number[], symbol = 'BTC/USDT') => {
      const id = Number(
        v6
          .prepare('INSERT INTO series (exchange, symbol, timeframe, candle_count) VALUES (?, ?, ?, ?)')
          .run(exchange, symbol, timeframe, times.length).lastInsertRowid,
      );
      for (const t of times) v6.prepare('INSERT INTO candles VALUES (?, ?, 1, 2, 0.5, 1.5, 10)').run(id, t);
      return id;
    };
    // REST warm-up in UTC days, then the socket's 16:00 bars, then a REST gap fill in UTC again.
    const mixed = addSeries('okx', '1d', [0, DAY, 2 * DAY, 2 * DAY + HK, 3 * DAY + HK, 5 * DAY]);
    const clean = addSeries('okx', '1d', [0, DAY], 'ETH/USDT');
    const hourly = addSeries('okx', '1h', [0, 3_600_000]);
    const binance = addSeries('binance', '1d', [0, DAY]);
    v6.close();

    const db = openDatabase(dir.path, { migrations: upTo(7) });
    expect(schemaVersion(db)).toBe(7);
    const timesOf = (id: number) =>
      db.prepare('SELECT open_time FROM candles WHERE series_id = ? ORDER BY open_time').pluck().all(id);
    const countOf = (id: number) =>
      db.prepare('SELECT candle_count FROM series WHERE id = ?').pluck().get(id);
    expect(timesOf(mixed)).toEqual([0, DAY, 2 * DAY]);
    expect(countOf(mixed)).toBe(3);
    expect(timesOf(clean)).toEqual([0, DAY]);
    expect(timesOf(hourly)).toEqual([0, 3_600_000]);
    expect(timesOf(binance)).toEqual([0, DAY]);
    db.close();
  });
});

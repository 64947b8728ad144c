import BetterSqlite3, { type Database } from 'better-sqlite3';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { migrations as allMigrations } from './migrations';
import type { Migration } from './migrations/migration';

export type { Database };

export const DATABASE_FILE = 'candlewatch.sqlite';

/** SQLite's page cache per connection, negative = KiB (see openDatabase) */
export const PAGE_CACHE_KIB = -4096;

export class NewerDatabaseError extends Error {
  constructor(found: number, known: number, file: string) {
    super(
      `The database ${file} was written by a newer Candlewatch (schema ${found}; this version knows up to ${known}). ` +
        'Update Candlewatch, or point it at another data folder. The file was not changed.',
    );
    this.name = 'NewerDatabaseError';
  }
}

export class MissingDatabaseError extends Error {
  constructor(file: string) {
    super(`No Candlewatch database at ${file}: check --data-dir (the folder a running Candlewatch uses).`);
    this.name = 'MissingDatabaseError';
  }
}

export const databaseFile = (dataDir: string): string => join(dataDir, DATABASE_FILE);

/**
 * Opens (and migrates) the database of a data folder. `readonly` is for readers beside a running
 * instance (the export CLI): it never creates the folder or the file and never migrates, so it cannot
 * disturb the writer; WAL lets it read a consistent snapshot while the writer goes on.
 */
export function openDatabase(
  dataDir: string,
  opts: { readonly?: boolean; migrations?: readonly Migration[] } = {},
): Database {
  const migrations = opts.migrations ?? allMigrations;
  const file = databaseFile(dataDir);
  if (opts.readonly) {
    if (!existsSync(file)) throw new MissingDatabaseError(file);
  } else {
    mkdirSync(dataDir, { recursive: true });
  }
  const db = new BetterSqlite3(file, {
    readonly: opts.readonly ?? false,
    fileMustExist: opts.readonly ?? false,
  });
  try {
    db.pragma('busy_timeout = 5000');
    // Refuse a newer schema before any pragma that writes (journal_mode = WAL rewrites the header of a
    // rollback-journal file), so the refused file keeps every byte.
    refuseNewer(db, migrations, file);
    // No memory map, and a page cache of 4 MB instead of better-sqlite3's 16: every page the process
    // reads through a map stays in its RSS until the kernel wants it back, so the writer's inserts at
    // 3,000 streams kept ~33 MB of the file resident, and scrolling years of charts would grow the
    // app's memory toward the size of the file. Read through the bounded cache, the operating system's
    // file cache still spares the disk, and a copy per page is all a chart read pays: 5,000 candles
    // took 2.43 ms against 2.29 mapped (bench/store.ts measures both settings side by side).
    db.pragma('mmap_size = 0');
    db.pragma(`cache_size = ${PAGE_CACHE_KIB}`);
    if (!opts.readonly) {
      // WAL keeps readers (export, chart) from blocking the writer and survives kill -9; NORMAL
      // synchronous is durable across an app crash and only loses the last commits on power loss.
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = NORMAL');
      db.pragma('foreign_keys = ON');
      migrate(db, migrations, file);
    }
  } catch (err) {
    db.close();
    throw err;
  }
  return db;
}

export function schemaVersion(db: Database): number {
  return db.pragma('user_version', { simple: true }) as number;
}

function refuseNewer(db: Database, migrations: readonly Migration[], file: string): void {
  const current = schemaVersion(db);
  const latest = migrations.at(-1)?.version ?? 0;
  if (current > latest) throw new NewerDatabaseError(current, latest, file);
}

/** Applies the pending migrations in one transaction: a failure leaves the file as it was. */
export function migrate(db: Database, migrations: readonly Migration[], file = 'database'): void {
  refuseNewer(db, migrations, file);
  const current = schemaVersion(db);
  const pending = migrations.filter((m) => m.version > current);
  if (pending.length === 0) return;
  db.transaction(() => {
    for (const m of pending) {
      m.up(db);
      db.pragma(`user_version = ${m.version}`);
    }
  }).immediate();
}

/** Rewrites the file without the freed pages; the checkpoints empty the WAL before and after. */
export function compactDatabase(db: Database): void {
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.exec('VACUUM');
  db.pragma('wal_checkpoint(TRUNCATE)');
}

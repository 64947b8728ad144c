import BetterSqlite3, { type Database } from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { migrations as allMigrations } from './migrations';
import type { Migration } from './migrations/migration';

export type { Database };

export const DATABASE_FILE = 'candlewatch.sqlite';

export class NewerDatabaseError extends Error {
  constructor(found: number, known: number, file: string) {
    super(
      `The database ${file} was written by a newer Candlewatch (schema ${found}; this version knows up to ${known}). ` +
        'Update Candlewatch, or point it at another data folder. The file was not changed.',
    );
    this.name = 'NewerDatabaseError';
  }
}

export function openDatabase(
  dataDir: string,
  opts: { readonly?: boolean; migrations?: readonly Migration[] } = {},
): Database {
  mkdirSync(dataDir, { recursive: true });
  const file = join(dataDir, DATABASE_FILE);
  const db = new BetterSqlite3(file, {
    readonly: opts.readonly ?? false,
    fileMustExist: opts.readonly ?? false,
  });
  db.pragma('busy_timeout = 5000');
  if (!opts.readonly) {
    // WAL keeps readers (export, chart) from blocking the writer and survives kill -9; NORMAL
    // synchronous is durable across an app crash and only loses the last commits on power loss.
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    try {
      migrate(db, opts.migrations ?? allMigrations, file);
    } catch (err) {
      db.close();
      throw err;
    }
  }
  return db;
}

/** Applies the pending migrations in one transaction: a failure leaves the file as it was. */
export function migrate(db: Database, migrations: readonly Migration[], file = 'database'): void {
  const current = db.pragma('user_version', { simple: true }) as number;
  const latest = migrations.at(-1)?.version ?? 0;
  if (current > latest) throw new NewerDatabaseError(current, latest, file);
  const pending = migrations.filter((m) => m.version > current);
  if (pending.length === 0) return;
  db.transaction(() => {
    for (const m of pending) {
      m.up(db);
      db.pragma(`user_version = ${m.version}`);
    }
  }).immediate();
}

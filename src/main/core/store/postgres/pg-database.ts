import pg from 'pg';
import { pgMigrations } from './migrations';
import type { PgMigration } from './migrations/migration';

export type PgPool = pg.Pool;
export type PgClient = pg.PoolClient;

/** Same words as the SQLite NewerDatabaseError: the database is left as it was. */
export class NewerPgSchemaError extends Error {
  constructor(found: number, known: number) {
    super(
      `The PostgreSQL database was written by a newer Candlewatch (schema ${found}; this version knows up to ${known}). ` +
        'Update every node, or point this one at another database. Nothing was changed.',
    );
    this.name = 'NewerPgSchemaError';
  }
}

const INT8_OID = 20;
/**
 * BIGINT arrives as a string by default (it may exceed 2^53). Ours are epoch milliseconds and row
 * counts, far below 2^53: they are parsed as numbers so rows equal the SQLite ones.
 */
const types = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === INT8_OID
      ? (v: string) => Number(v)
      : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
};

/** `postgres://…` or `postgresql://…`: what `--store` accepts besides the default SQLite. */
export const isPostgresUrl = (text: string): boolean => /^postgres(ql)?:\/\//i.test(text);

/** The connection string with its password masked, for logs and errors. */
export function describePgUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return 'postgres://(unparsable address)';
  }
}

/** Opens a pool and applies the pending migrations; `max` bounds this node's connections. */
export async function openPgDatabase(
  url: string,
  opts: { max?: number; migrations?: readonly PgMigration[]; applicationName?: string } = {},
): Promise<PgPool> {
  const pool = new pg.Pool({
    connectionString: url,
    max: opts.max ?? 4,
    types,
    application_name: opts.applicationName ?? 'candlewatch',
  });
  // An idle client losing its connection (server restart) is reported by the pool: without a
  // listener it would crash the process; the next query opens a new connection.
  pool.on('error', () => undefined);
  try {
    await migratePg(pool, opts.migrations ?? pgMigrations);
  } catch (err) {
    await pool.end();
    throw err;
  }
  return pool;
}

/** Runs `fn` in a transaction on one client; rolls back when it throws. */
export async function inTransaction<T>(pool: PgPool, fn: (client: PgClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const result = await fn(client);
    await client.query('COMMIT');
    return result;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
}

/**
 * Applies pending migrations in one transaction. Nodes starting together queue on a transaction
 * advisory lock, so the second one finds the schema already there instead of racing the first.
 */
export async function migratePg(pool: PgPool, migrations: readonly PgMigration[]): Promise<number> {
  return inTransaction(pool, async (client) => {
    await client.query("SELECT pg_advisory_xact_lock(hashtext('candlewatch:migrate'))");
    await client.query('CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)');
    const row = await client.query<{ version: number }>('SELECT version FROM schema_version');
    const current = row.rows[0]?.version ?? 0;
    const latest = migrations.at(-1)?.version ?? 0;
    if (current > latest) throw new NewerPgSchemaError(current, latest);
    for (const m of migrations.filter((m) => m.version > current)) await client.query(m.sql);
    if (row.rows.length === 0) await client.query('INSERT INTO schema_version VALUES ($1)', [latest]);
    else await client.query('UPDATE schema_version SET version = $1', [Math.max(current, latest)]);
    return Math.max(current, latest);
  });
}

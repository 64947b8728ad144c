/** A PostgreSQL migration: its SQL runs inside the one transaction that applies every pending one. */
export type PgMigration = {
  /** the schema version the database has after this migration */
  version: number;
  name: string;
  sql: string;
};

import type { Migration } from './migration';

/**
 * API credentials, one row per exchange and field (apiKey, secret, password…), encrypted by the
 * SecretBox. `backend` records which SecretBox wrote the blob, so a later change of OS keyring (or
 * of CANDLEWATCH_SECRET) is reported instead of the blob being wiped or rewritten.
 */
export const migration0003: Migration = {
  version: 3,
  name: 'secrets',
  up(db) {
    db.exec(`
      CREATE TABLE secrets (
        exchange   TEXT NOT NULL,
        field      TEXT NOT NULL,
        blob       BLOB NOT NULL,
        backend    TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL,
        PRIMARY KEY (exchange, field)
      );
    `);
  },
};

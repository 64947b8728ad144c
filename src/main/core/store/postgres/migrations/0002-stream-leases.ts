import type { PgMigration } from './migration';

/**
 * Who collects what. One row per watched stream (exchange + symbol: its timeframes go together, as a
 * higher timeframe may be aggregated from the 1m stream of the same node). `owner` holds it until
 * `expires_at`; the owner renews it with each heartbeat and a live node may take a row whose lease
 * expired. Expiry is compared with the database's clock only (now()), so the nodes' clocks never
 * decide who owns a stream.
 */
export const pgMigration0002: PgMigration = {
  version: 2,
  name: 'stream-leases',
  sql: `
    CREATE TABLE cluster_nodes (
      node_id      TEXT PRIMARY KEY,
      started_at   TIMESTAMPTZ NOT NULL DEFAULT now(),
      heartbeat_at TIMESTAMPTZ NOT NULL DEFAULT now(),
      expires_at   TIMESTAMPTZ NOT NULL
    );

    CREATE TABLE stream_leases (
      stream      TEXT PRIMARY KEY,
      exchange    TEXT NOT NULL,
      symbol      TEXT NOT NULL,
      owner       TEXT,
      expires_at  TIMESTAMPTZ,
      acquired_at TIMESTAMPTZ,
      takeovers   INTEGER NOT NULL DEFAULT 0
    );
    CREATE INDEX stream_leases_by_owner ON stream_leases (owner);
  `,
};

import { pgMigration0001 } from './0001-shared-store';
import { pgMigration0002 } from './0002-stream-leases';
import type { PgMigration } from './migration';

/** Every PostgreSQL migration, oldest first. A new one is appended here, never inserted. */
export const pgMigrations: readonly PgMigration[] = [pgMigration0001, pgMigration0002];

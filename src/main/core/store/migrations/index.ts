import { migration0001 } from './0001-initial';
import { migration0002 } from './0002-market-data';
import { migration0003 } from './0003-secrets';
import { migration0004 } from './0004-alerts';
import { migration0005 } from './0005-account';
import { migration0006 } from './0006-alert-lifecycle';
import { migration0007 } from './0007-utc-bars';
import type { Migration } from './migration';

/** Every migration, oldest first. A new one is appended here, never inserted. */
export const migrations: readonly Migration[] = [
  migration0001,
  migration0002,
  migration0003,
  migration0004,
  migration0005,
  migration0006,
  migration0007,
];

import { migration0001 } from './0001-initial';
import type { Migration } from './migration';

/** Every migration, oldest first. A new one is appended here, never inserted. */
export const migrations: readonly Migration[] = [migration0001];

import type { Migration } from './migration';

export const migration0001: Migration = {
  version: 1,
  name: 'initial',
  up(db) {
    db.exec(`
      CREATE TABLE settings (
        section TEXT PRIMARY KEY,
        value   TEXT NOT NULL
      );
    `);
  },
};

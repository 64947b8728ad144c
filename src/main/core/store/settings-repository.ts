import type { Database } from 'better-sqlite3';

/** Settings sections as raw JSON: the settings service parses them, so a bad row is reported, not thrown. */
export class SettingsRepository {
  private readonly selectAll;
  private readonly upsert;

  constructor(db: Database) {
    this.selectAll = db.prepare<[], { section: string; value: string }>(
      'SELECT section, value FROM settings',
    );
    this.upsert = db.prepare<[string, string]>(
      'INSERT INTO settings (section, value) VALUES (?, ?) ON CONFLICT(section) DO UPDATE SET value = excluded.value',
    );
    this.saveMany = db.transaction((sections: Record<string, unknown>) => {
      for (const [section, value] of Object.entries(sections))
        this.upsert.run(section, JSON.stringify(value));
    });
  }

  readonly saveMany: (sections: Record<string, unknown>) => void;

  loadRaw(): Record<string, string> {
    return Object.fromEntries(this.selectAll.all().map((r) => [r.section, r.value]));
  }
}

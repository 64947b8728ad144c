import type { Database } from 'better-sqlite3';

/** One encrypted credential as stored: the blob is opaque to the store, only a SecretBox opens it. */
export type StoredSecret = {
  exchange: string;
  field: string;
  blob: Buffer;
  backend: string;
  createdAt: number;
  updatedAt: number;
};

type SecretRow = {
  exchange: string;
  field: string;
  blob: Buffer;
  backend: string;
  created_at: number;
  updated_at: number;
};

const toStoredSecret = (r: SecretRow): StoredSecret => ({
  exchange: r.exchange,
  field: r.field,
  blob: r.blob,
  backend: r.backend,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

/** The `secrets` table. It never sees plaintext: callers hand it blobs a SecretBox produced. */
export class SecretRepository {
  private readonly selectAll;
  private readonly selectExchange;
  private readonly upsert;
  private readonly deleteField;
  private readonly deleteExchange;
  readonly saveMany: (
    exchange: string,
    entries: { field: string; blob: Buffer }[],
    backend: string,
    now: number,
  ) => void;
  readonly delete: (exchange: string, fields?: readonly string[]) => number;

  constructor(db: Database) {
    const columns = 'exchange, field, blob, backend, created_at, updated_at';
    this.selectAll = db.prepare<[], SecretRow>(`SELECT ${columns} FROM secrets ORDER BY exchange, field`);
    this.selectExchange = db.prepare<[string], SecretRow>(
      `SELECT ${columns} FROM secrets WHERE exchange = ? ORDER BY field`,
    );
    this.upsert = db.prepare<[string, string, Buffer, string, number, number]>(
      `INSERT INTO secrets (${columns}) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (exchange, field) DO UPDATE
         SET blob = excluded.blob, backend = excluded.backend, updated_at = excluded.updated_at`,
    );
    this.deleteField = db.prepare<[string, string]>('DELETE FROM secrets WHERE exchange = ? AND field = ?');
    this.deleteExchange = db.prepare<[string]>('DELETE FROM secrets WHERE exchange = ?');
    this.saveMany = db.transaction((exchange, entries, backend, now) => {
      for (const { field, blob } of entries) this.upsert.run(exchange, field, blob, backend, now, now);
    });
    this.delete = db.transaction((exchange: string, fields?: readonly string[]) => {
      if (!fields) return this.deleteExchange.run(exchange).changes;
      let deleted = 0;
      for (const field of fields) deleted += this.deleteField.run(exchange, field).changes;
      return deleted;
    });
  }

  all(): StoredSecret[] {
    return this.selectAll.all().map(toStoredSecret);
  }

  forExchange(exchange: string): StoredSecret[] {
    return this.selectExchange.all(exchange).map(toStoredSecret);
  }
}

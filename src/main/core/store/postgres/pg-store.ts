import type { SharedStore } from '../shared-store';
import { PgAlertLog } from './pg-alert-log';
import { PgCandleStore } from './pg-candle-store';
import { inTransaction, openPgDatabase, type PgPool } from './pg-database';
import { PgGapLedger } from './pg-gap-ledger';

export type PgStore = SharedStore & { kind: 'postgres'; pool: PgPool; candles: PgCandleStore };

/** Opens (and migrates) the PostgreSQL store; `node` names this collector in the rows it writes. */
export async function openPgStore(url: string, opts: { node?: string; max?: number } = {}): Promise<PgStore> {
  const pool = await openPgDatabase(url, {
    max: opts.max,
    applicationName: `candlewatch ${opts.node ?? ''}`.trim(),
  });
  const candles = new PgCandleStore(pool);
  return {
    kind: 'postgres',
    pool,
    candles,
    gaps: new PgGapLedger(pool, candles, opts.node ?? null),
    alerts: new PgAlertLog(pool, opts.node ?? null),
    settings: {
      async loadRaw() {
        const r = await pool.query<{ section: string; value: string }>(
          'SELECT section, value::text AS value FROM settings',
        );
        return Object.fromEntries(r.rows.map((row) => [row.section, row.value]));
      },
      saveMany: (sections) =>
        inTransaction(pool, async (client) => {
          for (const [section, value] of Object.entries(sections)) {
            await client.query(
              `INSERT INTO settings (section, value) VALUES ($1, $2::jsonb)
               ON CONFLICT (section) DO UPDATE SET value = excluded.value`,
              [section, JSON.stringify(value)],
            );
          }
        }),
    },
    close: () => pool.end(),
  };
}

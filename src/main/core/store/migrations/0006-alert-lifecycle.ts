import type { Migration } from './migration';

/**
 * The alert lifecycle: active alerts expire, the history is bounded.
 * - `alerts.expires_at`: when an alert whose rule sets its own `alertExpiryMinutes` expires; NULL
 *   for the others, which follow the setting `alerts.expireAfterMinutes` as it is when checked (so
 *   changing the setting applies to the alerts already there).
 * - `alerts_expiry` finds the due ones without a scan; `alerts_by_time` (0004) serves pruning by age.
 * - `account_fills_by_alert`: pruning deletes alerts, and each delete sets `account_fills.alert_id`
 *   to NULL; without an index SQLite would scan every fill for every pruned alert.
 */
export const migration0006: Migration = {
  version: 6,
  name: 'alert-lifecycle',
  up(db) {
    db.exec(`
      ALTER TABLE alerts ADD COLUMN expires_at INTEGER;
      CREATE INDEX alerts_expiry ON alerts (status, expires_at);
      CREATE INDEX account_fills_by_alert ON account_fills (alert_id);
    `);
  },
};

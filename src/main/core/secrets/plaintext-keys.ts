import type { Database } from 'better-sqlite3';
import { secretFieldSchema, type SecretField } from '../../../shared/contract/methods/store';
import type { Logger } from '../base/log';
import type { SettingsRepository } from '../store/settings-repository';
import type { SecretStore } from './secret-store';

/** Settings keys that held a key in plaintext before the exchange settings became a closed list. */
const PLAINTEXT_ONLY = ['verbose'];

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Before `exchanges.<id>.ccxt` was a closed list, `settings:update` stored `apiKey`, `secret`…
 * there in plaintext. At start, each such value moves into the encrypted store (unless a key of that
 * field is already stored there: the one entered under Settings → API keys wins), the settings row
 * is rewritten without it, and the database is vacuumed with its WAL truncated, so the plaintext
 * leaves the database file, the free pages and the `-wal` alike. Should encryption fail, the row is
 * left as it is (nothing lost) and the failure is logged; the settings then report the section as
 * unreadable. Returns the exchanges whose keys moved.
 */
export function movePlaintextKeys(opts: {
  db: Database;
  settings: SettingsRepository;
  secrets: SecretStore;
  log: Logger;
}): string[] {
  const raw = opts.settings.loadRaw()['exchanges'];
  if (raw === undefined) return [];
  let exchanges: unknown;
  try {
    exchanges = JSON.parse(raw);
  } catch {
    return [];
  }
  if (!isObject(exchanges)) return [];
  const moved: string[] = [];
  let changed = false;
  for (const [exchange, settings] of Object.entries(exchanges)) {
    const ccxt = isObject(settings) ? settings['ccxt'] : undefined;
    if (!isObject(ccxt)) continue;
    const found = secretFieldSchema.options.filter((f) => typeof ccxt[f] === 'string' && ccxt[f] !== '');
    const stray = [...secretFieldSchema.options, ...PLAINTEXT_ONLY].filter((f) => f in ccxt);
    if (stray.length === 0) continue;
    const stored = new Set(
      opts.secrets.status().exchanges.find((e) => e.exchange === exchange)?.fields ?? [],
    );
    const fields: Partial<Record<SecretField, string>> = {};
    for (const f of found) if (!stored.has(f)) fields[f] = ccxt[f] as string;
    if (Object.keys(fields).length > 0) {
      try {
        // The weak-backend consent is implied: obfuscated at rest is still better than plaintext.
        opts.secrets.set({ exchange, fields, acceptWeakBackend: true });
      } catch (err) {
        opts.log.error(
          'API keys found in plaintext in the exchange settings could not be encrypted; left in place',
          {
            exchange,
            error: err,
          },
        );
        continue;
      }
    }
    for (const f of stray) delete ccxt[f];
    moved.push(exchange);
    changed = true;
  }
  if (!changed) return [];
  opts.settings.saveMany({ exchanges });
  // VACUUM rewrites the file without the freed pages; the checkpoints empty the WAL before and after.
  opts.db.pragma('wal_checkpoint(TRUNCATE)');
  opts.db.exec('VACUUM');
  opts.db.pragma('wal_checkpoint(TRUNCATE)');
  opts.log.warn('moved API keys found in plaintext in the exchange settings into the encrypted store', {
    exchanges: moved,
  });
  return moved;
}

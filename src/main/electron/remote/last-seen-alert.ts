import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';

/** The newest alert of a server this app has told the user about. */
export type SeenAlert = { id: number; firedAt: number };

export type LastSeenAlert = {
  read(): SeenAlert | undefined;
  write(seen: SeenAlert): void;
};

export const LAST_SEEN_ALERT_FILE = 'remote-last-alert.json';

const fileSchema = z.object({
  fingerprint: z.string(),
  id: z.number().int().nonnegative(),
  firedAt: z.number().nonnegative(),
});

/**
 * Where the desktop keeps the newest server alert it has told, so what the server fired while the
 * app was not running (quit, restarted, the machine off) is told as delivered at the next start, not
 * only what it fired while the link was down. Kept per server certificate: a server paired anew
 * starts from its newest alert, as on a first connection. A missing or unreadable file means
 * "nothing seen yet", never a failure to start.
 */
export function lastSeenAlertFile(dir: string, fingerprint: string): LastSeenAlert {
  const file = join(dir, LAST_SEEN_ALERT_FILE);
  return {
    read() {
      try {
        const stored = fileSchema.parse(JSON.parse(readFileSync(file, 'utf8')));
        return stored.fingerprint === fingerprint ? { id: stored.id, firedAt: stored.firedAt } : undefined;
      } catch {
        return undefined;
      }
    },
    write(seen) {
      const temp = `${file}.tmp`;
      writeFileSync(temp, `${JSON.stringify({ fingerprint, ...seen })}\n`, { mode: 0o600 });
      renameSync(temp, file);
    },
  };
}

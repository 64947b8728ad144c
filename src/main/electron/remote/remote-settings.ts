import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import type { SecretBox } from '../../core/secrets/ports';

export const REMOTE_SETTINGS_FILE = 'remote-server.json';

const fileSchema = z.object({
  mode: z.enum(['local', 'server']),
  server: z
    .object({
      address: z.string(),
      fingerprint: z.string(),
      clientName: z.string(),
      /** the pairing token encrypted by the OS keychain (safeStorage), base64 */
      token: z.string(),
    })
    .nullable(),
});

export type PairedServer = { address: string; fingerprint: string; clientName: string; token: string };
export type RemoteSettings = { mode: 'local' | 'server'; server: PairedServer | null };

export type RemoteSettingsFile = {
  read(): RemoteSettings;
  write(settings: RemoteSettings): void;
};

/**
 * Which core the desktop app shows — its own, or a paired server — in one small file next to the
 * local database rather than in it: attaching to a server must leave that database untouched (it
 * is not even opened while attached). The token is encrypted like the API keys (safeStorage). A
 * missing or unreadable file means the local core: the app always starts.
 */
export function remoteSettingsFile(
  dir: string,
  box: SecretBox,
  onProblem: (message: string) => void,
): RemoteSettingsFile {
  const file = join(dir, REMOTE_SETTINGS_FILE);
  return {
    read() {
      let text: string;
      try {
        text = readFileSync(file, 'utf8');
      } catch {
        return { mode: 'local', server: null };
      }
      try {
        const parsed = fileSchema.parse(JSON.parse(text));
        const server = parsed.server && {
          ...parsed.server,
          token: box.decrypt(Buffer.from(parsed.server.token, 'base64')),
        };
        return { mode: server ? parsed.mode : 'local', server };
      } catch (err) {
        onProblem(
          `${file} cannot be read (${err instanceof Error ? err.message : String(err)}): using the local core; pair with the server again`,
        );
        return { mode: 'local', server: null };
      }
    },
    write(settings) {
      const stored = {
        mode: settings.mode,
        server: settings.server && {
          ...settings.server,
          token: box.encrypt(settings.server.token).toString('base64'),
        },
      };
      const temp = `${file}.tmp`;
      writeFileSync(temp, `${JSON.stringify(stored, null, 2)}\n`, { mode: 0o600 });
      renameSync(temp, file);
    },
  };
}

import { createHash, randomBytes } from 'node:crypto';
import { readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { pairingNameSchema } from '../../../shared/domain/pairing';

export const PAIRED_CLIENTS_FILE = 'paired-clients.json';
/** Pairing tokens start with this, so a token found in a shell history or a paste says what it is. */
const TOKEN_PREFIX = 'cwp_';

const recordSchema = z.object({
  id: z.string(),
  name: z.string(),
  /** hex SHA-256 of the token; the token itself is shown once and never stored */
  tokenSha256: z.string().regex(/^[0-9a-f]{64}$/),
  createdAt: z.number(),
  lastUsedAt: z.number().nullable(),
});
const fileSchema = z.object({ version: z.literal(1), clients: z.array(recordSchema) });
type PairedRecord = z.output<typeof recordSchema>;

export type PairedClientRecord = Omit<PairedRecord, 'tokenSha256'>;

/** The file cannot be read as paired clients: the message names it and what to do. */
export class PairingFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PairingFileError';
  }
}

export type PairedClients = {
  /** Pairs a new client; the token is returned here only. */
  add(name: string): { client: PairedClientRecord; token: string };
  list(): PairedClientRecord[];
  /** The client the token belongs to (and marks it used), or undefined. */
  verify(token: string | null | undefined): PairedClientRecord | undefined;
  revoke(idOrName: string): PairedClientRecord | undefined;
  /**
   * Reads the file again when another process (`--pair`, `--revoke`) changed it; returns the ids that
   * are gone, which the server then disconnects.
   */
  refresh(): string[];
};

/**
 * The server's paired clients, in `paired-clients.json` in the data folder (0600). Tokens are 256
 * random bits and only their SHA-256 is kept: a token that long cannot be found from its hash by
 * guessing, so a slow hash (scrypt) would add nothing but cost — and each connection attempt would
 * pay it, which would let anyone knocking on the port burn the server's CPU. A file rather than a
 * table: `npm run serve -- --pair NAME` must work while the server holds the database, and the
 * server notices the change (refresh) without a second writer on SQLite.
 */
export function openPairedClients(dataDir: string, now: () => number = Date.now): PairedClients {
  const file = join(dataDir, PAIRED_CLIENTS_FILE);
  let records: PairedRecord[] = [];
  let loadedStamp = '';

  const stampOf = (): string => {
    try {
      const st = statSync(file);
      return `${st.mtimeMs}:${st.size}:${st.ino}`;
    } catch {
      return 'none';
    }
  };

  const load = () => {
    const stamp = stampOf();
    if (stamp === loadedStamp) return;
    loadedStamp = stamp;
    if (stamp === 'none') {
      records = [];
      return;
    }
    let json: unknown;
    try {
      json = JSON.parse(readFileSync(file, 'utf8'));
    } catch (err) {
      loadedStamp = '';
      throw new PairingFileError(
        `${file} cannot be read (${describe(err)}): fix or delete it (deleting it unpairs every client)`,
      );
    }
    const parsed = fileSchema.safeParse(json);
    if (!parsed.success) {
      loadedStamp = '';
      throw new PairingFileError(
        `${file} is not a paired-clients file: fix or delete it (deleting it unpairs every client)`,
      );
    }
    records = parsed.data.clients;
  };

  const save = () => {
    // Written whole to a temporary file and renamed: a crash leaves the old file or the new one.
    const temp = `${file}.${process.pid}.tmp`;
    writeFileSync(temp, `${JSON.stringify({ version: 1, clients: records }, null, 2)}\n`, { mode: 0o600 });
    renameSync(temp, file);
    loadedStamp = stampOf();
  };

  const publicPart = ({ tokenSha256: _hash, ...rest }: PairedRecord): PairedClientRecord => ({ ...rest });
  const find = (idOrName: string) =>
    records.find((r) => r.id === idOrName) ??
    records.find((r) => r.name.toLowerCase() === idOrName.trim().toLowerCase());

  load();
  return {
    add(name) {
      load();
      const parsedName = pairingNameSchema.safeParse(name);
      if (!parsedName.success) throw new PairingFileError(parsedName.error.issues[0]!.message);
      const clean = parsedName.data;
      if (records.some((r) => r.name.toLowerCase() === clean.toLowerCase())) {
        throw new PairingFileError(
          `a client named "${clean}" is already paired: revoke it first or choose another name`,
        );
      }
      const token = TOKEN_PREFIX + randomBytes(32).toString('base64url');
      const record: PairedRecord = {
        id: randomBytes(6).toString('hex'),
        name: clean,
        tokenSha256: sha256(token),
        createdAt: now(),
        lastUsedAt: null,
      };
      records = [...records, record];
      save();
      return { client: publicPart(record), token };
    },
    list() {
      load();
      return records.map(publicPart);
    },
    verify(token) {
      if (typeof token !== 'string' || !token.startsWith(TOKEN_PREFIX) || token.length > 100)
        return undefined;
      load();
      // A lookup by hash: the caller controls the token, not its SHA-256, so timing tells nothing.
      const hash = sha256(token);
      const record = records.find((r) => r.tokenSha256 === hash);
      if (!record) return undefined;
      record.lastUsedAt = now();
      try {
        save();
      } catch {
        // Only the "last used" time is lost; the connection is still the paired client's.
      }
      return publicPart(record);
    },
    revoke(idOrName) {
      load();
      const record = find(idOrName);
      if (!record) return undefined;
      records = records.filter((r) => r !== record);
      save();
      return publicPart(record);
    },
    refresh() {
      const before = new Set(records.map((r) => r.id));
      load();
      const after = new Set(records.map((r) => r.id));
      return [...before].filter((id) => !after.has(id));
    },
  };
}

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

function describe(err: unknown): string {
  return (err as NodeJS.ErrnoException).code ?? (err instanceof Error ? err.message : String(err));
}

import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe } from 'vitest';

/**
 * A throwaway PostgreSQL cluster for the tests that need one: Debian's server binaries, a fresh data
 * folder in a temp dir, a random free port on 127.0.0.1 only, trust authentication (nothing but this
 * machine can reach it) and fsync off (the data is thrown away). Debian's `postgres` refuses to run as
 * root, so under root the cluster runs as the `postgres` user (spawned with its uid and gid, not through
 * runuser, which does not pass SIGINT on and would leave the server running).
 */
export type PostgresCluster = {
  /** connection string of the `candlewatch` database */
  url: string;
  /** a new empty database on the same server: one per test keeps tests independent */
  createDatabase(name: string): Promise<string>;
  stop(): Promise<void>;
};

const ROOT = '/usr/lib/postgresql';

/** The bin folder of the newest installed server, or null when none is installed. */
export function postgresBinDir(): string | null {
  if (!existsSync(ROOT)) return null;
  const versions = readdirSync(ROOT)
    .filter((v) => existsSync(join(ROOT, v, 'bin', 'initdb')))
    .sort((a, b) => Number(b) - Number(a));
  return versions[0] ? join(ROOT, versions[0], 'bin') : null;
}

/** Why the PostgreSQL tests cannot run here, or null when they can (printed by the skipping suite). */
export function postgresUnavailableReason(): string | null {
  if (postgresBinDir()) return null;
  return `no PostgreSQL server binaries under ${ROOT} (apt-get install postgresql): the PostgreSQL tests are skipped`;
}

const asRoot = typeof process.getuid === 'function' && process.getuid() === 0;

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export async function startPostgres(): Promise<PostgresCluster> {
  const bin = postgresBinDir();
  if (!bin) throw new Error(postgresUnavailableReason() ?? 'no PostgreSQL');
  const dir = mkdtempSync(join(tmpdir(), 'cw-pg-'));
  const ids = asRoot ? postgresIds() : {};
  if (ids.uid !== undefined && ids.gid !== undefined) chownSync(dir, ids.uid, ids.gid);
  const data = join(dir, 'data');
  const init = spawnSync(
    join(bin, 'initdb'),
    ['-D', data, '-U', 'candlewatch', '--auth=trust', '--encoding=UTF8', '--no-sync'],
    { encoding: 'utf8', ...ids, cwd: dir },
  );
  if (init.status !== 0) throw new Error(`initdb failed: ${init.stderr || init.stdout}`);

  const port = await freePort();
  const args = [
    '-D',
    data,
    '-p',
    String(port),
    '-c',
    'listen_addresses=127.0.0.1',
    '-c',
    `unix_socket_directories=${dir}`,
    '-c',
    'fsync=off',
    '-c',
    'synchronous_commit=off',
    '-c',
    'full_page_writes=off',
    '-c',
    'max_connections=60',
  ];
  const server: ChildProcess = spawn(join(bin, 'postgres'), args, {
    stdio: ['ignore', 'ignore', 'pipe'],
    cwd: dir,
    ...ids,
  });
  // A test run that dies without stop() must not leave a server behind.
  const killOnExit = () => server.kill('SIGKILL');
  process.once('exit', killOnExit);
  let log = '';
  server.stderr?.on('data', (chunk: Buffer) => (log += chunk.toString()));
  const exited = new Promise<void>((resolve) => server.once('exit', () => resolve()));

  const base = `postgres://candlewatch@127.0.0.1:${port}`;
  await waitReady(`${base}/postgres`, exited, () => log);
  const admin = new pg.Client({ connectionString: `${base}/postgres` });
  await admin.connect();
  const createDatabase = async (name: string) => {
    await admin.query(`CREATE DATABASE "${name.replace(/"/g, '')}"`);
    return `${base}/${name}`;
  };
  const url = await createDatabase('candlewatch');
  return {
    url,
    createDatabase,
    async stop() {
      await admin.end().catch(() => undefined);
      // SIGINT is PostgreSQL's "fast shutdown": it disconnects clients and exits at once.
      server.kill('SIGINT');
      await exited;
      process.off('exit', killOnExit);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function postgresIds(): { uid?: number; gid?: number } {
  const read = (flag: string) =>
    Number(spawnSync('id', [flag, 'postgres'], { encoding: 'utf8' }).stdout.trim());
  return { uid: read('-u'), gid: read('-g') };
}

/** Connects until the server accepts: polling a state, with the server's own log when it dies. */
async function waitReady(url: string, exited: Promise<void>, log: () => string): Promise<void> {
  let dead = false;
  void exited.then(() => (dead = true));
  for (let attempt = 0; attempt < 600; attempt++) {
    if (dead) throw new Error(`PostgreSQL exited while starting: ${log()}`);
    const client = new pg.Client({ connectionString: url });
    try {
      await client.connect();
      await client.end();
      return;
    } catch {
      await client.end().catch(() => undefined);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
  throw new Error(`PostgreSQL did not accept connections: ${log()}`);
}

/**
 * A describe block that needs PostgreSQL: one throwaway server for the block, a fresh database per
 * call of `database()`. Without the server binaries the block is skipped and says why, so a run on a
 * machine without PostgreSQL skips only these tests (CI installs it: .ci/run).
 */
export function describeWithPostgres(name: string, body: (database: () => Promise<string>) => void): void {
  const reason = postgresUnavailableReason();
  if (reason) console.warn(`${name}: ${reason}`);
  describe.skipIf(reason !== null)(name, () => {
    let cluster: PostgresCluster | undefined;
    let n = 0;
    beforeAll(async () => {
      cluster = await startPostgres();
    });
    afterAll(async () => {
      await cluster?.stop();
    });
    body(() => cluster!.createDatabase(`test_${++n}`));
  });
}

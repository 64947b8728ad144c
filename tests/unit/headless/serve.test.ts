import { mkdirSync, mkdtempSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DATABASE_FILE } from '../../../src/main/core/store/database';
import { startServe, type RunningServe, type ServeEnvironment } from '../../../src/main/headless/serve';

let dir: string;
let running: RunningServe | undefined;
let blocker: Server | undefined;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'cw-serve-'));
  mkdirSync(join(dir, 'renderer'));
  writeFileSync(join(dir, 'renderer', 'index.html'), '<!doctype html><title>t</title>');
});

afterEach(async () => {
  await running?.stop();
  running = undefined;
  await new Promise<void>((resolve) => (blocker ? blocker.close(() => resolve()) : resolve()));
  blocker = undefined;
  rmSync(dir, { recursive: true, force: true });
});

async function serve(argv: string[], rendererDir = join(dir, 'renderer')) {
  const out: string[] = [];
  const err: string[] = [];
  const environment: ServeEnvironment = {
    argv,
    cwd: dir,
    env: { XDG_DATA_HOME: join(dir, 'xdg') },
    platform: 'linux',
    home: join(dir, 'home'),
    rendererDir,
    version: '0.0.0-test',
    stdout: (text) => out.push(text),
    stderr: (text) => err.push(text),
    logSink: () => {},
  };
  const outcome = await startServe(environment);
  if (outcome.kind === 'running') running = outcome.serve;
  return { outcome, stdout: out.join(''), stderr: err.join('') };
}

describe('npm run serve', () => {
  it('prints exactly one JSON line with the URL and the data folder when ready', async () => {
    const { outcome, stdout, stderr } = await serve(['--data-dir', 'data', '--port', '0']);
    expect(outcome.kind).toBe('running');
    expect(stderr).toBe('');
    expect(stdout.endsWith('\n')).toBe(true);
    expect(stdout.trim().split('\n')).toHaveLength(1);
    const line = JSON.parse(stdout) as Record<string, string>;
    expect(Object.keys(line)).toEqual(['url', 'dataDir']);
    expect(line.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=[A-Za-z0-9_-]{43}$/);
    expect(line.dataDir).toBe(join(dir, 'data'));
    expect(existsSync(join(dir, 'data', DATABASE_FILE))).toBe(true);
  });

  it('serves HTTPS with a self-signed certificate kept in the data folder, its fingerprint printed', async () => {
    const { outcome, stdout, stderr } = await serve(['--data-dir', 'data', '--tls']);
    expect(outcome.kind).toBe('running');
    const line = JSON.parse(stdout) as Record<string, string>;
    expect(Object.keys(line)).toEqual(['url', 'dataDir', 'fingerprint']);
    expect(line.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+\/\?token=/);
    expect(stderr).toContain(
      `TLS certificate SHA-256 fingerprint ${line.fingerprint} (self-signed, made now`,
    );
    const url = new URL(line.url!);
    // The page's own certificate is the one whose fingerprint was printed.
    const seen = await new Promise<string>((resolve, reject) => {
      const socket = tlsConnect(
        { host: '127.0.0.1', port: Number(url.port), rejectUnauthorized: false },
        () => {
          resolve(socket.getPeerCertificate().fingerprint256);
          socket.end();
        },
      );
      socket.on('error', reject);
    });
    expect(seen).toBe(line.fingerprint);
    // Plain HTTP to the TLS port gets no page.
    await expect(
      fetch(`http://127.0.0.1:${url.port}/?token=${url.searchParams.get('token')}`),
    ).rejects.toThrow();
    await running!.stop();
    running = undefined;
    const again = await serve(['--data-dir', 'data', '--tls']);
    expect(JSON.parse(again.stdout)).toMatchObject({ fingerprint: line.fingerprint });
    expect(again.stderr).not.toContain('made now');
  });

  it('exits 2 naming the flag when plain HTTP is asked beyond loopback', async () => {
    const { outcome, stdout, stderr } = await serve(['--host', '0.0.0.0', '--plain-http']);
    expect(outcome).toEqual({ kind: 'exit', code: 2 });
    expect(stdout).toBe('');
    expect(stderr).toContain('--plain-http is refused beyond loopback');
    expect(stderr).toContain('--insecure-plain-http');
  });

  it('--pair prints a token and the fingerprint the server then serves; --pairings lists, --revoke revokes', async () => {
    const paired = await serve(['--data-dir', 'data', '--pair', 'laptop']);
    expect(paired.outcome).toEqual({ kind: 'exit', code: 0 });
    const { token, fingerprint, name } = JSON.parse(paired.stdout) as Record<string, string>;
    expect(name).toBe('laptop');
    expect(token).toMatch(/^cwp_/);
    expect(paired.stderr).toContain(`fingerprint: ${fingerprint}`);
    expect((await serve(['--data-dir', 'data', '--pair', 'laptop'])).stderr).toContain(
      'a client named "laptop" is already paired',
    );
    const listed = await serve(['--data-dir', 'data', '--pairings']);
    expect(JSON.parse(listed.stdout)).toMatchObject({ clients: [{ name: 'laptop' }] });
    expect(listed.stdout).not.toContain(token);

    const started = await serve(['--data-dir', 'data', '--host', '127.0.0.1', '--tls']);
    expect(JSON.parse(started.stdout)).toMatchObject({ fingerprint });
    const access = await running!.stop().then(() => serve(['--data-dir', 'data', '--revoke', 'laptop']));
    running = undefined;
    expect(access.outcome).toEqual({ kind: 'exit', code: 0 });
    expect((await serve(['--data-dir', 'data', '--revoke', 'laptop'])).outcome).toEqual({
      kind: 'exit',
      code: 2,
    });
  });

  it('uses the XDG data folder when none is given', async () => {
    const { stdout } = await serve([]);
    expect(JSON.parse(stdout)).toMatchObject({ dataDir: join(dir, 'xdg', 'candlewatch') });
  });

  it('prints the usage for --help and exits 0', async () => {
    const { outcome, stdout } = await serve(['--help']);
    expect(outcome).toEqual({ kind: 'exit', code: 0 });
    expect(stdout).toContain('Usage: npm run serve -- [options]');
  });

  it('exits 2 with a message on stderr for a bad command line', async () => {
    const { outcome, stdout, stderr } = await serve(['--port', 'http']);
    expect(outcome).toEqual({ kind: 'exit', code: 2 });
    expect(stdout).toBe('');
    expect(stderr).toContain('candlewatch serve: --port must be a whole number');
    expect(stderr).toContain('--help');
  });

  it('exits 2 for a config file that is missing, not JSON or not valid', async () => {
    const missing = await serve(['--config', 'nope.json']);
    expect(missing.outcome).toEqual({ kind: 'exit', code: 2 });
    expect(missing.stderr).toContain(`Config file ${join(dir, 'nope.json')} is not valid`);
    expect(missing.stderr).toContain('ENOENT');

    writeFileSync(join(dir, 'broken.json'), '{ "feed": ');
    const broken = await serve(['--config', 'broken.json']);
    expect(broken.outcome).toEqual({ kind: 'exit', code: 2 });
    expect(broken.stderr).toContain('it is not JSON');

    writeFileSync(join(dir, 'invalid.json'), JSON.stringify({ feed: { staleTimeoutMs: 'soon' } }));
    const invalid = await serve(['--config', 'invalid.json']);
    expect(invalid.outcome).toEqual({ kind: 'exit', code: 2 });
    expect(invalid.stderr).toContain('staleTimeoutMs');
  });

  it.each([
    [
      'an invalid rule',
      { rules: [{ name: 'x', exchange: 'binance', symbol: 'BTC/USDT', when: { type: 'nope' } }] },
      'rule',
    ],
    [
      'keys in the exchange settings',
      { exchanges: { binance: { ccxt: { apiKey: 'k' } } } },
      'Settings → API keys',
    ],
    ['verbose', { exchanges: { binance: { ccxt: { verbose: true } } } }, 'verbose'],
    [
      'a foreign host for the exchange',
      { exchanges: { binance: { ccxt: { urls: { api: { private: 'https://evil.example/api/v3' } } } } } },
      'evil.example',
    ],
    [
      'a rewriting proxy',
      { exchanges: { okx: { ccxt: { proxyUrl: 'http://evil.example/?u=' } } } },
      'proxyUrl',
    ],
    [
      'a foreign Telegram API root',
      { notifications: { telegram: { apiBaseUrl: 'https://evil.example' } } },
      'apiBaseUrl',
    ],
    [
      'a webhook to the metadata address',
      { notifications: { webhook: { url: 'http://169.254.169.254/' } } },
      'webhook',
    ],
  ])('exits 2 for a config file with %s, saying why', async (_what, config, words) => {
    writeFileSync(join(dir, 'bad.json'), JSON.stringify(config));
    const { outcome, stderr } = await serve(['--data-dir', 'data', '--config', 'bad.json']);
    expect(outcome).toEqual({ kind: 'exit', code: 2 });
    expect(stderr).toContain(words);
  });

  it('exits 1 when the UI is not built', async () => {
    const { outcome, stderr } = await serve(['--data-dir', 'data'], join(dir, 'not-built'));
    expect(outcome).toEqual({ kind: 'exit', code: 1 });
    expect(stderr).toContain('the UI is not built');
  });

  it('exits 1 naming the port when it is taken', async () => {
    blocker = createServer();
    const port = await new Promise<number>((resolve) =>
      blocker!.listen(0, '127.0.0.1', () => resolve((blocker!.address() as { port: number }).port)),
    );
    const { outcome, stderr } = await serve(['--data-dir', 'data', '--port', String(port)]);
    expect(outcome).toEqual({ kind: 'exit', code: 1 });
    expect(stderr).toContain(`127.0.0.1:${port} is already in use`);
  });
});

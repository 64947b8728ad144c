import { describe, expect, it } from 'vitest';
import { parseServeArgs, UsageError } from '../../../src/main/headless/cli-args';

const parse = (...argv: string[]) => parseServeArgs(argv, '/home/me/work');
const options = (...argv: string[]) => {
  const parsed = parse(...argv);
  if (parsed.kind !== 'serve') throw new Error('expected serve options');
  return parsed.options;
};
const usageError = (...argv: string[]) => {
  try {
    parse(...argv);
  } catch (err) {
    if (err instanceof UsageError) return err.message;
    throw err;
  }
  throw new Error(`no UsageError for ${argv.join(' ')}`);
};

describe('serve command line', () => {
  it('defaults to a free port on loopback, info logs and the default data folder', () => {
    expect(options()).toEqual({ port: 0, logLevel: 'info' });
  });

  it('reads every option, in both --flag value and --flag=value forms', () => {
    expect(
      options('--data-dir', 'data', '--config=cfg/candlewatch.json', '--port', '8123', '--host', '::1'),
    ).toEqual({
      dataDir: '/home/me/work/data',
      configFile: '/home/me/work/cfg/candlewatch.json',
      port: 8123,
      host: '::1',
      logLevel: 'info',
    });
    expect(options('--data-dir=/srv/cw', '--log-level', 'debug')).toMatchObject({
      dataDir: '/srv/cw',
      logLevel: 'debug',
    });
  });

  it('accepts a bracketed IPv6 host and host names', () => {
    expect(options('--host', '[::1]').host).toBe('::1');
    expect(options('--host', 'My-Box.lan').host).toBe('my-box.lan');
    expect(options('--host', '0.0.0.0').host).toBe('0.0.0.0');
  });

  it('answers --help and -h', () => {
    expect(parse('--help')).toEqual({ kind: 'help' });
    expect(parse('--port', '1', '-h')).toEqual({ kind: 'help' });
  });

  it('names an unknown option or a stray argument', () => {
    expect(usageError('--prot', '8080')).toBe('unknown option --prot');
    expect(usageError('serve')).toBe('unexpected argument "serve"');
    expect(usageError('-p', '1')).toBe('unexpected argument "-p"');
  });

  it.each([['-1'], ['65536'], ['80.5'], ['abc'], ['0x10'], ['1e3']])('refuses port %s', (port) => {
    expect(usageError('--port', port)).toBe(
      `--port must be a whole number from 0 to 65535 (0 picks a free port), got "${port}"`,
    );
  });

  it('refuses a missing, empty or repeated value', () => {
    expect(usageError('--port')).toBe('option --port needs a value');
    expect(usageError('--data-dir', '--port', '1')).toBe('option --data-dir needs a value');
    expect(usageError('--config=')).toBe('option --config needs a value');
    expect(usageError('--port', '1', '--port', '2')).toBe('option --port is given twice');
  });

  it('refuses a bad host or log level', () => {
    expect(usageError('--host', 'http://example.com')).toBe(
      '--host must be an IP address or a host name, got "http://example.com"',
    );
    expect(usageError('--host', 'a b')).toContain('--host must be');
    expect(usageError('--log-level', 'loud')).toBe(
      '--log-level must be one of debug, info, warn, error, got "loud"',
    );
  });

  it('reads a PostgreSQL store with the node name and lease length of a cluster collector', () => {
    expect(
      options(
        '--store',
        'postgres://cw:secret@db.lan:5432/candles',
        '--node',
        'collector-1',
        '--lease-ttl',
        '5000',
      ),
    ).toMatchObject({
      store: 'postgres://cw:secret@db.lan:5432/candles',
      node: 'collector-1',
      leaseTtlMs: 5_000,
    });
    expect(options('--store=postgresql://db/cw').store).toBe('postgresql://db/cw');
  });

  it('refuses a store that is not PostgreSQL without echoing its password, and cluster options without one', () => {
    expect(usageError('--store', 'mysql://cw:secret@db/x')).toBe(
      '--store must be a postgres:// or postgresql:// address, got "db/x"',
    );
    expect(usageError('--store', 'postgres://db/x', '--node', 'a b')).toContain('--node must be');
    expect(usageError('--store', 'postgres://db/x', '--lease-ttl', '100')).toContain('at least 500');
    expect(usageError('--node', 'a')).toBe('--node and --lease-ttl only apply with --store postgres://…');
  });
});

describe('serve command line: TLS', () => {
  it('speaks plain HTTP on loopback unless asked for TLS', () => {
    expect(options().tls).toBeUndefined();
    expect(options('--host', '127.0.0.1').tls).toBeUndefined();
    expect(options('--tls').tls).toEqual({ kind: 'self-signed' });
    expect(options('--tls-cert', 'c.pem', '--tls-key=k.pem').tls).toEqual({
      kind: 'files',
      certFile: '/home/me/work/c.pem',
      keyFile: '/home/me/work/k.pem',
    });
  });

  it('serves TLS beyond loopback: a self-signed certificate unless one is given', () => {
    expect(options('--host', '0.0.0.0').tls).toEqual({ kind: 'self-signed' });
    expect(options('--host', 'box.lan', '--tls-cert', '/c', '--tls-key', '/k').tls).toMatchObject({
      kind: 'files',
    });
  });

  it('refuses plain HTTP beyond loopback, naming the flag that forces it', () => {
    expect(usageError('--host', '0.0.0.0', '--plain-http')).toMatch(
      /^--plain-http is refused beyond loopback \(--host 0\.0\.0\.0\): .* pass --insecure-plain-http if a TLS proxy/,
    );
    expect(options('--host', '0.0.0.0', '--insecure-plain-http').tls).toBeUndefined();
    expect(options('--plain-http').tls).toBeUndefined();
  });

  it('names contradictory TLS options', () => {
    expect(usageError('--tls-cert', 'c.pem')).toMatch(/^--tls-cert and --tls-key go together/);
    expect(usageError('--tls', '--plain-http')).toBe('plain HTTP and TLS options cannot be combined');
    expect(usageError('--plain-http', '--insecure-plain-http')).toBe(
      'give one of --plain-http and --insecure-plain-http',
    );
    expect(usageError('--tls=yes')).toBe('option --tls takes no value');
  });
});

import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openPairedClients, PAIRED_CLIENTS_FILE } from '../../../src/main/core/pairing/paired-clients';
import { normalizeFingerprint } from '../../../src/shared/domain/pairing';

let dir: string;
beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'cw-pairing-'))));
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('paired clients', () => {
  it('keeps only the SHA-256 of each token, in a 0600 file that survives a restart', () => {
    const clients = openPairedClients(dir, () => 1_000);
    const { client, token } = clients.add('laptop');
    expect(token).toMatch(/^cwp_[A-Za-z0-9_-]{43}$/);
    expect(client).toEqual({ id: expect.any(String), name: 'laptop', createdAt: 1_000, lastUsedAt: null });
    const file = join(dir, PAIRED_CLIENTS_FILE);
    expect(readFileSync(file, 'utf8')).not.toContain(token.slice(4));
    expect(statSync(file).mode & 0o777).toBe(0o600);

    const reopened = openPairedClients(dir, () => 2_000);
    expect(reopened.verify(token)).toMatchObject({ id: client.id, name: 'laptop', lastUsedAt: 2_000 });
    expect(reopened.list()).toEqual([{ ...client, lastUsedAt: 2_000 }]);
  });

  it('refuses a wrong, malformed or revoked token', () => {
    const clients = openPairedClients(dir);
    const { client, token } = clients.add('phone');
    expect(clients.verify(`${token.slice(0, -1)}x`)).toBeUndefined();
    expect(clients.verify(token.slice(4))).toBeUndefined();
    expect(clients.verify(undefined)).toBeUndefined();
    expect(clients.revoke('PHONE')).toMatchObject({ id: client.id });
    expect(clients.verify(token)).toBeUndefined();
    expect(clients.revoke(client.id)).toBeUndefined();
  });

  it('names each client once, with a readable name', () => {
    const clients = openPairedClients(dir);
    clients.add('Ann’s laptop (work)');
    expect(() => clients.add('ann’s LAPTOP (work)')).toThrow(/already paired: revoke it first/);
    expect(() => clients.add('  ')).toThrow('a client name is needed');
    expect(() => clients.add('a<script>')).toThrow(/letters, digits, spaces/);
  });

  it('sees what another process changed: a revocation from the command line is reported once', () => {
    const server = openPairedClients(dir);
    const { client, token } = server.add('desk');
    const cli = openPairedClients(dir);
    const other = cli.add('tablet');
    expect(server.verify(other.token)).toMatchObject({ name: 'tablet' });
    cli.revoke('desk');
    expect(server.refresh()).toEqual([client.id]);
    expect(server.refresh()).toEqual([]);
    expect(server.verify(token)).toBeUndefined();
  });

  it('names the file when it is not a paired-clients file, and loses nothing by it', () => {
    writeFileSync(join(dir, PAIRED_CLIENTS_FILE), '{"version":1,"clients":"oops"}');
    expect(() => openPairedClients(dir)).toThrow(
      /paired-clients\.json is not a paired-clients file: fix or delete it/,
    );
    expect(readFileSync(join(dir, PAIRED_CLIENTS_FILE), 'utf8')).toBe('{"version":1,"clients":"oops"}');
  });
});

describe('fingerprints', () => {
  it('compares in one form whatever the case and separators', () => {
    const hex = '2f6b09b10708001fb8bb6aed63c98c405b042a15da08fba8238145174fca5252';
    const canonical = hex.toUpperCase().match(/.{2}/g)!.join(':');
    expect(normalizeFingerprint(hex)).toBe(canonical);
    expect(normalizeFingerprint(` ${canonical.toLowerCase()} `)).toBe(canonical);
    expect(normalizeFingerprint(canonical.slice(3))).toBeUndefined();
    expect(normalizeFingerprint('zz')).toBeUndefined();
  });
});

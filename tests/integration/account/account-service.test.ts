import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { AccountService, type CredentialSource } from '../../../src/main/core/account/account-service';
import { FillRecorder } from '../../../src/main/core/account/fill-recorder';
import { silentLogger } from '../../../src/main/core/base/log';
import { AccountRepository } from '../../../src/main/core/store/account-repository';
import { AlertRepository } from '../../../src/main/core/store/alert-repository';
import { openDatabase, type Database } from '../../../src/main/core/store/database';
import type { AccountSnapshot } from '../../../src/shared/contract/methods/account';
import type { SecretField, SecretsStatus } from '../../../src/shared/contract/methods/store';
import { defaultSettings, type Settings } from '../../../src/shared/domain/settings';
import { settle } from '../../support/fake-clock';
import { ScriptedAccountClient } from '../../support/scripted-account-client';

let dir: string | undefined;
let db: Database | undefined;
let service: AccountService | undefined;
afterEach(async () => {
  await service?.stop();
  db?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
  service = undefined;
  db = undefined;
  dir = undefined;
});

/** The secret store's shape over a map; the service is driven through it and the settings. */
class MemoryCredentials implements CredentialSource {
  readonly stored = new Map<string, Partial<Record<SecretField, string>>>();
  private readonly listeners = new Set<(exchange: string) => void>();
  set(exchange: string, fields: Partial<Record<SecretField, string>>): void {
    this.stored.set(exchange, fields);
    for (const l of this.listeners) l(exchange);
  }
  delete(exchange: string): void {
    this.stored.delete(exchange);
    for (const l of this.listeners) l(exchange);
  }
  status(): SecretsStatus {
    return {
      backend: 'memory',
      weak: false,
      exchanges: [...this.stored].map(([exchange, fields]) => ({
        exchange,
        fields: Object.keys(fields) as SecretField[],
        backend: 'memory',
        weak: false,
        backendChanged: false,
        readable: true,
        updatedAt: 1,
      })),
    };
  }
  credentials(exchange: string) {
    return this.stored.get(exchange) ?? {};
  }
  onChange(listener: (exchange: string) => void) {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}

function setup() {
  dir = mkdtempSync(join(tmpdir(), 'cw-account-service-'));
  db = openDatabase(dir);
  const repo = new AccountRepository(db);
  const credentials = new MemoryCredentials();
  let settings: Settings = defaultSettings();
  const settingsListeners = new Set<(s: Settings) => void>();
  const clients: ScriptedAccountClient[] = [];
  const changes: AccountSnapshot[] = [];
  service = new AccountService({
    credentials,
    settings: {
      get: () => settings,
      onChange: (l) => {
        settingsListeners.add(l);
        return () => settingsListeners.delete(l);
      },
    },
    repo,
    fills: new FillRecorder({
      repo,
      alerts: new AlertRepository(db),
      delivery: { deliver: () => {} },
      onFill: () => {},
      now: Date.now,
      log: silentLogger(),
    }),
    redact: (t) => t,
    protect: () => {},
    onChange: (s) => void changes.push(s),
    log: silentLogger(),
    createClient: () => {
      const c = new ScriptedAccountClient();
      clients.push(c);
      return c;
    },
  });
  const updateSettings = (next: Settings) => {
    settings = next;
    for (const l of settingsListeners) l(next);
  };
  return { service, credentials, clients, changes, updateSettings };
}

const states = (s: AccountService) => s.snapshots().map((a) => [a.exchange, a.state, a.problem]);

describe('AccountService', () => {
  it('runs an account while complete credentials are stored, and stops it when they are deleted', async () => {
    const { service, credentials, clients } = setup();
    await service.start();
    expect(service.snapshots()).toEqual([]);

    credentials.set('binance', { apiKey: 'k' });
    await settle();
    expect(states(service)).toEqual([['binance', 'error', 'no-credentials']]);
    expect(service.snapshots()[0]!.message).toBe('Binance also needs secret');
    expect(clients).toHaveLength(0);

    credentials.set('binance', { apiKey: 'k', secret: 's' });
    await settle();
    expect(states(service)).toEqual([['binance', 'live', null]]);
    expect(service.streams().map((s) => s.id)).toEqual([
      'binance|account|balance',
      'binance|account|orders',
      'binance|account|fills',
    ]);

    credentials.delete('binance');
    await settle();
    expect(service.snapshots()).toEqual([]);
    expect(service.streams()).toEqual([]);
    expect(clients[0]!.closed).toBe(true);
  });

  it('stops the account of a disabled exchange, and restarts it when its options change', async () => {
    const { service, credentials, clients, updateSettings } = setup();
    credentials.set('binance', { apiKey: 'k', secret: 's' });
    await service.start();
    await settle();
    expect(clients).toHaveLength(1);
    updateSettings({
      ...defaultSettings(),
      exchanges: { binance: { enabled: true, sandbox: false, ccxt: { timeout: 5_000 } } },
    });
    await settle();
    expect(clients).toHaveLength(2);
    expect(clients[0]!.closed).toBe(true);
    updateSettings({
      ...defaultSettings(),
      exchanges: { binance: { enabled: false, sandbox: false, ccxt: {} } },
    });
    await settle();
    expect(clients[1]!.closed).toBe(true);
    expect(service.snapshots()).toEqual([]);
  });

  it('reconnects one account by the id of one of its streams', async () => {
    const { service, credentials, clients } = setup();
    credentials.set('binance', { apiKey: 'k', secret: 's' });
    await service.start();
    await settle();
    expect(service.reconnect('sim|BTC/USDT|1m')).toBe(0);
    expect(service.reconnect('binance|account|fills')).toBe(1);
    await settle();
    expect(clients[0]!.drops).toBe(1);
    expect(clients[0]!.calls.filter((c) => c === 'subscribe')).toHaveLength(2);
  });
});

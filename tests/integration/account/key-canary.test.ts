import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { runExportCli } from '../../../src/main/headless/export-cli';
import { actingRequests, startAccountCore, until, type AccountCore } from './account-fixture';

let t: AccountCore | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

/** Every file of the data folder (the database, its -wal, the key file…) as bytes. */
const dataFiles = (dir: string) =>
  readdirSync(dir).map((name) => ({ name, bytes: readFileSync(join(dir, name)) }));

async function exportAlerts(dataDir: string, format: 'csv' | 'json'): Promise<string> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const chunks: Buffer[] = [];
  stdout.on('data', (c: Buffer) => chunks.push(c));
  stderr.on('data', (c: Buffer) => chunks.push(c));
  const code = await runExportCli(['--data-dir', dataDir, '--alerts', '--format', format], {
    cwd: '/',
    stdout,
    stderr,
  });
  expect(code).toBe(0);
  return Buffer.concat(chunks).toString();
}

const canary = () => randomBytes(32).toString('hex');

describe('API keys on the private side', () => {
  it('appear nowhere: logs, events, answers, errors, stream states, exports, data files', async () => {
    t = await startAccountCore(51);
    const c = t;
    const { apiKey, secret } = c.fake.credentials;
    // Typed in the key form for a test and never saved: as secret as the stored ones.
    const typedSecret = canary();
    const typedKey = canary();
    c.fake.account.setBalance('USDT', 1_000);
    c.fake.account.setBalance('BTC', 1);

    // Tests of typed credentials: right, wrong secret, unknown key.
    expect(
      (await c.call('account:test-connection', { exchange: 'binance', credentials: { apiKey, secret } })).ok,
    ).toBe(true);
    await c.call('account:test-connection', {
      exchange: 'binance',
      credentials: { apiKey, secret: typedSecret },
    });
    await c.call('account:test-connection', {
      exchange: 'binance',
      credentials: { apiKey: typedKey, secret },
    });
    // Malformed inputs carrying them are refused with errors that must not quote them either.
    await c.attempt('account:test-connection', {
      exchange: 'binance',
      credentials: { apiKey: typedKey, nope: secret },
    });
    await c.attempt('account:test-connection', { exchange: `x ${secret}`, credentials: { apiKey } });

    // A stored key with a wrong secret: the private streams fail (WebSocket login and REST).
    await c.call('secrets:set', { exchange: 'binance', fields: { apiKey, secret: typedSecret } });
    await until(
      async () => (await c.call('account:snapshot', {})).accounts[0]?.state === 'error',
      'the failing account',
    );
    await c.call('streams:errors', { id: 'binance|account|balance' });

    // The right key: streams, a fill, a disconnect with a fill during it, a clock problem.
    await c.call('secrets:set', { exchange: 'binance', fields: { apiKey, secret } });
    await until(
      async () => (await c.call('account:snapshot', {})).accounts[0]?.state === 'live',
      'the live account',
    );
    const order = c.fake.account.placeOrder({
      symbol: 'BTC/USDT',
      side: 'SELL',
      price: 80_000,
      amount: 0.002,
    });
    c.fake.account.fill(order.orderId, 0.001);
    await until(() => c.notifications.length === 1, 'the first fill');
    c.fake.faults.dropAllConnections();
    c.fake.account.fill(order.orderId);
    await until(() => c.notifications.length === 2, 'the fill during the disconnect');
    // An exchange (or a proxy) that echoes the key in an error body: in a test, and in the streams'
    // catch-up after a reconnect (stream errors, states, events, logs).
    const echo = `{"code":-1001,"msg":"Internal error; request by key ${apiKey} secret ${secret}"}`;
    c.fake.faults.restStatus(500, 1, { body: echo });
    expect(await c.call('account:test-connection', { exchange: 'binance' })).toMatchObject({
      problem: 'exchange-down',
    });
    c.fake.faults.restStatus(500, 3, { body: echo });
    await c.call('streams:reconnect', { id: 'binance|account|balance' });
    await until(
      () =>
        c
          .eventsOf('stream:state-changed')
          .some((i) => i.lastError?.message.includes('Internal error') === true),
      'a stream error quoting the echo',
    );
    await c.call('streams:errors', { id: 'binance|account|balance' });
    await until(
      async () => (await c.call('account:snapshot', {})).accounts[0]?.state === 'live',
      'the account to recover',
    );
    c.fake.faults.clockSkew(20_000);
    await c.call('account:test-connection', { exchange: 'binance' });
    await c.call('account:sync-clock', { exchange: 'binance', enabled: true });
    c.fake.faults.clockSkew(0);
    await c.call('account:sync-clock', { exchange: 'binance', enabled: false });
    await until(
      async () => (await c.call('account:snapshot', {})).accounts[0]?.state === 'live',
      'the live account again',
    );
    await c.call('account:fills', {});
    await c.call('alerts:list', { filter: {}, limit: 100 });
    await c.call('streams:list', {});
    await c.call('secrets:status', {});
    await c.call('account:credentials-fields', { exchange: 'binance' });

    const exports = [await exportAlerts(c.dataDir, 'csv'), await exportAlerts(c.dataDir, 'json')];
    expect(exports[1]).toContain('Order filled');
    const whileRunning = dataFiles(c.dataDir);
    expect(whileRunning.map((f) => f.name)).toContain('candlewatch.sqlite-wal');
    await c.call('secrets:delete', { exchange: 'binance' });
    c.core.events.flush();
    expect(actingRequests(c.fake)).toEqual([]);
    const dataDir = c.dataDir;
    await c.core.stop();
    const afterStop = dataFiles(dataDir);

    const texts = [
      ...c.logs.map((r) => JSON.stringify(r)),
      ...c.events.map((e) => `${e.name} ${JSON.stringify(e.payload)}`),
      ...c.answers,
      ...c.notifications.map((n) => JSON.stringify(n)),
      ...exports,
    ];
    // The failures really happened and were reported (so the scan below looked at real error text).
    expect(texts.some((x) => x.includes('The secret does not match the API key'))).toBe(true);
    expect(texts.some((x) => x.includes('clock is'))).toBe(true);
    // …and the echoed values were there, masked.
    expect(texts.join('\n')).toContain('request by key [redacted] secret [redacted]');
    for (const value of [apiKey, secret, typedSecret, typedKey]) {
      for (const text of texts) expect(text, text.slice(0, 200)).not.toContain(value);
      for (const file of [...whileRunning, ...afterStop]) {
        expect(file.bytes.includes(Buffer.from(value)), `${file.name} holds a credential`).toBe(false);
      }
    }
  });
});

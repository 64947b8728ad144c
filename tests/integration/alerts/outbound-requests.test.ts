import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import {
  DestinationRefusedError,
  guardedFetch,
  publicOnly,
  publicOrLoopback,
  type Resolver,
} from '../../../src/main/core/notify/guarded-fetch';
import { WEBHOOK_NOT_DELIVERED } from '../../../src/main/core/notify/http-post';
import { webhookChannel } from '../../../src/main/core/notify/remote-channels';
import { notificationSettingsSchema } from '../../../src/shared/domain/notifications';

/** A server on 127.0.0.1 that counts requests and answers with `status` (and a Location for 3xx). */
async function server(
  status: number,
  location?: string,
): Promise<{ url: string; hits: () => number; close(): Promise<void> }> {
  let hits = 0;
  const s: Server = createServer((req, res) => {
    hits++;
    req.resume();
    if (location) res.setHeader('location', location);
    res.statusCode = status;
    res.end('');
  });
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  const { port } = s.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    hits: () => hits,
    close: () => new Promise<void>((r) => s.close(() => r())),
  };
}

const open: { close(): Promise<void> }[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => s.close()));
});
const started = async (status: number, location?: string) => {
  const s = await server(status, location);
  open.push(s);
  return s;
};

const webhook = (url: string, allowLocal = false) =>
  notificationSettingsSchema.safeParse({ webhook: { enabled: true, url, allowLocal } });
const telegram = (apiBaseUrl: string) => notificationSettingsSchema.safeParse({ telegram: { apiBaseUrl } });

describe('webhook and Telegram URLs, when saved', () => {
  it.each([
    'http://169.254.169.254/latest/meta-data/',
    'https://169.254.169.254/',
    'https://[::ffff:169.254.169.254]/',
    'https://[fd00:ec2::254]/',
    'https://metadata.google.internal/',
    'http://[::1]:22/',
    'https://[::1]:22/',
    'http://10.0.0.1:6379/',
    'https://10.0.0.1:6379/',
    'https://192.168.1.1/',
    'https://[fe80::1]/',
    'https://0.0.0.0/',
    'http://2130706433/',
    'https://user:pass@hooks.example.com/x',
    'http://hooks.example.com/x',
  ])('refuses a webhook to %s', (url) => {
    expect(webhook(url).success).toBe(false);
  });

  it('refuses loopback unless local webhooks are allowed, then takes http:// there too', () => {
    expect(webhook('http://127.0.0.1:8080/hook').success).toBe(false);
    expect(webhook('http://127.0.0.1:8080/hook', true).success).toBe(true);
    expect(webhook('http://localhost:8080/hook', true).success).toBe(true);
    expect(webhook('http://10.0.0.1/hook', true).success).toBe(false);
    expect(webhook('https://hooks.example.com/x?token=1').success).toBe(true);
    expect(webhook('https://8.8.8.8/x').success).toBe(true);
  });

  it('takes only api.telegram.org, or loopback for tests, as the Telegram API root', () => {
    expect(telegram('https://api.telegram.org').success).toBe(true);
    expect(telegram('http://127.0.0.1:9999').success).toBe(true);
    for (const bad of [
      'https://evil.example',
      'http://api.telegram.org',
      'https://api.telegram.org.evil.example',
      'https://u:p@api.telegram.org',
    ])
      expect(telegram(bad).success).toBe(false);
  });
});

describe('an outbound alert, when sent', () => {
  it('checks every address a name resolves to, at connection time (DNS rebinding)', async () => {
    const target = await started(200);
    const port = new URL(target.url).port;
    // Public when the URL was saved; the attacker's DNS now answers 127.0.0.1 (or the metadata address).
    for (const address of ['127.0.0.1', '169.254.169.254', '10.0.0.1']) {
      const rebinding: Resolver = (_host, _family, cb) => cb(null, [{ address, family: 4 }]);
      const fetch = guardedFetch(publicOnly, rebinding);
      await expect(fetch(`http://rebound.example:${port}/`, { method: 'POST' })).rejects.toBeInstanceOf(
        DestinationRefusedError,
      );
    }
    // One bad address among good ones is enough to refuse.
    const mixed: Resolver = (_host, _family, cb) =>
      cb(null, [
        { address: '93.184.216.34', family: 4 },
        { address: '127.0.0.1', family: 4 },
      ]);
    await expect(guardedFetch(publicOnly, mixed)(`http://rebound.example:${port}/`)).rejects.toBeInstanceOf(
      DestinationRefusedError,
    );
    expect(target.hits()).toBe(0);
  });

  it('refuses literal addresses outside the policy without connecting', async () => {
    const target = await started(200);
    await expect(guardedFetch(publicOnly)(`${target.url}/`)).rejects.toBeInstanceOf(DestinationRefusedError);
    expect(target.hits()).toBe(0);
  });

  it('never follows a redirect (a 307 would move the POST to another port)', async () => {
    const elsewhere = await started(200);
    const redirecting = await started(307, `${elsewhere.url}/stolen`);
    const res = await guardedFetch(publicOrLoopback)(`${redirecting.url}/hook`, {
      method: 'POST',
      body: '{}',
    });
    expect(res.status).toBe(307);
    expect(elsewhere.hits()).toBe(0);
    const channel = webhookChannel({ backoffMs: () => 0 });
    const prefs = notificationSettingsSchema.parse({
      webhook: { enabled: true, allowLocal: true, url: redirecting.url },
    });
    const outcome = await channel.send({ kind: 'test', at: 0 }, prefs);
    expect(outcome).toMatchObject({ ok: false });
    expect(elsewhere.hits()).toBe(0);
  });

  it('tells a client the same thing whether the port answered or not', async () => {
    const answering = await started(404);
    const closed = await started(200);
    const closedUrl = closed.url;
    await closed.close();
    open.splice(open.indexOf(closed), 1);
    const channel = webhookChannel({ backoffMs: () => 0 });
    const send = async (url: string) => {
      const prefs = notificationSettingsSchema.parse({
        webhook: { enabled: true, allowLocal: true, url, timeoutMs: 2_000 },
      });
      const { cause: _cause, ...shown } = (await channel.send({ kind: 'test', at: 0 }, prefs))!;
      return shown;
    };
    const a = await send(`${answering.url}/`);
    const b = await send(`${closedUrl}/`);
    expect(a).toEqual(b);
    expect(a).toEqual({ ok: false, attempts: 4, detail: WEBHOOK_NOT_DELIVERED });
  });
});

import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { APP_ENTRY_URL, APP_ORIGIN, createAppRequestHandler } from '../../../src/main/electron/app-protocol';
import { CONTENT_SECURITY_POLICY } from '../../../src/shared/content-security-policy';

let dir: string;
let handle: ReturnType<typeof createAppRequestHandler>;
const get = (url: string, method = 'GET') => handle({ url, method });

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'cw-app-protocol-'));
  mkdirSync(join(dir, 'renderer', 'assets'), { recursive: true });
  mkdirSync(join(dir, 'renderer-private'));
  writeFileSync(join(dir, 'renderer', 'index.html'), '<!doctype html><title>Candlewatch</title>');
  writeFileSync(join(dir, 'renderer', 'assets', 'app.js'), 'console.log(1)');
  writeFileSync(join(dir, 'renderer-private', 'secret.txt'), 'api key');
  writeFileSync(join(dir, 'secret.txt'), 'api key');
  handle = createAppRequestHandler(join(dir, 'renderer'));
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('app:// protocol', () => {
  it('serves the entry page with the CSP and its content type', async () => {
    for (const url of [APP_ENTRY_URL, `${APP_ORIGIN}/`]) {
      const response = await get(url);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect(response.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
      expect(await response.text()).toContain('<title>Candlewatch</title>');
    }
  });

  it('serves bundle files, and HEAD without a body', async () => {
    const js = await get(`${APP_ORIGIN}/assets/app.js`);
    expect(js.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(await js.text()).toBe('console.log(1)');
    const head = await get(`${APP_ORIGIN}/assets/app.js`, 'HEAD');
    expect(head.status).toBe(200);
    expect(await head.text()).toBe('');
  });

  it.each([
    [`${APP_ORIGIN}/../secret.txt`, 404],
    [`${APP_ORIGIN}/%2e%2e/secret.txt`, 404],
    [`${APP_ORIGIN}/..%2fsecret.txt`, 404],
    [`${APP_ORIGIN}/..%2f..%2frenderer-private%2fsecret.txt`, 404],
    [`${APP_ORIGIN}/..%2frenderer-private/secret.txt`, 404],
    [`${APP_ORIGIN}/index.html%00.png`, 404],
    [`${APP_ORIGIN}/%E0%A4%A`, 400],
    [`${APP_ORIGIN}/missing.js`, 404],
    ['app://other-host/index.html', 404],
    ['app:no-host', 404],
  ])('never reads outside the bundle: %s → %i', async (url, status) => {
    const response = await get(url);
    expect(response.status).toBe(status);
    expect(await response.text()).not.toContain('api key');
  });

  it('refuses methods other than GET and HEAD', async () => {
    expect((await get(APP_ENTRY_URL, 'POST')).status).toBe(405);
  });
});

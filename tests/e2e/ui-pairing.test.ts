import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { resolve } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from './support/chromium';
import { startHeadless, type HeadlessProcess } from './support/headless-process';
import { connected, openProfile, SCREENSHOTS } from './ui-helpers';

/**
 * Pairing a browser with a server (issue 14) in Chromium against headless mode over TLS
 * (`--tls`: the self-signed certificate, on loopback). The desktop's own form (Settings → Server →
 * "Connect to a server": address, token, then the fingerprint to confirm) exists only in the
 * Electron app, whose main process makes the pinned connection; it is covered by
 * tests/integration/headless/remote-core.test.ts. Here: what a browser meets — the certificate it is
 * shown is the one whose fingerprint `--pair` printed; a certificate it was not told to accept gets
 * nothing; a wrong pairing token gets plain words and opens nothing; the right one opens the app, and
 * the server's Settings → Server shows the client connected.
 */
const NODE = resolve('node_modules/.bin/node');
const ENTRY = resolve('out/main/headless.js');

let server: HeadlessProcess;
let browser: Browser;
let paired: { token: string; fingerprint: string };

beforeAll(async () => {
  server = await startHeadless(['--tls']);
  // `--pair` from a shell on the server while it runs, as docs/remote.md says.
  const printed = execFileSync(NODE, [ENTRY, '--data-dir', server.dataDir, '--pair', 'laptop'], {
    encoding: 'utf8',
  });
  paired = JSON.parse(printed) as { token: string; fingerprint: string };
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

const pageUrl = (token: string) => `${server.origin}/?token=${encodeURIComponent(token)}`;

/** `AB:CD:…`, the SHA-256 of a DER certificate, as the server prints it. */
const fingerprintOf = (der: Buffer) =>
  createHash('sha256').update(der).digest('hex').toUpperCase().match(/../g)!.join(':');

describe('pairing a browser with a server over TLS', () => {
  it('serves over TLS the certificate whose fingerprint --pair printed', () => {
    expect(server.url.startsWith('https://127.0.0.1:')).toBe(true);
    expect(paired.token).toMatch(/^cwp_/);
    expect(paired.fingerprint).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
  });

  it('sends nothing to a server whose certificate the browser was not told to accept', async () => {
    const ui = await openProfile(browser);
    await expect(ui.page.goto(pageUrl(paired.token))).rejects.toThrow(/ERR_CERT_AUTHORITY_INVALID/);
    await ui.context.close();
  });

  it('refuses a wrong pairing token in plain words, and opens nothing', async () => {
    // The user accepted the certificate after comparing its fingerprint.
    const context = await browser.newContext({ ignoreHTTPSErrors: true });
    const page = await context.newPage();
    // The printed token with its last characters mistyped.
    const wrong = `${paired.token.slice(0, -4)}${paired.token.endsWith('AAAA') ? 'BBBB' : 'AAAA'}`;
    const answer = await page.goto(pageUrl(wrong));
    expect(answer?.status()).toBe(401);
    const text = await page.locator('body').innerText();
    expect(text).toContain(
      'This access token is not valid on this server: it is mistyped, or its pairing was revoked.',
    );
    expect(text).not.toContain(wrong);
    expect(await page.locator('.connection').count()).toBe(0);
    await page.screenshot({ path: `${SCREENSHOTS}/ui-pairing-wrong-token.png` });
    await context.close();
  });

  it('opens the app with the right token; the certificate shown is the pinned one and the server lists the client as connected', async () => {
    const context = await browser.newContext({
      ignoreHTTPSErrors: true,
      viewport: { width: 1400, height: 900 },
    });
    const page = await context.newPage();
    const problems: string[] = [];
    page.on('pageerror', (err) => problems.push(err.message));
    const cdp = await context.newCDPSession(page);
    await cdp.send('Network.enable');
    await page.goto(pageUrl(paired.token));
    await connected(page);
    // The certificate Chromium received is the one whose fingerprint the user compares.
    const { tableNames } = (await cdp.send('Network.getCertificate', { origin: server.origin })) as {
      tableNames: string[];
    };
    expect(fingerprintOf(Buffer.from(tableNames[0]!, 'base64'))).toBe(paired.fingerprint);

    await page.getByRole('button', { name: 'Settings' }).click();
    await page.getByRole('button', { name: 'Server', exact: true }).click();
    const access = page.locator('[aria-label="Server access"]');
    await access.waitFor();
    await expect.poll(() => access.locator('code.fingerprint').innerText()).toBe(paired.fingerprint);
    // Only the shell's --pair made a client: the wrong token paired nothing.
    const rows = page.getByRole('table', { name: 'Paired clients' }).locator('tbody tr');
    await expect.poll(() => rows.count()).toBe(1);
    const cells = rows.first().locator('th, td');
    expect(await cells.nth(0).innerText()).toBe('laptop');
    await expect.poll(() => cells.nth(3).innerText(), { timeout: 30_000 }).toBe('1');
    expect(await cells.nth(2).innerText()).not.toBe('never');
    await page.screenshot({ path: `${SCREENSHOTS}/ui-pairing-connected.png` });
    expect(problems).toEqual([]);
    await context.close();
  });
});

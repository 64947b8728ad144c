import { readFileSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HEADLESS_ENV, HEADLESS_V8_FLAGS } from '../../src/main/headless/v8-flags';
import { launchChromium } from './support/chromium';
import { startHeadless, type HeadlessProcess } from './support/headless-process';
import { connected, openProfile, openUi, SCREENSHOTS, type ProfileOptions } from './ui-helpers';

let server: HeadlessProcess | undefined;
let browser: Browser;

beforeAll(async () => {
  server = await startHeadless();
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

/** Any console error or warning fails these tests. */
const profile = (colorScheme: 'light' | 'dark' = 'light'): ProfileOptions => ({
  colorScheme,
  width: 1280,
  height: 800,
  warnings: true,
});

const theme = (page: Page) => page.evaluate(() => document.documentElement.dataset.theme);
const checkedTheme = (page: Page, value: string) =>
  page.locator(`input[name="theme"][value="${value}"]:checked`);

describe('the first screen, served by headless mode in Chromium', () => {
  it('renders the app frame, connects, and takes the token out of the address bar', async () => {
    const { page, problems } = await openUi(browser, server!.url, profile());

    expect(await page.title()).toBe('Candlewatch');
    expect(page.url()).toBe(`${server!.origin}/`);
    await page.locator('.connection[data-link="open"]').waitFor();
    // Once the core answers, the header speaks of the exchanges (here the simulator) rather than the link.
    // While the simulator's streams start, some may already be live: "connecting · 2/6 live".
    await expect(page.locator('.connection').innerText()).resolves.toMatch(
      /^(Core connected|Simulated exchange (live|connecting · \d+\/\d+ live))$/,
    );
    await page.getByText('No symbols yet').waitFor();
    expect(await page.getByRole('tab').allInnerTexts()).toEqual([
      'Alerts',
      'Order book',
      'Streams',
      'Rules',
      'Account',
    ]);
    await page.getByText('Candlewatch 0.1.0 · headless').waitFor();
    expect(await page.locator('.clock').innerText()).toMatch(/^Local \d\d:\d\d:\d\d\s+UTC \d\d:\d\d:\d\d$/);
    expect(await page.getByRole('radiogroup', { name: 'Theme' }).getByRole('radio').count()).toBe(3);

    await page.getByRole('tab', { name: 'Streams' }).click();
    await page.getByText('No streams yet').waitFor();
    await page.keyboard.press('ArrowRight');
    expect(await page.getByRole('tab', { selected: true }).innerText()).toBe('Rules');
    expect(problems).toEqual([]);
  });

  it('saves the theme through settings:update: it survives a reload and reaches a new browser', async () => {
    const { page, problems } = await openUi(browser, server!.url, profile('light'));
    expect(await theme(page)).toBe('light');

    await page.getByRole('radio', { name: 'Dark' }).check();
    await page.waitForFunction(() => document.documentElement.dataset.theme === 'dark');
    await page.screenshot({ path: `${SCREENSHOTS}/shell-dark.png` });

    // The URL no longer has the token: the page cookie and the tab's sessionStorage carry the reload.
    await page.reload();
    await connected(page);
    await checkedTheme(page, 'dark').waitFor();
    expect(await theme(page)).toBe('dark');

    // A new profile has nothing cached: dark can only come from the core's settings.
    const other = await openUi(browser, server!.url, profile('light'));
    await checkedTheme(other.page, 'dark').waitFor();
    await other.page.waitForFunction(() => document.documentElement.dataset.theme === 'dark');

    await page.getByRole('radio', { name: 'Light' }).check();
    await page.waitForFunction(() => document.documentElement.dataset.theme === 'light');
    // settings:changed reaches the other browser without a reload.
    await other.page.waitForFunction(() => document.documentElement.dataset.theme === 'light');
    await page.screenshot({ path: `${SCREENSHOTS}/shell-light.png` });
    expect([...problems, ...other.problems]).toEqual([]);
  });

  it('follows the OS when the theme is system', async () => {
    const { page, problems } = await openUi(browser, server!.url, profile('dark'));
    await page.getByRole('radio', { name: 'System' }).check();
    await page.waitForFunction(() => document.documentElement.dataset.theme === 'dark');
    await page.emulateMedia({ colorScheme: 'light' });
    await page.waitForFunction(() => document.documentElement.dataset.theme === 'light');
    expect(problems).toEqual([]);
  });

  it('runs re-executed with its heap caps and malloc arena limit, same pid', () => {
    // /proc is Linux's; a value the environment already set is kept (v8-flags.ts)
    const args = readFileSync(`/proc/${server!.pid}/cmdline`, 'utf8').split('\0');
    const env = readFileSync(`/proc/${server!.pid}/environ`, 'utf8').split('\0');
    for (const flag of HEADLESS_V8_FLAGS) expect(args).toContain(flag);
    for (const [name, value] of Object.entries(HEADLESS_ENV))
      expect(env).toContain(`${name}=${process.env[name] ?? value}`);
  });

  it('refuses the page without the token and explains why', async () => {
    const { page } = await openProfile(browser, profile());
    const response = await page.goto(`${server!.origin}/`);
    expect(response?.status()).toBe(401);
    expect(await page.innerText('body')).toContain('open the full URL');
  });

  it('says so when the connection drops, then exits 0 on SIGTERM with one stdout line', async () => {
    const { page } = await openUi(browser, server!.url, profile());
    const running = server!;
    server = undefined;
    expect(await running.stop()).toBe(0);
    await page.locator('.connection[data-link="lost"]').waitFor();
    expect(await page.locator('.connection').innerText()).toContain('Core disconnected');
    expect(running.stdoutLines()).toHaveLength(1);
    expect(running.stderr()).not.toContain(running.token);
  });
});

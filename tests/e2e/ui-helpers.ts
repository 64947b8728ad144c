import { mkdirSync } from 'node:fs';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { WebSocket } from 'ws';
import { createWsClient, type WsContractClient } from '../../src/shared/contract/ws-client';
import { launchChromium } from './support/chromium';
import { startHeadless, type HeadlessProcess } from './support/headless-process';

/** Screenshots of every main screen, in both themes, for people to look at. */
export const SCREENSHOTS = 'artifacts/e2e';

export type UiPage = { page: Page; context: BrowserContext; problems: string[] };

export type ProfileOptions = {
  colorScheme?: 'light' | 'dark';
  width?: number;
  height?: number;
  /** Count console warnings as problems too, not only errors. */
  warnings?: boolean;
};

/**
 * A fresh browser profile (no cookie, no storage) whose OS theme is `colorScheme`, on a blank page.
 * Console errors (a CSP violation, a failed request, an exception) and page errors are collected:
 * each test ends by asserting there were none.
 */
export async function openProfile(browser: Browser, opts: ProfileOptions = {}): Promise<UiPage> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  // A zone away from UTC, so the status bar's two clocks differ as they would for most users.
  const context = await browser.newContext({
    colorScheme: opts.colorScheme ?? 'light',
    timezoneId: 'Europe/Berlin',
    viewport: { width: opts.width ?? 1400, height: opts.height ?? 900 },
  });
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('console', (msg) => {
    if (msg.type() === 'error') problems.push(`console: ${msg.text()}`);
    else if (opts.warnings && msg.type() === 'warning') problems.push(`warning: ${msg.text()}`);
  });
  page.on('pageerror', (err) => problems.push(`pageerror: ${err.message}`));
  return { page, context, problems };
}

/** Waits for the page's contract connection (the top bar's indicator). */
export const connected = (page: Page) => page.locator('.connection[data-state="open"]').waitFor();

/** A fresh profile (see openProfile) on the server's URL, connected. */
export async function openUi(browser: Browser, url: string, opts: ProfileOptions = {}): Promise<UiPage> {
  const ui = await openProfile(browser, opts);
  await ui.page.goto(url);
  await connected(ui.page);
  return ui;
}

/** A headless server, Chromium, one connected page, and the contract client the test sets up with. */
export type UiSession = {
  server: HeadlessProcess;
  browser: Browser;
  api: WsContractClient;
  ui: UiPage;
  /** Closes the client and the browser, and stops the server. */
  close(): Promise<void>;
};

/** Starts a UiSession; `headlessArgs` go to the server (`--config FILE`). What started is stopped on a failure. */
export async function startUiSession(headlessArgs: string[] = []): Promise<UiSession> {
  const server = await startHeadless(headlessArgs);
  let browser: Browser | undefined;
  let api: WsContractClient | undefined;
  const close = async () => {
    api?.close();
    await browser?.close();
    await server.stop();
  };
  try {
    browser = await launchChromium();
    api = contractClient(server);
    const ui = await openUi(browser, server.url);
    return { server, browser, api, ui, close };
  } catch (err) {
    await close();
    throw err;
  }
}

/** A UiSession past onboarding on the simulated exchange, its BTC/USDT 1m chart drawn with `bars` candles. */
export async function startSimSession(bars: number): Promise<UiSession> {
  const session = await startUiSession();
  try {
    await session.ui.page.getByRole('button', { name: /Simulated exchange/ }).click();
    await waitForChart(session.ui.page, 'sim|BTC/USDT|1m', bars);
    return session;
  } catch (err) {
    await session.close();
    throw err;
  }
}

export const chart = (page: Page) => page.getByTestId('chart');

export async function chartData(
  page: Page,
): Promise<{ bars: number; lastClose: number; lastY: number; series: string; firstTime: number }> {
  return chart(page).evaluate((el: HTMLElement) => ({
    bars: Number(el.dataset.bars ?? 0),
    lastClose: Number(el.dataset.lastClose ?? NaN),
    lastY: Number(el.dataset.lastY ?? NaN),
    series: el.dataset.series ?? '',
    firstTime: Number(el.dataset.firstTime ?? NaN),
  }));
}

/** Waits until the chart shows `series` with at least `bars` candles. */
export async function waitForChart(page: Page, series: string, bars = 1, timeout = 30_000): Promise<void> {
  await page.waitForFunction(
    ([s, n]) => {
      const el = document.querySelector<HTMLElement>('[data-testid="chart"]');
      return (
        el?.dataset.series === s &&
        el.dataset.status === 'ready' &&
        Number(el.dataset.bars ?? 0) >= (n as number)
      );
    },
    [series, bars] as const,
    { timeout },
  );
}

/** The contract as the page uses it, from the test process: to set things up and to check them. */
export function contractClient(server: HeadlessProcess): WsContractClient {
  return createWsClient(
    `ws://127.0.0.1:${server.port}/ws?token=${encodeURIComponent(server.token)}`,
    // ws's event typings are narrower than the SocketLike the client declares; the behaviour is the same.
    (url) => new WebSocket(url, { headers: { Origin: server.origin } }) as never,
  );
}

/**
 * Through the settings (the theme switch may sit behind an open dialog): every page follows
 * settings:changed.
 */
export async function setTheme(page: Page, api: WsContractClient, theme: 'dark' | 'light'): Promise<void> {
  const { appearance } = await api.call('settings:get', {});
  await api.call('settings:update', { appearance: { ...appearance, theme } });
  await page.waitForFunction((t) => document.documentElement.dataset.theme === t, theme);
}

/** `ui-<name>-light.png` and `ui-<name>-dark.png`, leaving the page in the theme it started in. */
export async function screenshotBothThemes(page: Page, api: WsContractClient, name: string): Promise<void> {
  const start =
    (await page.evaluate(() => document.documentElement.dataset.theme)) === 'dark' ? 'dark' : 'light';
  const other = start === 'dark' ? 'light' : 'dark';
  // The mouse parks on the top bar: no crosshair in the pictures.
  await page.mouse.move(1, 1);
  await page.screenshot({ path: `${SCREENSHOTS}/ui-${name}-${start}.png` });
  await setTheme(page, api, other);
  // The chart repaints its canvas on the next frame.
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
  await page.screenshot({ path: `${SCREENSHOTS}/ui-${name}-${other}.png` });
  await setTheme(page, api, start);
}

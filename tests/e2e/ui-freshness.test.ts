import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeExchange, type FakeExchange } from '../support/fake-exchange';
import {
  openUi,
  SCREENSHOTS,
  setTheme,
  startUiSession,
  waitForChart,
  type UiPage,
  type UiSession,
} from './ui-helpers';

/**
 * Issue 13, defect 1: an outage must be visible where traders look. The fake Binance stalls its
 * websocket; the chart, the watchlist and the header must say stale / reconnecting within the stale
 * threshold + 1 s, and live again after the recovery; a lost core connection shows at once.
 * Two pages watch the same stall: 1280×720 in the light theme and 1920×1080 in the dark one.
 */
const STALE_MS = 3_000;
const SERIES = 'binance|BTC/USDT|1m';

let fake: FakeExchange;
let session: UiSession;
let configDir: string;
let small: UiPage;
let large: UiPage;

beforeAll(async () => {
  fake = await startFakeExchange({ symbols: ['BTC/USDT', 'ETH/USDT'], updateIntervalMs: 250 });
  configDir = mkdtempSync(join(tmpdir(), 'cw-e2e-fresh-'));
  const config = join(configDir, 'candlewatch.json');
  writeFileSync(
    config,
    JSON.stringify({
      exchanges: { binance: { enabled: true, sandbox: false, ccxt: fake.ccxtJsonConfig() } },
      watchlist: [
        { exchange: 'binance', symbol: 'BTC/USDT', timeframes: ['1m'] },
        { exchange: 'binance', symbol: 'ETH/USDT', timeframes: ['1m'] },
      ],
      feed: { staleTimeoutMs: STALE_MS },
    }),
  );
  session = await startUiSession(['--config', config]);
  await session.ui.context.close();
  small = await openUi(session.browser, session.server.url, { width: 1280, height: 720 });
  large = await openUi(session.browser, session.server.url, {
    width: 1920,
    height: 1080,
    colorScheme: 'dark',
  });
  await setTheme(large.page, session.api, 'dark');
  await setTheme(small.page, session.api, 'light');
});

afterAll(async () => {
  await session?.close();
  await fake?.close();
  rmSync(configDir, { recursive: true, force: true });
});

const chartFreshness = (page: Page) =>
  page.locator('.chart-view').evaluate((el: HTMLElement) => el.dataset.freshness);
const rowFreshness = (page: Page) =>
  page.locator('.watch-row[data-symbol="BTC/USDT"]').evaluate((el: HTMLElement) => el.dataset.freshness);
const headerHealth = (page: Page) =>
  page.getByTestId('exchange-health-binance').evaluate((el: HTMLElement) => el.dataset.health);

const OUTDATED = /^(stale|reconnecting)$/;

async function waitLive(page: Page): Promise<void> {
  await waitForChart(page, SERIES, 50);
  await expect.poll(() => chartFreshness(page), { timeout: 30_000 }).toBe('live');
  await expect.poll(() => rowFreshness(page), { timeout: 30_000 }).toBe('live');
  await expect.poll(() => headerHealth(page), { timeout: 30_000 }).toBe('live');
}

/** Waits (no sleep) until the chart, the watchlist row and the header all say the feed is not live. */
async function waitOutdated(page: Page, timeout: number): Promise<void> {
  await page.waitForFunction(
    () => {
      const chart = document.querySelector<HTMLElement>('.chart-view')?.dataset.freshness ?? '';
      const row =
        document.querySelector<HTMLElement>('.watch-row[data-symbol="BTC/USDT"]')?.dataset.freshness ?? '';
      const header =
        document.querySelector<HTMLElement>('[data-testid="exchange-health-binance"]')?.dataset.health ?? '';
      const outdated = (k: string) => k === 'stale' || k === 'reconnecting';
      return outdated(chart) && outdated(row) && header !== 'live' && header !== '';
    },
    undefined,
    { timeout, polling: 100 },
  );
}

describe('freshness of every price on screen', () => {
  it('says stale or reconnecting on the chart, the watchlist and the header during a stall', async () => {
    await waitLive(small.page);
    await waitLive(large.page);
    expect(await small.page.locator('.chart-toolbar [data-testid="freshness"]').innerText()).toBe('live');

    const stalledAt = Date.now();
    // Ended by hand once both pages have been checked: a 12 s stall could end, on a loaded
    // machine, before the last of the checks below had read the pages.
    fake.faults.stall(600_000);
    try {
      // The threshold + 1 s the issue asks for, plus the wait's own polling on a loaded 2-core box.
      const budget = STALE_MS + 1_000;
      await waitOutdated(small.page, budget + 1_000);
      const seenAfter = Date.now() - stalledAt;
      await waitOutdated(large.page, 2_000);
      expect(seenAfter).toBeLessThanOrEqual(budget + 1_000);

      for (const page of [small.page, large.page]) {
        expect(await chartFreshness(page)).toMatch(OUTDATED);
        expect(await rowFreshness(page)).toMatch(OUTDATED);
        // The words, not only a colour: "stale 4 s" / "reconnecting · 5 s old", and the header per exchange.
        expect(await page.locator('.chart-toolbar [data-testid="freshness"]').innerText()).toMatch(
          /^(stale \d+ s|reconnecting · \d+ s old)$/,
        );
        expect(
          await page.locator('.watch-row[data-symbol="BTC/USDT"] [data-testid="freshness"]').innerText(),
        ).toMatch(/stale|reconnecting/);
        expect(await page.getByTestId('exchange-health-binance').innerText()).toMatch(
          /(down|degraded) · \d+\/\d+ live/,
        );
      }
      await small.page.screenshot({ path: `${SCREENSHOTS}/ui-stale-1280-light.png` });
      await large.page.screenshot({ path: `${SCREENSHOTS}/ui-stale-1920-dark.png` });
    } finally {
      fake.faults.endStall();
    }

    // Back to live after the recovery, everywhere.
    await waitLive(small.page);
    await waitLive(large.page);
    expect(small.problems).toEqual([]);
    expect(large.problems).toEqual([]);
  });

  it('shows a lost core connection at once, never "streams live"', async () => {
    await waitLive(small.page);
    // The test's own client goes first, so its reconnect attempts do not outlive the server.
    session.api.close();
    await session.server.stop();
    await small.page.locator('.connection[data-link="lost"]').waitFor({ timeout: 15_000 });
    expect(await small.page.locator('.connection').innerText()).toContain('Core disconnected');
    expect(await small.page.getByTestId('stream-health').innerText()).toMatch(/core disconnected/);
    expect(await chartFreshness(small.page)).toBe('disconnected');
    expect(await rowFreshness(small.page)).toBe('disconnected');
    await small.page.screenshot({ path: `${SCREENSHOTS}/ui-core-lost-1280-light.png` });
  });
});

import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chartData, SCREENSHOTS, startUiSession, waitForChart, type UiSession } from './ui-helpers';

/**
 * Issue 13, defects 4, 6, 7 and 8 on the sim exchange: the legend follows the live candle while the
 * cursor is away; the symbol search takes typing at once (Ctrl K, "/"), Esc clears then leaves; a
 * drawn chart never carries a "waiting" overlay; viewing a timeframe never changes the watchlist.
 */
let session: UiSession;
let page: Page;

beforeAll(async () => {
  session = await startUiSession();
  page = session.ui.page;
  await page.setViewportSize({ width: 1280, height: 720 });
  await page.getByRole('button', { name: /Simulated exchange/ }).click();
  await waitForChart(page, 'sim|BTC/USDT|1m', 50);
});

afterAll(() => session?.close());

const legendText = () => page.locator('.chart-legend').innerText();
const waitingOverlay = () => page.getByText(/Waiting for the first candles/);
const searchInput = () => page.getByRole('dialog', { name: 'Add a symbol' }).locator('[data-symbol-search]');

describe('a chart a trader trusts', () => {
  it('keeps the legend on the live candle while the cursor is away (defect 4)', async () => {
    await page.mouse.move(1, 1);
    // The legend's close is the chart's last close, tick after tick, with no mouse move.
    for (let i = 0; i < 3; i++) {
      const before = await chartData(page);
      await page.waitForFunction(
        (last) =>
          Number(document.querySelector<HTMLElement>('[data-testid="chart"]')?.dataset.lastClose) !== last,
        before.lastClose,
        { timeout: 20_000 },
      );
      await expect
        .poll(async () => {
          const { lastClose } = await chartData(page);
          const text = (await legendText()).replace(/[^\d.\sCV]/g, '');
          return text.includes(`C ${lastClose.toFixed(2)}`);
        })
        .toBe(true);
    }
    // Volume reads as a number, not "0" (the formatter cache bug of defect 3).
    expect(await legendText()).toMatch(/V\s+[1-9][\d,.]*|V\s+0\.\d*[1-9]/);
  });

  it('takes typing in the symbol search at once, by Ctrl K or "/" (defect 6)', async () => {
    await page.keyboard.press('Control+k');
    await searchInput().waitFor();
    await page.keyboard.type('ETH');
    expect(await searchInput().inputValue()).toBe('ETH');
    // Esc in a filled field clears it and leaves it; the dialog stays until the next Esc.
    await page.keyboard.press('Escape');
    expect(await searchInput().inputValue()).toBe('');
    expect(await searchInput().evaluate((el) => el === document.activeElement)).toBe(false);
    await page.keyboard.press('Escape');
    await searchInput().waitFor({ state: 'detached' });

    await page.locator('body').press('/');
    await searchInput().waitFor();
    await page.keyboard.type('SOL');
    expect(await searchInput().inputValue()).toBe('SOL');
    await page.screenshot({ path: `${SCREENSHOTS}/ui-search-1280-light.png` });
    await page.keyboard.press('Escape');
    await page.keyboard.press('Escape');
    await searchInput().waitFor({ state: 'detached' });
  });

  it('views another timeframe without changing the watchlist, and no false "waiting" overlay (defects 7, 8)', async () => {
    const before = (await session.api.call('settings:get', {})).watchlist;
    await page
      .getByRole('radiogroup', { name: 'Timeframe' })
      .getByRole('radio', { name: '5m', exact: true })
      .check();
    await waitForChart(page, 'sim|BTC/USDT|5m', 1);
    // Streamed while on screen: the core runs it, although the watchlist does not name it.
    await expect
      .poll(async () => (await session.api.call('streams:list', {})).map((s) => s.id))
      .toContain('sim|BTC/USDT|5m');
    expect((await session.api.call('settings:get', {})).watchlist).toEqual(before);
    // A drawn chart has no "waiting" overlay and a candle count above zero.
    await expect.poll(async () => (await chartData(page)).bars).toBeGreaterThan(0);
    expect(await waitingOverlay().count()).toBe(0);
    expect(await page.locator('.chart-toolbar').innerText()).not.toMatch(/\b0 candles/);

    // Back to 1m: the 5m stream stops, the watchlist is still as it was.
    await page
      .getByRole('radiogroup', { name: 'Timeframe' })
      .getByRole('radio', { name: '1m', exact: true })
      .check();
    await waitForChart(page, 'sim|BTC/USDT|1m', 50);
    await expect
      .poll(async () => (await session.api.call('streams:list', {})).map((s) => s.id))
      .not.toContain('sim|BTC/USDT|5m');
    expect((await session.api.call('settings:get', {})).watchlist).toEqual(before);
    expect(session.ui.problems).toEqual([]);
  });
});

import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  chart,
  connected,
  openUi,
  screenshotBothThemes,
  startSimSession,
  waitForChart,
  type UiSession,
} from './ui-helpers';

/**
 * Issue 13, defect 10: every timeframe the rules accept is on the chart (1s where the exchange has
 * seconds bars, 3m and 30m), and the price scale can be logarithmic or in percent; the choice
 * survives a reload, and the longer toolbar cuts nothing off at 1280×720 or 1920×1080.
 */
let session: UiSession;

beforeAll(async () => {
  session = await startSimSession(50);
});

afterAll(() => session?.close());

const timeframe = (page: Page, tf: string) =>
  page.getByRole('radiogroup', { name: 'Timeframe' }).getByRole('radio', { name: tf, exact: true });
const scale = (page: Page, name: string) =>
  page.getByRole('radiogroup', { name: 'Price scale' }).getByRole('radio', { name });
const chartScale = (page: Page) => chart(page).evaluate((el: HTMLElement) => el.dataset.priceScale ?? '');

/** The document never scrolls sideways and the toolbar's controls all sit inside it. */
async function nothingCut(page: Page): Promise<void> {
  const cut = await page.evaluate(() => {
    const bar = document.querySelector('.chart-toolbar')!.getBoundingClientRect();
    const outside = [...document.querySelectorAll('.chart-toolbar > *')].filter((el) => {
      const r = el.getBoundingClientRect();
      return r.right > bar.right + 0.5 || r.left < bar.left - 0.5;
    }).length;
    return { page: document.documentElement.scrollWidth - window.innerWidth, outside };
  });
  expect(cut).toEqual({ page: 0, outside: 0 });
}

describe('chart timeframes and price scales', () => {
  it('offers 1s, 3m and 30m beside the usual timeframes, each drawing its own candles', async () => {
    const { page } = session.ui;
    const names = await page
      .getByRole('radiogroup', { name: 'Timeframe' })
      .getByRole('radio')
      .evaluateAll((els) => els.map((e) => (e as HTMLInputElement).value));
    expect(names).toEqual(['1s', '1m', '3m', '5m', '15m', '30m', '1h', '4h', '1d']);
    for (const tf of ['3m', '30m', '1s']) {
      await timeframe(page, tf).check();
      await waitForChart(page, `sim|BTC/USDT|${tf}`, 3);
    }
    // Keys 1 … 6 still pick the timeframes they always did: 1 is 1m, not the new 1s.
    await page.locator('body').press('1');
    await waitForChart(page, 'sim|BTC/USDT|1m', 10);
    expect(session.ui.problems).toEqual([]);
  });

  it('switches the price scale to log and percent, and keeps it over a reload', async () => {
    const { page } = session.ui;
    expect(await chartScale(page)).toBe('linear');
    await scale(page, 'Logarithmic price scale').check();
    await expect.poll(() => chartScale(page), { timeout: 10_000 }).toBe('log');
    await scale(page, 'Percent scale').check();
    await expect.poll(() => chartScale(page), { timeout: 10_000 }).toBe('percent');
    await page.reload();
    await connected(page);
    await waitForChart(page, 'sim|BTC/USDT|1m', 10);
    await expect.poll(() => chartScale(page), { timeout: 10_000 }).toBe('percent');
    expect(await scale(page, 'Percent scale').isChecked()).toBe(true);
    expect(session.ui.problems).toEqual([]);
  });

  it('cuts nothing off at 1280×720 and 1920×1080, in both themes', async () => {
    for (const [width, height] of [
      [1280, 720],
      [1920, 1080],
    ] as const) {
      const ui = await openUi(session.browser, session.server.url, { width, height });
      await waitForChart(ui.page, 'sim|BTC/USDT|1m', 10);
      await scale(ui.page, 'Logarithmic price scale').check();
      await expect.poll(() => chartScale(ui.page), { timeout: 10_000 }).toBe('log');
      await nothingCut(ui.page);
      await screenshotBothThemes(ui.page, session.api, `chart-scales-${width}`);
      expect(ui.problems).toEqual([]);
      await ui.context.close();
    }
  });
});

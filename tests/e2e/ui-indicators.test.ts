import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WsContractClient } from '../../src/shared/contract/ws-client';
import {
  chart,
  screenshotBothThemes,
  setTheme,
  startSimSession,
  waitForChart,
  type UiPage,
  type UiSession,
} from './ui-helpers';

/**
 * Issue 13, defect 9: the chart's indicator picker on the sim exchange. Search takes typing at
 * once, ATR gets a parameter (a bad one is refused in plain words), Stochastic gets a fixed 0–100
 * pane with its 20 / 80 lines, MACD its zero line, each price axis carries one label, and all of it is there
 * again after a reload.
 */
let session: UiSession;
let ui: UiPage;
let page: Page;
let api: WsContractClient;
/** the colour picked for Stochastic's %D, which a reload must keep */
let pickedForD = '';

beforeAll(async () => {
  session = await startSimSession(50);
  ({ ui, api } = session);
  page = ui.page;
});

afterAll(() => session?.close());

type PaneInfo = {
  label: string;
  min: number | null;
  max: number | null;
  guides: number[];
  labels: number;
  /** each indicator line of the pane and the colour lightweight-charts draws it in */
  lines: { label: string; color: string }[];
};

/** The panes as the chart controller reads them back from lightweight-charts (data-panes). */
const panes = async (): Promise<PaneInfo[]> =>
  JSON.parse((await chart(page).getAttribute('data-panes')) ?? '[]') as PaneInfo[];
const paneLabels = async () => (await panes()).map((p) => p.label);
const menuButton = () => page.getByRole('button', { name: /^Indicators/ });
const menu = () => page.getByRole('dialog', { name: 'Indicators' });
const legend = () => page.locator('.chart-legend').innerText();
/** The colour of a line's name in the legend, as the browser computes it (rgb(…)). */
const legendColor = (label: string) =>
  page
    .locator('.chart-legend .legend-label')
    .filter({ hasText: new RegExp(`^${label.replace(/[()]/g, '\\$&')}$`) })
    .evaluate((el) => getComputedStyle(el).color);
const lineColors = async (pane: number) => (await panes())[pane]?.lines.map((l) => l.color) ?? [];
/** #rrggbb as the browser writes a computed colour. */
const rgb = (hex: string) => `rgb(${[1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16)).join(', ')})`;

/** A fixed 0–100 scale with room for its edge labels: not the ~40–80 an autoscale gave RSI. */
const onFixedScale = (p: PaneInfo | undefined) =>
  p !== undefined &&
  p.min !== null &&
  p.max !== null &&
  p.min <= 0 &&
  p.min > -25 &&
  p.max >= 100 &&
  p.max < 125;

describe('indicators on the chart', () => {
  it('searches as soon as the menu opens and adds ATR with a period', async () => {
    await menuButton().click();
    await menu().waitFor();
    // The search field has the focus: typing goes straight into it.
    await expect
      .poll(() => page.evaluate(() => document.activeElement?.getAttribute('aria-label')))
      .toBe('Search indicators');
    await page.keyboard.type('atr');
    await expect
      .poll(() => menu().locator('.indicator-results button').allInnerTexts())
      .toEqual(['+ ATR pane']);
    await page.keyboard.press('Enter');
    await expect.poll(paneLabels).toEqual(['Price', 'ATR(14)']);

    // The new indicator opens for editing; a bad period is refused in words and the chart keeps ATR(14).
    const period = menu().getByRole('group', { name: 'Parameters of ATR' }).getByLabel('Period');
    await period.fill('0');
    await menu().getByText('ATR period must be at least 1').waitFor();
    expect(await paneLabels()).toEqual(['Price', 'ATR(14)']);
    await period.fill('7');
    await expect.poll(() => menu().getByText('ATR period must be at least 1').count()).toBe(0);
    await expect.poll(paneLabels).toEqual(['Price', 'ATR(7)']);
    await expect.poll(legend).toMatch(/ATR\(7\)\s+[\d,]+\.\d\d/);
    expect(await menuButton().innerText()).toBe('Indicators (1)');
  });

  it('closes on a press outside and on Esc', async () => {
    await page.locator('.chart-title h2').click();
    await expect.poll(() => menu().count()).toBe(0);
    expect(await menuButton().getAttribute('aria-expanded')).toBe('false');

    await menuButton().click();
    await menu().waitFor();
    await page.keyboard.press('Escape');
    await expect.poll(() => menu().count()).toBe(0);
    // Focus goes back to the button, so the keyboard user is where they were.
    await expect.poll(() => page.evaluate(() => document.activeElement?.textContent)).toMatch(/^Indicators/);
  });

  it('puts Stochastic on a fixed 0–100 pane with its 20 / 80 lines, one axis label per pane', async () => {
    await menuButton().click();
    await page.keyboard.type('stoch');
    await menu().locator('button[data-kind="stoch"]').click();
    await page.keyboard.press('Escape');
    await expect.poll(() => menu().count()).toBe(0);
    // A new opening starts a new search.
    await menuButton().click();
    await page.keyboard.type('ema');
    await expect.poll(() => menu().locator('.indicator-results button').allInnerTexts()).toEqual(['+ EMA']);
    await page.keyboard.press('Enter');
    await menu().getByRole('searchbox', { name: 'Search indicators' }).fill('macd');
    await page.keyboard.press('Enter');
    await page.keyboard.press('Escape');
    await expect.poll(paneLabels).toEqual(['Price', 'ATR(7)', 'Stoch(14,3,3)', 'MACD(12,26,9)']);
    await expect.poll(async () => onFixedScale((await panes())[2]), { timeout: 30_000 }).toBe(true);
    const [price, atr, stoch, macd] = await panes();
    expect(stoch!.guides).toEqual([20, 80]);
    expect(macd!.guides).toEqual([0]);
    // The candles' last price is the only label on the price axis (the EMA's value is in the
    // legend); each pane has its main line's.
    expect([price!.labels, atr!.labels, stoch!.labels, macd!.labels]).toEqual([1, 1, 1, 1]);
    await expect.poll(legend).toMatch(/Stoch\(14,3,3\)\s+\d+\.\d\d/);
    await expect.poll(legend).toMatch(/EMA\(20\)\s+[\d,]+\.\d\d/);
    await screenshotBothThemes(page, api, 'chart-indicators');
    await menuButton().click();
    await menu().getByRole('button', { name: 'Edit Stochastic 14, 3, 3' }).click();
    await screenshotBothThemes(page, api, 'chart-indicator-menu');
    await page.keyboard.press('Escape');
  });

  it('draws the second line of Stochastic and MACD in a colour of its own, which the user can change', async () => {
    const start = (await page.evaluate(() => document.documentElement.dataset.theme)) === 'dark';
    // Both themes, ending in the one the test started in.
    for (const theme of start ? (['light', 'dark'] as const) : (['dark', 'light'] as const)) {
      await setTheme(page, api, theme);
      for (const pane of [2, 3]) {
        await expect.poll(async () => (await lineColors(pane)).length).toBe(2);
        const [main, second] = await lineColors(pane);
        expect(second, `${theme} pane ${pane}`).not.toBe(main);
      }
      // The legend names each line in the colour it is drawn in.
      await expect
        .poll(async () => {
          const [k, d] = await lineColors(2);
          return [await legendColor('Stoch(14,3,3)'), await legendColor('%D'), rgb(k!), rgb(d!)];
        })
        .toSatisfy(([kLegend, dLegend, k, d]) => kLegend === k && dLegend === d);
    }

    await menuButton().click();
    // The menu reopens with the indicator it was editing still open.
    const edit = menu().getByRole('button', { name: 'Edit Stochastic 14, 3, 3' });
    if ((await edit.getAttribute('aria-expanded')) !== 'true') await edit.click();
    const dColours = menu().getByRole('radiogroup', { name: 'Colour of %D' });
    const [k] = await lineColors(2);
    // A palette colour the main line does not have.
    const pick = dColours.getByRole('radio', { name: 'Colour 6' });
    const picked = await pick.evaluate((el) => getComputedStyle(el).backgroundColor);
    expect(picked).not.toBe(rgb(k!));
    pickedForD = picked;
    await pick.click();
    await expect.poll(() => pick.getAttribute('aria-checked')).toBe('true');
    await expect.poll(async () => (await lineColors(2)).map(rgb)).toEqual([rgb(k!), picked]);
    await expect.poll(() => legendColor('%D')).toBe(picked);
    // The main line keeps its colour, and its own choice says so.
    const kColours = menu().getByRole('radiogroup', { name: 'Colour of %K' });
    expect(await kColours.locator('[aria-checked="true"]').count()).toBe(1);
    expect(await dColours.locator('[aria-checked="true"]').count()).toBe(1);
    await screenshotBothThemes(page, api, 'chart-indicator-line-colours');
    await page.keyboard.press('Escape');
    await expect.poll(() => menu().count()).toBe(0);
  });

  it('is there again after a reload, with its parameters', async () => {
    await page.reload();
    await waitForChart(page, 'sim|BTC/USDT|1m', 50);
    expect(await menuButton().innerText()).toBe('Indicators (4)');
    await expect.poll(paneLabels).toEqual(['Price', 'ATR(7)', 'Stoch(14,3,3)', 'MACD(12,26,9)']);
    await expect.poll(async () => onFixedScale((await panes())[2]), { timeout: 30_000 }).toBe(true);
    await expect.poll(legend).toMatch(/ATR\(7\)\s+[\d,]+\.\d\d/);
    // The colour picked for %D is saved with the chart.
    await expect.poll(async () => (await lineColors(2)).map(rgb)[1]).toBe(pickedForD);
  });

  it('opens inside the window at 1280×720 and 1920×1080', async () => {
    for (const [width, height] of [
      [1280, 720],
      [1920, 1080],
    ] as const) {
      await page.setViewportSize({ width, height });
      await menuButton().click();
      await menu().getByRole('button', { name: 'Edit ATR 7' }).click();
      const box = (await menu().boundingBox())!;
      expect(box.x).toBeGreaterThanOrEqual(0);
      expect(box.x + box.width).toBeLessThanOrEqual(width);
      // Nothing makes the page scroll sideways.
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(width);
      await screenshotBothThemes(page, api, `chart-indicator-menu-${width}x${height}`);
      await page.keyboard.press('Escape');
      await expect.poll(() => menu().count()).toBe(0);
    }
    expect(ui.problems).toEqual([]);
  });
});

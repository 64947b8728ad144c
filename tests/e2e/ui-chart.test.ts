import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WsContractClient } from '../../src/shared/contract/ws-client';
import {
  chart,
  chartData,
  screenshotBothThemes,
  startUiSession,
  waitForChart,
  type UiPage,
  type UiSession,
} from './ui-helpers';

/**
 * First run to live charts on the built-in sim exchange, in one browser page: onboarding, watchlist,
 * a symbol added by search, a timeframe switch, scroll-back into stored history, an RSI pane.
 */
let session: UiSession;
let ui: UiPage;
let page: Page;
let api: WsContractClient;

beforeAll(async () => {
  session = await startUiSession();
  ({ ui, api } = session);
  page = ui.page;
});

afterAll(() => session?.close());

const watchRow = (symbol: string) => page.locator(`.watch-row[data-symbol="${symbol}"]`);

describe('the chart, served by headless mode on the sim exchange', () => {
  it('offers a first-run choice and pre-fills a watchlist with live charts', async () => {
    await page.getByRole('heading', { name: 'Welcome to Candlewatch' }).waitFor();
    await screenshotBothThemes(page, api, 'onboarding');
    await page.getByRole('button', { name: /Simulated exchange/ }).click();

    for (const symbol of ['BTC/USDT', 'ETH/USDT', 'SOL/USDT', 'XRP/USDT']) await watchRow(symbol).waitFor();
    await waitForChart(page, 'sim|BTC/USDT|1m', 50);
    // Prices arrive in the watchlist, with their 24h change.
    await page.waitForFunction(() =>
      /\d/.test(document.querySelector('.watch-row[data-symbol="BTC/USDT"] .watch-price')?.textContent ?? ''),
    );
    expect(await watchRow('BTC/USDT').locator('.watch-change').innerText()).toMatch(/%$/);
  });

  it('moves the forming candle live', async () => {
    const before = await chartData(page);
    await page.waitForFunction(
      (first) => {
        const el = document.querySelector<HTMLElement>('[data-testid="chart"]');
        return (
          el !== null &&
          (Number(el.dataset.lastClose) !== first.lastClose || Number(el.dataset.bars) !== first.bars)
        );
      },
      before,
      { timeout: 20_000 },
    );
    // The legend shows the candle under the crosshair: OHLCV with the market's two decimals.
    const box = (await chart(page).boundingBox())!;
    await page.mouse.move(box.x + box.width * 0.6, box.y + box.height * 0.4);
    await expect
      .poll(() => page.locator('.chart-legend').innerText())
      .toMatch(/O\s[\d,]+\.\d\d\s+H\s[\d,]+\.\d\d/);
  });

  it('adds a symbol through the market search and opens its chart', async () => {
    await page.keyboard.press('Control+k');
    const search = page.getByRole('combobox', { name: 'Symbol' });
    await search.fill('ADA');
    await page.getByRole('option', { name: /ADA\/USDT/ }).waitFor();
    await search.press('Enter');
    await watchRow('ADA/USDT').waitFor();
    await waitForChart(page, 'sim|ADA/USDT|1m', 10);
    expect(await page.locator('.chart-title h2').innerText()).toBe('ADA/USDT');
    // ADA quotes with four decimals, as its market's price tick says.
    await expect
      .poll(() => watchRow('ADA/USDT').locator('.watch-price').innerText(), { timeout: 15_000 })
      .toMatch(/^\d+\.\d{4}$/);
  });

  it('switches the timeframe from the toolbar and by keyboard', async () => {
    await page
      .getByRole('radiogroup', { name: 'Timeframe' })
      .getByRole('radio', { name: '5m', exact: true })
      .check();
    await waitForChart(page, 'sim|ADA/USDT|5m', 5);
    await page.locator('body').press('1');
    await waitForChart(page, 'sim|ADA/USDT|1m', 10);
  });

  it('loads older candles from the database as the chart is panned back', async () => {
    await watchRow('BTC/USDT').locator('.watch-main').click();
    await waitForChart(page, 'sim|BTC/USDT|1m', 100);
    const start = await chartData(page);
    // A series opens with a screenful of candles; the rest stays in the database until asked for.
    expect(start.bars).toBeLessThan(400);
    const box = (await chart(page).boundingBox())!;
    // Drag the candles to the right, into the past, until scroll-back has loaded more: after each
    // drag, wait (briefly) for older candles to arrive before dragging again.
    const olderLoaded = () =>
      page
        .waitForFunction(
          (first) =>
            Number(document.querySelector<HTMLElement>('[data-testid="chart"]')?.dataset.firstTime) < first,
          start.firstTime,
          { timeout: 3_000 },
        )
        .then(
          () => true,
          () => false,
        );
    for (let i = 0; i < 8 && (await chartData(page)).firstTime >= start.firstTime; i++) {
      await page.mouse.move(box.x + box.width * 0.15, box.y + box.height * 0.5);
      await page.mouse.down();
      await page.mouse.move(box.x + box.width * 0.85, box.y + box.height * 0.5, { steps: 8 });
      await page.mouse.up();
      if (await olderLoaded()) break;
    }
    // The last drag's page may still be on its way on a loaded machine: wait for it, not for a time.
    await expect.poll(async () => (await chartData(page)).firstTime).toBeLessThan(start.firstTime);
    const after = await chartData(page);
    expect(after.bars).toBeGreaterThan(start.bars);
    await expect.poll(() => page.locator('.chart-status').innerText()).toMatch(/candles/);
    // Panned away from the newest candle, a button brings it back.
    await page.getByRole('button', { name: 'Latest ⇥' }).click();
    await page.getByRole('button', { name: 'Latest ⇥' }).waitFor({ state: 'detached' });
  });

  it('reorders and removes watchlist symbols, saved in the settings', async () => {
    const order = () =>
      page.locator('.watch-row').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-symbol')));
    expect(await order()).toEqual(['BTC/USDT', 'ETH/USDT', 'SOL/USDT', 'XRP/USDT', 'ADA/USDT']);
    await watchRow('ADA/USDT').hover();
    await page.getByRole('button', { name: 'Move ADA/USDT on sim up' }).click();
    await expect.poll(order).toEqual(['BTC/USDT', 'ETH/USDT', 'SOL/USDT', 'ADA/USDT', 'XRP/USDT']);
    await watchRow('XRP/USDT').hover();
    await page.getByRole('button', { name: 'Remove XRP/USDT on sim' }).click();
    await expect.poll(order).toEqual(['BTC/USDT', 'ETH/USDT', 'SOL/USDT', 'ADA/USDT']);
    expect((await api.call('settings:get', {})).watchlist.map((w) => w.symbol)).toEqual([
      'BTC/USDT',
      'ETH/USDT',
      'SOL/USDT',
      'ADA/USDT',
    ]);
  });

  it('adds an RSI pane and an EMA overlay, with their values in the legend', async () => {
    await page.getByRole('button', { name: /^Indicators/ }).click();
    await page.getByRole('button', { name: '+ RSI pane' }).click();
    await page.getByRole('button', { name: '+ EMA', exact: true }).click();
    await page.getByRole('group', { name: 'Parameters of EMA' }).getByLabel('Period').fill('21');
    await page.getByRole('button', { name: /^Indicators/ }).click();
    // The chart now has two panes (lightweight-charts lays them out as table rows with canvases).
    await expect
      .poll(() => chart(page).locator('table tr td:nth-child(2) canvas').count())
      .toBeGreaterThanOrEqual(4);
    const box = (await chart(page).boundingBox())!;
    await page.mouse.move(box.x + box.width * 0.7, box.y + box.height * 0.3);
    await expect.poll(() => page.locator('.chart-legend').innerText()).toMatch(/RSI\(14\)\s+\d+\.\d\d/);
    await expect.poll(() => page.locator('.chart-legend').innerText()).toMatch(/EMA\(21\)\s+[\d,]+\.\d\d/);
    await screenshotBothThemes(page, api, 'chart-rsi');
    // The indicators are remembered for the next visit.
    await page.reload();
    await waitForChart(page, 'sim|BTC/USDT|1m', 100);
    expect(await page.getByRole('button', { name: /^Indicators/ }).innerText()).toBe('Indicators (2)');
    expect(ui.problems).toEqual([]);
  });
});

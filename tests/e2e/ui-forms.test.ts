import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  chart,
  openUi,
  SCREENSHOTS,
  screenshotBothThemes,
  startSimSession,
  waitForChart,
  type UiPage,
  type UiSession,
} from './ui-helpers';

/**
 * Issue 13, defect 11 (forms that help), on the sim exchange: a price alert is placed at the
 * cursor's price or with the keyboard, and gets an optional message before it is created; the rule
 * editor says nothing before anything is typed, does not move after a backtest, and shows the
 * backtest on the chart by stepping aside (never changing the chart behind itself), with markers
 * only on the timeframe they were computed on.
 * Each test opens its own page (one browser, one server for the file): nothing one test leaves
 * on a page reaches the next.
 */
let session: UiSession;
let ui: UiPage | undefined;

beforeAll(async () => {
  session = await startSimSession(50);
  await session.ui.context.close();
});

afterAll(() => session?.close());

/** A fresh page (1280×720 unless told) on the BTC/USDT 1m chart; closed by the test's own finally. */
async function chartPage(
  size: { width: number; height: number } = { width: 1280, height: 720 },
): Promise<Page> {
  ui = await openUi(session.browser, session.server.url, size);
  await waitForChart(ui.page, 'sim|BTC/USDT|1m', 50);
  return ui.page;
}

async function closePage(): Promise<void> {
  await ui?.context.close();
  ui = undefined;
}

type Draft = { price: number; y: number; follows: boolean } | null;

const draftOf = (page: Page): Promise<Draft> =>
  chart(page).evaluate((el: HTMLElement) =>
    el.dataset.draftPrice === undefined
      ? null
      : {
          price: Number(el.dataset.draftPrice),
          y: Number(el.dataset.draftY),
          follows: el.dataset.draftFollows === 'true',
        },
  );

/** Presses A and waits for the chart to be armed with a draft line. */
async function arm(page: Page): Promise<void> {
  await page.locator('body').press('a');
  await page.locator('[data-testid="chart"][data-placing="true"]').waitFor();
  await expect.poll(() => draftOf(page)).not.toBeNull();
}

describe('a price alert placed on the chart', () => {
  it('follows the cursor, steps with the arrow keys, and asks for a message before it is created', async () => {
    const page = await chartPage();
    try {
      await arm(page);
      const box = (await chart(page).boundingBox())!;
      const x = box.x + box.width * 0.45;
      // The preview sits at the price under the pointer, wherever the pointer goes.
      for (const fraction of [0.25, 0.55]) {
        const y = Math.round(box.height * fraction);
        await page.mouse.move(x, box.y + y, { steps: 3 });
        await expect.poll(async () => Math.abs((await draftOf(page))!.y - y)).toBeLessThanOrEqual(1);
      }

      // The keyboard path: the pointer leaves the chart, the arrows move the line. The first press
      // lands the pointer's price on the step's grid, which may lie less than a pixel above it
      // (draft-step.ts: 41,903.99 ↑ → 41,904); from the grid each press moves a whole step, 3 px or
      // more. (Asserted from the pointer's price, this failed once in a fresh clone: 207 < 207.)
      await page.mouse.move(1, 1);
      const pointed = (await draftOf(page))!;
      await page.keyboard.press('ArrowUp');
      await expect.poll(async () => (await draftOf(page))!.price).toBeGreaterThan(pointed.price);
      const p0 = (await draftOf(page))!;
      await page.keyboard.press('ArrowUp');
      await expect.poll(async () => (await draftOf(page))!.price).toBeGreaterThan(p0.price);
      const p1 = (await draftOf(page))!;
      expect(p1.y).toBeLessThan(p0.y);
      await page.keyboard.press('Shift+ArrowUp');
      await expect.poll(async () => (await draftOf(page))!.price).toBeGreaterThan(p1.price);
      const p2 = (await draftOf(page))!.price;
      await page.keyboard.press('ArrowDown');
      await expect.poll(async () => (await draftOf(page))!.price).toBeLessThan(p2);
      const level = (await draftOf(page))!.price;
      const step = p2 - level;
      // Shift moves ten steps, each on the step's grid.
      expect(p2 - p1.price).toBeCloseTo(10 * step, 6);
      expect(Math.abs(level / step - Math.round(level / step))).toBeLessThan(1e-6);

      // Enter places it; the message step comes before anything is created.
      await page.keyboard.press('Enter');
      const form = page.getByRole('form', { name: 'New price alert' });
      await form.waitFor();
      await expect.poll(async () => (await draftOf(page))?.follows).toBe(false);
      const shown = level.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
      expect(await form.innerText()).toContain(`Alert when BTC/USDT crosses ${shown}`);
      // Placed: the line no longer follows the pointer.
      await page.mouse.move(x, box.y + box.height * 0.3, { steps: 3 });
      expect((await draftOf(page))!.price).toBe(level);

      const field = form.getByLabel('Message (optional)');
      await expect.poll(() => field.evaluate((el) => el === document.activeElement)).toBe(true);
      await field.fill('{{nope}} broke out');
      await form.getByText('unknown placeholder {{nope}}').waitFor();
      expect(await form.getByRole('button', { name: 'Create alert' }).isDisabled()).toBe(true);
      await field.fill('{{symbol}} broke out');
      await expect.poll(() => form.getByRole('button', { name: 'Create alert' }).isDisabled()).toBe(false);
      await page.mouse.move(1, 1);
      await screenshotBothThemes(page, session.api, 'price-alert-message');
      await field.press('Enter');
      await form.waitFor({ state: 'detached' });
      await expect
        .poll(() => page.locator('.chart-notice').innerText())
        .toMatch(new RegExp(`^Alert created: BTC/USDT (above|below) ${shown.replace(/[.,]/g, '\\$&')}`));
      const { rules } = await session.api.call('rules:list', {});
      const rule = rules.find((r) => r.rule.when.type === 'price-cross' && r.rule.when.level === level);
      expect(rule?.rule.message).toBe('{{symbol}} broke out');
      await expect.poll(() => draftOf(page)).toBeNull();
      expect(ui!.problems).toEqual([]);
    } finally {
      await closePage();
    }
  });

  it('cancels with Esc, while placing and at the message step, creating nothing', async () => {
    const page = await chartPage();
    try {
      const before = (await session.api.call('rules:list', {})).rules.length;
      await arm(page);
      await page.keyboard.press('Escape');
      await page.locator('[data-testid="chart"][data-placing="true"]').waitFor({ state: 'detached' });
      await expect.poll(() => draftOf(page)).toBeNull();

      // A click places the line where the pointer is; Esc in the message step drops it.
      await arm(page);
      const box = (await chart(page).boundingBox())!;
      const y = Math.round(box.height * 0.4);
      await page.mouse.move(box.x + box.width * 0.45, box.y + y, { steps: 3 });
      await expect.poll(async () => Math.abs((await draftOf(page))!.y - y)).toBeLessThanOrEqual(1);
      await page.mouse.down();
      await page.mouse.up();
      const form = page.getByRole('form', { name: 'New price alert' });
      await form.waitFor();
      await form.getByLabel('Message (optional)').press('Escape');
      await form.waitFor({ state: 'detached' });
      await expect.poll(() => draftOf(page)).toBeNull();
      expect((await session.api.call('rules:list', {})).rules.length).toBe(before);
      expect(ui!.problems).toEqual([]);
    } finally {
      await closePage();
    }
  });
});

const markersOf = (page: Page) =>
  chart(page).evaluate((el: HTMLElement) => Number(el.dataset.backtestMarkers ?? 0));
const seriesOf = (page: Page) => chart(page).evaluate((el: HTMLElement) => el.dataset.series);

describe('the rule editor', () => {
  it('waits for typing before it complains, stays put after Backtest, and steps aside to show it', async () => {
    const page = await chartPage();
    try {
      // The chart shows 5m; the rule is about 1m candles (those the sim has stored).
      await page.locator('body').press('2');
      await waitForChart(page, 'sim|BTC/USDT|5m');
      await page.locator('body').press('n');
      const dialog = page.getByRole('dialog', { name: 'New rule' });
      await dialog.getByLabel('Name').fill('RSI above 1 on 1m');
      await dialog.getByLabel('Timeframe').selectOption('1m');
      await dialog.getByLabel('When').selectOption('indicator-threshold');
      const value = dialog.locator('[data-path="when.level"]');
      await value.waitFor();
      // A new condition with an empty value: nothing typed there yet, nothing to complain about.
      expect(await dialog.locator('.field-error, .form-error').allInnerTexts()).toEqual([]);
      // Asked to create it anyway: the message is in plain words, on the field.
      await dialog.getByRole('button', { name: 'Create rule' }).click();
      await dialog.getByText('enter a value', { exact: true }).waitFor();
      expect((await dialog.locator('.field-error, .form-error').allInnerTexts()).join()).not.toMatch(/[{}]/);
      await value.fill('1');
      await expect.poll(() => dialog.locator('.field-error, .form-error').count()).toBe(0);

      // Backtest: the result appears without moving the form or its buttons.
      const create = dialog.getByRole('button', { name: 'Create rule' });
      const name = dialog.getByLabel('Name');
      const before = [await create.boundingBox(), await name.boundingBox()];
      await dialog.getByRole('button', { name: 'Backtest' }).click();
      await expect
        .poll(() => dialog.locator('.backtest-result').innerText(), { timeout: 30_000 })
        .toMatch(/^[\d,]+\+? firings? over/);
      expect([await create.boundingBox(), await name.boundingBox()]).toEqual(before);
      // Nothing changed behind the open dialog.
      expect(await seriesOf(page)).toBe('sim|BTC/USDT|5m');
      await screenshotBothThemes(page, session.api, 'rule-editor-backtest');

      // Show on chart: the editor steps aside, the chart switches to the rule's timeframe.
      await dialog.getByRole('button', { name: 'Show on chart' }).click();
      await dialog.waitFor({ state: 'detached' });
      await waitForChart(page, 'sim|BTC/USDT|1m');
      const banner = page.getByTestId('backtest-banner');
      await banner.getByText('Backtest of “RSI above 1 on 1m”').waitFor();
      await expect.poll(() => markersOf(page), { timeout: 30_000 }).toBeGreaterThan(0);
      await screenshotBothThemes(page, session.api, 'backtest-on-chart');

      // Another timeframe: its candles are not the ones the backtest marked.
      await page.locator('body').press('2');
      await waitForChart(page, 'sim|BTC/USDT|5m');
      await expect.poll(() => markersOf(page)).toBe(0);
      await banner.waitFor({ state: 'detached' });

      // Back on 1m, the banner brings the editor back with what was typed.
      await page.locator('body').press('1');
      await waitForChart(page, 'sim|BTC/USDT|1m');
      await banner.getByRole('button', { name: 'Back to the rule' }).click();
      await dialog.waitFor();
      expect(await dialog.getByLabel('Name').inputValue()).toBe('RSI above 1 on 1m');
      expect(await dialog.getByLabel('Timeframe').inputValue()).toBe('1m');
      expect(await value.inputValue()).toBe('1');
      await dialog.getByRole('button', { name: 'Cancel' }).click();
      await dialog.waitFor({ state: 'detached' });
      await banner.getByRole('button', { name: 'Clear' }).click();
      await banner.waitFor({ state: 'detached' });
      await expect.poll(() => markersOf(page)).toBe(0);
      expect(ui!.problems).toEqual([]);
    } finally {
      await closePage();
    }
  });
});

/** Where the toolbar's controls sit, and whether anything is wider than its box or the window. */
const toolbarLayout = (page: Page) =>
  page.evaluate(() => {
    const bar = document.querySelector<HTMLElement>('.chart-toolbar')!;
    const box = bar.getBoundingClientRect();
    const items = [...bar.children].map((el) => {
      const r = el.getBoundingClientRect();
      return { name: el.className || el.tagName, top: r.top, bottom: r.bottom, right: Math.round(r.right) };
    });
    const status = document.querySelector<HTMLElement>('.chart-status')!;
    const legend = document.querySelector<HTMLElement>('.chart-legend')!.getBoundingClientRect();
    const count = status.getBoundingClientRect();
    return {
      // One row: every control overlaps every other vertically (they are centred, not top-aligned).
      oneRow: Math.min(...items.map((i) => i.bottom)) > Math.max(...items.map((i) => i.top)),
      cut: items.filter((i) => i.right > Math.round(box.right)).map((i) => i.name),
      barOverflow: bar.scrollWidth - bar.clientWidth,
      pageOverflow: document.documentElement.scrollWidth - window.innerWidth,
      // The candle count (top right of the chart) is clear of the legend (top left).
      countClear: count.left >= legend.right || count.top >= legend.bottom,
    };
  });

describe('the chart toolbar', () => {
  for (const [width, height] of [
    [1280, 720],
    [1920, 1080],
  ] as const) {
    it(`is one row, nothing cut, at ${width}×${height}`, async () => {
      const page = await chartPage({ width, height });
      try {
        await expect.poll(() => page.locator('.chart-status').innerText()).toMatch(/candles/);
        const layout = await toolbarLayout(page);
        expect(layout).toEqual({ oneRow: true, cut: [], barOverflow: 0, pageOverflow: 0, countClear: true });
        await page.mouse.move(1, 1);
        await page.screenshot({ path: `${SCREENSHOTS}/ui-toolbar-${width}.png` });
        expect(ui!.problems).toEqual([]);
      } finally {
        await closePage();
      }
    });
  }

  it('wraps rather than overflowing at 1024×640', async () => {
    const page = await chartPage({ width: 1024, height: 640 });
    try {
      await expect.poll(() => page.locator('.chart-status').innerText()).toMatch(/candles/);
      const layout = await toolbarLayout(page);
      expect({
        cut: layout.cut,
        bar: layout.barOverflow,
        page: layout.pageOverflow,
        countClear: layout.countClear,
      }).toEqual({ cut: [], bar: 0, page: 0, countClear: true });
      await page.mouse.move(1, 1);
      await screenshotBothThemes(page, session.api, 'toolbar-1024');
      expect(ui!.problems).toEqual([]);
    } finally {
      await closePage();
    }
  });
});

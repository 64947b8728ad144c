import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { untilAsync as until } from './support/wait';
import {
  connected,
  openUi,
  SCREENSHOTS,
  setTheme,
  startUiSession,
  waitForChart,
  type UiSession,
} from './ui-helpers';

/**
 * Issue 13, defect 2: nothing is cut off. With the alert history showing long messages (the case
 * that made the page 1425 px wide), the document never scrolls sideways from 1024×640 up; the
 * bottom panel can be resized and collapsed and keeps its size over a reload.
 */
let session: UiSession;

const LONG_MESSAGE =
  'Price is above zero, which it always is: this message is long on purpose so that the alert history column has to wrap or scroll inside its panel rather than push the page wider than the window, '.repeat(
    1,
  );

beforeAll(async () => {
  session = await startUiSession();
  const { page } = session.ui;
  await page.getByRole('button', { name: /Simulated exchange/ }).click();
  await waitForChart(page, 'sim|BTC/USDT|1m', 50);
  // A rule that is always true, checked on every update: history rows arrive within seconds.
  await session.api.call('rules:create', {
    name: 'Always above zero, with a long rule name to widen the table',
    exchange: 'sim',
    symbol: 'BTC/USDT',
    timeframe: '1m',
    when: {
      type: 'indicator-threshold',
      indicator: { indicator: 'price', source: 'close' },
      direction: 'above',
      level: 0,
    },
    evaluate: 'intrabar',
    trigger: 'every-time',
    message: LONG_MESSAGE,
  });
  await until(
    async () => (await session.api.call('alerts:list', { limit: 5 })).alerts.length > 0,
    'the first alert of the always-true rule',
  );
  await session.ui.context.close();
});

afterAll(() => session?.close());

const overflow = (page: Page) =>
  page.evaluate(() => ({
    scroll: document.documentElement.scrollWidth,
    inner: window.innerWidth,
    bodyScroll: document.body.scrollWidth,
  }));

const SIZES: [number, number][] = [
  [1024, 640],
  [1280, 720],
  [1920, 1080],
];

describe('a layout that never cuts', () => {
  for (const [width, height] of SIZES) {
    for (const theme of ['light', 'dark'] as const) {
      it(`has no horizontal overflow at ${width}×${height} (${theme})`, async () => {
        const ui = await openUi(session.browser, session.server.url, { width, height, colorScheme: theme });
        const { page } = ui;
        try {
          await setTheme(page, session.api, theme);
          await waitForChart(page, 'sim|BTC/USDT|1m', 50);
          await page.getByRole('tab', { name: 'Alerts' }).click();
          await page.locator('.alerts-table tr[data-alert-id]').first().waitFor({ timeout: 30_000 });
          await page.mouse.move(1, 1);
          await page.screenshot({ path: `${SCREENSHOTS}/ui-layout-${width}x${height}-${theme}.png` });
          const o = await overflow(page);
          expect(o.scroll).toBeLessThanOrEqual(o.inner);
          expect(o.bodyScroll).toBeLessThanOrEqual(o.inner);
          // The actions stay on screen: Settings in the top bar, Dismiss in the history.
          for (const button of [
            page.getByRole('button', { name: 'Settings' }),
            page.locator('.alerts-table tr[data-alert-id]').first().getByRole('button').last(),
          ]) {
            const box = (await button.boundingBox())!;
            expect(box.x + box.width).toBeLessThanOrEqual(width);
          }
          for (const tab of ['Streams', 'Rules', 'Account']) {
            await page.getByRole('tab', { name: tab }).click();
            const t = await overflow(page);
            expect(t.scroll, `${tab} tab`).toBeLessThanOrEqual(t.inner);
          }
          expect(ui.problems).toEqual([]);
        } finally {
          await ui.context.close();
        }
      });
    }
  }

  it('resizes and collapses the bottom panel, and remembers its size', async () => {
    const ui = await openUi(session.browser, session.server.url, { width: 1280, height: 720 });
    const { page } = ui;
    try {
      await waitForChart(page, 'sim|BTC/USDT|1m', 50);
      const panel = page.locator('.bottom-panel');
      const before = (await panel.boundingBox())!.height;
      const splitter = page.getByRole('separator', { name: 'Resize the panel' });
      const box = (await splitter.boundingBox())!;
      await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
      await page.mouse.down();
      await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2 + 100, { steps: 5 });
      await page.mouse.up();
      await expect.poll(async () => (await panel.boundingBox())!.height).toBeLessThan(before - 80);
      const dragged = (await panel.boundingBox())!.height;
      // The keyboard path: focus the bar, ↑ gives the panel more room.
      await splitter.focus();
      await page.keyboard.press('ArrowUp');
      await expect.poll(async () => (await panel.boundingBox())!.height).toBeGreaterThan(dragged);
      const sized = (await panel.boundingBox())!.height;

      await page.getByRole('button', { name: '▾ Hide' }).click();
      await expect.poll(async () => (await panel.boundingBox())!.height).toBeLessThan(60);
      expect(await page.locator('.tab-panel').isHidden()).toBe(true);
      await page.reload();
      await connected(page);
      await waitForChart(page, 'sim|BTC/USDT|1m', 50);
      expect(await page.getByRole('button', { name: '▴ Show' }).getAttribute('aria-expanded')).toBe('false');
      // Picking a tab opens the panel again, at the size it was given.
      await page.getByRole('tab', { name: 'Streams' }).click();
      await expect.poll(async () => Math.round((await panel.boundingBox())!.height)).toBe(Math.round(sized));
      expect(ui.problems).toEqual([]);
    } finally {
      await ui.context.close();
    }
  });
});

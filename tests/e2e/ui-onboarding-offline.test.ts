import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeExchange } from '../support/fake-exchange';
import {
  connected,
  openProfile,
  screenshotBothThemes,
  startUiSession,
  waitForChart,
  type UiPage,
  type UiSession,
} from './ui-helpers';

/**
 * Issue 13, defect 11: onboarding without internet. The Binance choice is pointed at a closed
 * 127.0.0.1 port (the page's own settings:update is rewritten on its way to the server, the one
 * thing a test cannot choose from the onboarding screen), so every request is refused as it would
 * be with no connection. The chart itself must say what failed and offer a retry, the simulated
 * exchange, and the way back to the first-run choice.
 */
let session: UiSession;
let closedPortCcxt: Record<string, unknown>;
let ui: UiPage | undefined;

beforeAll(async () => {
  // A fake exchange's URLs, then the fake is closed: nothing listens on that port any more.
  const fake = await startFakeExchange({ symbols: ['BTC/USDT'] });
  closedPortCcxt = fake.ccxtJsonConfig();
  await fake.close();
  session = await startUiSession();
  await session.ui.context.close();
});

afterAll(() => session?.close());

type CallFrame = { t: string; method?: string; input?: { exchanges?: Record<string, { ccxt?: unknown }> } };

/** A fresh page whose Binance settings point at the closed port. */
async function offlinePage(): Promise<Page> {
  ui = await openProfile(session.browser, { width: 1280, height: 720 });
  const { page } = ui;
  await page.routeWebSocket(/\/ws\?/, (ws) => {
    const server = ws.connectToServer();
    ws.onMessage((message) => {
      const frame = JSON.parse(String(message)) as CallFrame;
      const binance =
        frame.t === 'call' && frame.method === 'settings:update' && frame.input?.exchanges?.binance;
      if (binance) binance.ccxt = closedPortCcxt;
      server.send(JSON.stringify(frame));
    });
    server.onMessage((message) => ws.send(message));
  });
  await page.goto(session.server.url);
  await connected(page);
  return page;
}

describe('onboarding without internet', () => {
  it('says on the chart that Binance cannot be reached, retries, goes back, and offers the simulated exchange', async () => {
    const page = await offlinePage();
    try {
      const choice = page.getByRole('button', { name: /Binance public data/ });
      await choice.click();
      const panel = page.getByTestId('exchange-unreachable');
      // The feed's first attempts fail at once (connection refused); the panel follows the stream state.
      await panel.waitFor({ timeout: 60_000 });
      expect(await panel.locator('.chart-unreachable-title').innerText()).toBe(
        'Binance can’t be reached: the connection was refused.',
      );
      // Not the endless "Waiting for the first candles…" under it.
      expect(await page.getByText(/Waiting for the first candles/).count()).toBe(0);
      await screenshotBothThemes(page, session.api, 'onboarding-offline');

      // Retry now: every Binance stream tries again, and fails again, later.
      const before = Number(await panel.getAttribute('data-error-at'));
      await panel.getByRole('button', { name: 'Retry now' }).click();
      await expect
        .poll(async () => Number(await panel.getAttribute('data-error-at')), { timeout: 60_000 })
        .toBeGreaterThan(before);
      await panel.getByRole('button', { name: 'Retry now' }).waitFor();

      // Back to the first-run choice, then Binance again, then the simulated exchange instead.
      await panel.getByRole('button', { name: 'Back to the first-run choice' }).click();
      await choice.waitFor();
      expect((await session.api.call('settings:get', {})).watchlist).toEqual([]);
      await choice.click();
      await panel.waitFor({ timeout: 60_000 });
      await panel.getByRole('button', { name: 'Use the simulated exchange' }).click();
      await waitForChart(page, 'sim|BTC/USDT|1m', 10);
      await panel.waitFor({ state: 'detached' });
      const settings = await session.api.call('settings:get', {});
      expect(Object.keys(settings.exchanges)).toEqual(['sim']);
      expect(ui!.problems).toEqual([]);
    } finally {
      await ui?.context.close();
      ui = undefined;
    }
  });
});

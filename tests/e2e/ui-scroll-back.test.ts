import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeExchange, type FakeExchange } from '../support/fake-exchange';
import {
  chart,
  chartData,
  SCREENSHOTS,
  screenshotBothThemes,
  startUiSession,
  waitForChart,
  type UiSession,
} from './ui-helpers';

/**
 * Issue 13, defect 5: history stopped at the ~500 candles the database held ("start of stored
 * history") although the exchange had more. Panning back past them now fetches older candles from
 * the fake Binance (real ccxt, REST klines), with progress on the chart, down to the exchange's
 * first candle, which the chart then names as the start of Binance's history.
 */
const SERIES = 'binance|BTC/USDT|1m';
const DAY = 86_400_000;

let fake: FakeExchange;
let session: UiSession;
let configDir: string;
let page: Page;

beforeAll(async () => {
  // A day of history (the UTC midnight before now - 1 day on): 1,440 to 2,880 1m candles.
  fake = await startFakeExchange({ symbols: ['BTC/USDT'], updateIntervalMs: 250, historyMs: DAY });
  configDir = mkdtempSync(join(tmpdir(), 'cw-e2e-scroll-'));
  const config = join(configDir, 'candlewatch.json');
  writeFileSync(
    config,
    JSON.stringify({
      exchanges: { binance: { enabled: true, sandbox: false, ccxt: fake.ccxtJsonConfig() } },
      watchlist: [{ exchange: 'binance', symbol: 'BTC/USDT', timeframes: ['1m'] }],
    }),
  );
  session = await startUiSession(['--config', config]);
  page = session.ui.page;
});

afterAll(async () => {
  await session?.close();
  await fake?.close();
  rmSync(configDir, { recursive: true, force: true });
});

const older = () => chart(page).evaluate((el: HTMLElement) => el.dataset.older ?? '');
const fetchingFromExchange = () =>
  page.evaluate(() => document.querySelector('[data-testid="older-banner"][role="status"]') !== null);
const statusText = () => page.locator('.chart-status').innerText();

/** Drags the candles to the right, into the past. */
async function panBack(): Promise<void> {
  const box = (await chart(page).boundingBox())!;
  await page.mouse.move(box.x + box.width * 0.1, box.y + box.height * 0.5);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width * 0.9, box.y + box.height * 0.5, { steps: 8 });
  await page.mouse.up();
}

let sawProgress = false;

/**
 * Pans back, one drag at a time, waiting out each load, until scroll-back is in `state`. The first
 * time the exchange is being asked, the progress it shows is checked and photographed.
 */
async function panUntil(state: 'failed' | 'end'): Promise<void> {
  for (let i = 0; i < 40; i++) {
    const now = await older();
    if (now === state) return;
    if (now === 'loading') {
      // From the database first (quick), then from the exchange: the banner says so meanwhile.
      await expect
        .poll(async () => (await fetchingFromExchange()) || (await older()) !== 'loading')
        .toBe(true);
      if (!sawProgress && (await fetchingFromExchange())) {
        expect(await page.getByTestId('older-banner').innerText()).toMatch(
          /Loading older candles from Binance…/,
        );
        expect(await statusText()).toMatch(/loading older candles from Binance…/);
        await page.mouse.move(1, 1);
        await page.screenshot({ path: `${SCREENSHOTS}/ui-scroll-back-loading.png` });
        sawProgress = true;
      }
      await expect.poll(older, { timeout: 30_000 }).not.toBe('loading');
      continue;
    }
    expect(now).toBe('more');
    await panBack();
  }
  expect(await older()).toBe(state);
}

describe('endless scroll-back on the fake Binance', () => {
  it('loads older candles from the exchange past the stored ones, with progress and a retry, to the start of its history', async () => {
    await waitForChart(page, SERIES, 100);
    const start = await chartData(page);
    const listed = fake.truth('BTC/USDT', '1m', 0, start.firstTime)[0]![0];
    expect(listed).toBeLessThan(start.firstTime - 1_000 * 60_000);

    // Zoomed far out, one drag pans over hundreds of candles.
    const box = (await chart(page).boundingBox())!;
    await page.mouse.move(box.x + box.width * 0.5, box.y + box.height * 0.5);
    for (let i = 0; i < 12; i++) await page.mouse.wheel(0, 400);

    // The exchange's first answer is a rate limit: said in plain words, with a Retry.
    fake.faults.restStatus(429, 1, { retryAfterSec: 1 });
    await panUntil('failed');
    const banner = page.getByTestId('older-banner');
    expect(await banner.getAttribute('role')).toBe('alert');
    expect(await banner.innerText()).toMatch(/Binance is limiting requests/);
    expect(await statusText()).toMatch(/older candles could not be loaded/);
    expect(fake.restLog().find((e) => e.status === 429)?.path).toBe('/api/v3/klines');
    await page.mouse.move(1, 1);
    await page.screenshot({ path: `${SCREENSHOTS}/ui-scroll-back-rate-limited.png` });

    // The klines answers now take 4 s, so the progress is there to be seen (and photographed).
    fake.faults.restDelay(4_000, 2);
    await banner.getByRole('button', { name: 'Retry' }).click();
    await panUntil('end');
    expect(sawProgress).toBe(true);
    await expect.poll(older, { timeout: 30_000 }).toBe('end');
    await expect.poll(statusText).toMatch(/start of Binance's history/);

    // Every candle from the exchange's first one is on the chart, once, and stored as the exchange has it.
    const end = await chartData(page);
    expect(end.firstTime).toBe(listed);
    const stored = await session.api.call('candles:history', {
      series: { exchange: 'binance', symbol: 'BTC/USDT', timeframe: '1m' },
      from: listed,
      to: start.firstTime,
    });
    expect(stored.candles).toEqual(fake.truth('BTC/USDT', '1m', listed, start.firstTime));
    expect(end.bars).toBeGreaterThanOrEqual(stored.candles.length + start.bars - 1);
    await screenshotBothThemes(page, session.api, 'scroll-back-start-of-history');
    expect(session.ui.problems).toEqual([]);
  });
});

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
  // Three days of history (the UTC midnight before now - 3 days on): 4,320 to 5,760 1m candles, so
  // at any time of day the exchange has older candles left for each step below (the chart asks
  // for 1,000 at a time) before the last one pans down to its first.
  fake = await startFakeExchange({ symbols: ['BTC/USDT'], updateIntervalMs: 250, historyMs: 3 * DAY });
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
const statusText = () => page.locator('.chart-status').innerText();

type Seen = {
  older: string;
  banner: string;
  status: string;
  /** where the banner is not whole on screen (outside the chart, the window, covered, clipped); [] when it is */
  cut: string[];
};

/**
 * Scroll-back's state, its banner and the status line, read in one go: a banner may change a
 * moment later (a countdown over, an answer in), so what is checked is what was on screen together.
 */
const seen = (): Promise<Seen> =>
  chart(page).evaluate((el: HTMLElement): Seen => {
    const banner = document.querySelector<HTMLElement>('[data-testid="older-banner"]');
    const cut: string[] = [];
    if (banner) {
      const b = banner.getBoundingClientRect();
      const stage = banner.closest('.chart-stage')!.getBoundingClientRect();
      if (b.left < stage.left || b.right > stage.right || b.top < stage.top || b.bottom > stage.bottom)
        cut.push('outside the chart');
      if (b.right > window.innerWidth || b.bottom > window.innerHeight) cut.push('outside the window');
      if (banner.scrollWidth > banner.clientWidth + 1) cut.push('text clipped');
      if (document.documentElement.scrollWidth > window.innerWidth) cut.push('page scrolls sideways');
      // Near each corner the banner itself is on top, not something over it (8 px in from the
      // side: past the rounded corner, which a pixel-snapped point at 2 px could miss).
      for (const [x, y] of [
        [b.left + 8, b.top + 3],
        [b.right - 8, b.top + 3],
        [b.left + 8, b.bottom - 3],
        [b.right - 8, b.bottom - 3],
      ] as const) {
        const top = document.elementFromPoint(x, y);
        if (!top || !banner.contains(top))
          cut.push(
            `covered at ${Math.round(x)},${Math.round(y)} by ${top?.outerHTML.slice(0, 80) ?? 'nothing'}`,
          );
      }
    }
    return {
      older: el.dataset.older ?? '',
      banner: banner?.innerText ?? '',
      status: document.querySelector<HTMLElement>('.chart-status')?.innerText ?? '',
      cut,
    };
  });

/** Drags the candles to the right, into the past. */
async function panBack(): Promise<void> {
  const box = (await chart(page).boundingBox())!;
  await page.mouse.move(box.x + box.width * 0.1, box.y + box.height * 0.5);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width * 0.9, box.y + box.height * 0.5, { steps: 8 });
  await page.mouse.up();
}

let sawProgress = false;
/** what was on screen when panUntil('waiting') saw the wait */
let sawWaiting: Seen | undefined;

/**
 * Pans back, one drag at a time, waiting out each load, until scroll-back is in `state`. The first
 * time the exchange is being asked, the progress it shows is checked and photographed.
 */
async function panUntil(state: 'waiting' | 'end'): Promise<void> {
  for (let i = 0; i < 40; i++) {
    const now = await seen();
    if (now.older === 'waiting') sawWaiting = now;
    if (now.older === state) return;
    if (now.older === 'loading') {
      // From the database first (quick), then from the exchange: the banner says so meanwhile.
      let loading = now;
      await expect
        .poll(async () => {
          loading = await seen();
          return loading.banner.startsWith('Loading older') || loading.older !== 'loading';
        })
        .toBe(true);
      if (!sawProgress && loading.banner.startsWith('Loading older')) {
        expect(loading.banner).toMatch(/^Loading older candles from Binance…$/);
        expect(loading.status).toMatch(/loading older candles from Binance…/);
        expect(loading.cut).toEqual([]);
        await page.mouse.move(1, 1);
        await page.screenshot({ path: `${SCREENSHOTS}/ui-scroll-back-loading.png` });
        sawProgress = true;
      }
      await expect.poll(older, { timeout: 30_000 }).not.toBe('loading');
      continue;
    }
    expect(now.older).toBe('more');
    await panBack();
  }
  expect(await older()).toBe(state);
}

const klines = () => fake.restLog().filter((e) => e.path === '/api/v3/klines');

/** the chart when it opened, and the open time of the exchange's first candle */
let start: Awaited<ReturnType<typeof chartData>>;
let listed: number;

describe('endless scroll-back on the fake Binance', () => {
  it('loads older candles from the exchange past the stored ones, and waits out a rate limit by itself', async () => {
    await waitForChart(page, SERIES, 100);
    start = await chartData(page);
    listed = fake.truth('BTC/USDT', '1m', 0, start.firstTime)[0]![0];
    expect(listed).toBeLessThan(start.firstTime - 1_000 * 60_000);

    // Zoomed far out, one drag pans over hundreds of candles.
    const box = (await chart(page).boundingBox())!;
    await page.mouse.move(box.x + box.width * 0.5, box.y + box.height * 0.5);
    for (let i = 0; i < 12; i++) await page.mouse.wheel(0, 400);

    // The exchange's first answer is a rate limit: said in plain words with the wait counted down,
    // and asked again by itself once the exchange's Retry-After has passed.
    fake.faults.restStatus(429, 1, { retryAfterSec: 3 });
    await panUntil('waiting');
    expect(sawWaiting!.banner).toMatch(
      /^Binance is limiting requests; loading older candles again in [123] s\s*Retry$/,
    );
    expect(sawWaiting!.status).toMatch(/Binance is limiting requests/);
    expect(sawWaiting!.cut).toEqual([]);
    await expect.poll(older, { timeout: 30_000 }).not.toBe('waiting');
    const limited = klines().find((e) => e.status === 429)!;
    expect(limited).toBeDefined();
    // Nothing was sent inside the wait the exchange asked for; then the chart asked again.
    await expect.poll(() => klines().filter((e) => e.at > limited.at).length).toBeGreaterThan(0);
    const after = klines().filter((e) => e.at > limited.at);
    expect(after[0]!.at - limited.at).toBeGreaterThanOrEqual(2_900);
    expect(after[0]!.status).toBe(200);
    await expect.poll(older, { timeout: 30_000 }).not.toBe('loading');
  });

  // One scroll back per size, on the same page: the banners whole on screen, the older candles in.
  it.each([
    [1280, 720],
    [1920, 1080],
  ])('at %i×%i shows its banners whole and loads the older candles', async (width, height) => {
    await page.setViewportSize({ width, height });
    const before = (await chartData(page)).firstTime;
    const limitedSoFar = klines().filter((e) => e.status === 429).length;
    fake.faults.restStatus(429, 1, { retryAfterSec: 3 });
    await panUntil('waiting');
    expect(sawWaiting!.banner).toMatch(/^Binance is limiting requests; loading older candles again in/);
    expect(sawWaiting!.cut).toEqual([]);
    expect(klines().filter((e) => e.status === 429)).toHaveLength(limitedSoFar + 1);
    // The answer to the retry takes 2 s: the progress banner is there to be checked.
    fake.faults.restDelay(2_000, 1);
    let loading: Seen | undefined;
    await expect
      .poll(async () => {
        loading = await seen();
        return loading.banner.startsWith('Loading older candles from Binance');
      })
      .toBe(true);
    expect(loading!.cut).toEqual([]);
    await page.mouse.move(1, 1);
    await page.screenshot({ path: `${SCREENSHOTS}/ui-scroll-back-loading-${width}x${height}.png` });
    await expect
      .poll(async () => (await chartData(page)).firstTime, { timeout: 30_000 })
      .toBeLessThan(before);
    await expect.poll(older, { timeout: 30_000 }).toBe('more');
  });

  it('goes at once on Retry, and pans down to the start of the history', async () => {
    await page.setViewportSize({ width: 1400, height: 900 });
    // A longer wait: Retry goes at once (the request then waits at the core's gate for the end of
    // the exchange's window, so it is never sent inside it). The klines answers after it take
    // 4 s, so the progress is there to be seen (and photographed).
    fake.faults.restStatus(429, 1, { retryAfterSec: 8 });
    await panUntil('waiting');
    expect(sawWaiting!.banner).toMatch(/loading older candles again in [5-8] s/);
    await page.mouse.move(1, 1);
    await page.screenshot({ path: `${SCREENSHOTS}/ui-scroll-back-rate-limited.png` });
    fake.faults.restDelay(4_000, 2);
    await page.getByTestId('older-banner').getByRole('button', { name: 'Retry' }).click();
    await expect.poll(older).toBe('loading');
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

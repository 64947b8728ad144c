import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeOkx, type FakeOkx } from '../support/fake-exchange/protocols/okx';
import { SCREENSHOTS, screenshotBothThemes, startUiSession, type UiSession } from './ui-helpers';
import { until } from './support/wait';

/**
 * The Account panel's position row in Chromium against headless mode, with the real ccxt okx signing
 * against the fake OKX's derivatives account: side, size, entry, mark, liquidation, PnL, margin mode
 * and funding in words, and the row following a pushed mark price and a pushed funding rate.
 */
let fake: FakeOkx;
let session: UiSession;
let page: Page;
let configDir: string;

beforeAll(async () => {
  fake = await startFakeOkx({ seed: 71, symbols: ['BTC/USDT', 'ETH/USDT'] });
  fake.account.setMarkPrice('BTC/USDT', 64_000);
  fake.account.openPosition({ symbol: 'BTC/USDT', side: 'long', contracts: 5, entryPrice: 62_500 });
  configDir = mkdtempSync(join(tmpdir(), 'cw-e2e-account-'));
  const config = join(configDir, 'candlewatch.json');
  writeFileSync(
    config,
    JSON.stringify({
      exchanges: {
        sim: { enabled: true },
        okx: { enabled: true, sandbox: false, ccxt: fake.ccxtSwapJsonConfig() },
      },
      watchlist: [{ exchange: 'sim', symbol: 'BTC/USDT', timeframes: ['1m'] }],
    }),
  );
  session = await startUiSession(['--config', config]);
  page = session.ui.page;
  const { apiKey, secret, password } = fake.credentials;
  await session.api.call('secrets:set', { exchange: 'okx', fields: { apiKey, secret, password } });
});

afterAll(async () => {
  await session?.close();
  await fake?.close();
  rmSync(configDir, { recursive: true, force: true });
});

const row = () => page.locator('[data-testid="position-row"][data-position="BTC/USDT:USDT long"]');
const cell = (name: string): Locator => row().getByTestId(`position-${name}`);
const text = (name: string) => cell(name).innerText();

/**
 * The rate, when it is next settled ("in 1 h 25 min", or "settling" once the time passed, whatever
 * the hour the test runs at), and the rate's age.
 */
const FUNDING = (rate: RegExp) => new RegExp(`^${rate.source} (in (\\d+ (h|min|s) ?)+|settling) \\d+ s$`);

describe('a derivatives position in the Account panel', () => {
  it('shows side, size, entry, mark, liquidation, PnL, margin mode and funding in words', async () => {
    await page.getByRole('tab', { name: 'Account' }).click();
    await row().waitFor({ timeout: 60_000 });
    const opened = fake.account.view('BTC/USDT', 'long')!;
    await expect.poll(() => row().locator('th').innerText()).toBe('BTC/USDT:USDT long 10×');
    expect(await text('size')).toBe('5');
    expect(await text('entry')).toBe('62,500.00');
    await expect.poll(() => text('mark')).toMatch(/^64,000\.00 \d+ s$/);
    // (64,000 − 62,500) × 5 contracts × 0.01 BTC
    expect(opened.unrealizedPnl).toBe(75);
    expect(await text('pnl')).toBe('75.00');
    expect(await cell('pnl').getAttribute('class')).toContain('up');
    // 10× isolated: 62,500 × (1 − (1/10 − 0.5 %)) = 56,562.5, 11.6 % below the mark.
    expect(await text('liquidation')).toBe('56,562.50 11.6 % away');
    expect(await text('margin')).toBe('isolated');
    await expect.poll(() => text('funding'), { timeout: 30_000 }).toMatch(FUNDING(/\+0\.0100 %/));
    await screenshotBothThemes(page, session.api, 'account-position');
  });

  it('follows a pushed mark price and a pushed funding rate', async () => {
    // OKX pushes the position when its mark moves (positions channel), funding on `funding-rate`.
    await until(
      () => (fake.wsStats().subscriptions.includes('public:funding-rate:BTC-USDT-SWAP') ? true : undefined),
      'the subscription to the funding-rate channel',
      60_000,
    );
    fake.account.setMarkPrice('BTC/USDT', 60_000);
    await expect.poll(() => text('mark'), { timeout: 30_000 }).toMatch(/^60,000\.00 /);
    await expect.poll(() => text('pnl'), { timeout: 30_000 }).toBe('-125.00');
    expect(await cell('pnl').getAttribute('class')).toContain('down');
    expect(await text('liquidation')).toBe('56,562.50 5.7 % away');

    fake.account.setFundingRate(-0.0002);
    fake.pushFunding();
    await expect.poll(() => text('funding'), { timeout: 30_000 }).toMatch(FUNDING(/-0\.0200 %/));
    await page.mouse.move(1, 1);
    await row().screenshot({ path: `${SCREENSHOTS}/ui-account-position-row-updated.png` });
    expect(session.ui.problems).toEqual([]);
  });
});

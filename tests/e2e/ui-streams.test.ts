import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WsContractClient } from '../../src/shared/contract/ws-client';
import { startFakeExchange, type FakeExchange } from '../support/fake-exchange';
import {
  connected,
  screenshotBothThemes,
  startUiSession,
  waitForChart,
  type UiPage,
  type UiSession,
} from './ui-helpers';

/**
 * The real ccxt binance against the fake exchange, configured by a --config file: the Streams panel
 * sees a stall as stale and the recovery as live again; Settings stores a key and only ever says
 * "set"; timeframes and retention round-trip through the core.
 */
let fake: FakeExchange;
let session: UiSession;
let api: WsContractClient;
let ui: UiPage;
let page: Page;
let configDir: string;

const STREAM = 'binance|BTC/USDT|1m';

beforeAll(async () => {
  fake = await startFakeExchange({ symbols: ['BTC/USDT', 'ETH/USDT'], updateIntervalMs: 250 });
  configDir = mkdtempSync(join(tmpdir(), 'cw-e2e-config-'));
  const config = join(configDir, 'candlewatch.json');
  writeFileSync(
    config,
    JSON.stringify({
      exchanges: { binance: { enabled: true, sandbox: false, ccxt: fake.ccxtJsonConfig() } },
      watchlist: [
        { exchange: 'binance', symbol: 'BTC/USDT', timeframes: ['1m'] },
        { exchange: 'binance', symbol: 'ETH/USDT', timeframes: ['1m'] },
      ],
      // A short stale timeout, so a stall shows within seconds.
      feed: { staleTimeoutMs: 3_000 },
    }),
  );
  session = await startUiSession(['--config', config]);
  ({ ui, api } = session);
  page = ui.page;
});

afterAll(async () => {
  await session?.close();
  await fake?.close();
  rmSync(configDir, { recursive: true, force: true });
});

const streamRow = (id: string) => page.locator(`.streams-table tr[data-stream="${id}"]`);

describe('stream health against the fake Binance exchange', () => {
  it('opens on the configured watchlist, without onboarding', async () => {
    await waitForChart(page, 'binance|BTC/USDT|1m', 100);
    expect(await page.getByRole('heading', { name: 'Welcome to Candlewatch' }).count()).toBe(0);
    await page.getByRole('tab', { name: 'Streams' }).click();
    await streamRow(STREAM).and(page.locator('[data-state="live"]')).waitFor({ timeout: 30_000 });
    await page
      .locator('.exchange-card[data-exchange="binance"]')
      .getByText(/websocket candles/)
      .waitFor();
    // The message age ticks and messages are counted.
    await expect
      .poll(() => streamRow(STREAM).locator('td').nth(3).innerText(), { timeout: 10_000 })
      .not.toBe('0');
    await screenshotBothThemes(page, api, 'streams');
  });

  it('shows a stalled stream as stale, then live again when data flows', async () => {
    // Ended by hand once the page has been checked: a 9 s stall could end, on a loaded machine,
    // between the row turning stale (waited up to 15 s) and the checks that read it.
    fake.faults.stall(600_000);
    try {
      await streamRow(STREAM)
        .and(page.locator('[data-state="stale"], [data-state="reconnecting"]'))
        .waitFor({ timeout: 15_000 });
      expect(await streamRow(STREAM).locator('.stream-state').innerText()).toMatch(/Stale|Reconnecting/);
      await expect
        .poll(() => page.getByTestId('stream-health').innerText())
        .toMatch(/stale|reconnecting|connecting|backfilling/);
      await screenshotBothThemes(page, api, 'streams-stale');
    } finally {
      fake.faults.endStall();
    }
    await streamRow(STREAM).and(page.locator('[data-state="live"]')).waitFor({ timeout: 45_000 });
    // What happened stays visible: a reconnect and the last error in words.
    await expect.poll(() => streamRow(STREAM).locator('td').nth(5).innerText()).not.toBe('0');
    expect(await streamRow(STREAM).locator('.stream-error').innerText()).not.toBe('—');
  });
});

describe('settings round trip', () => {
  it('stores an API key encrypted and only ever shows it as set', async () => {
    await page.getByRole('button', { name: 'Settings' }).click();
    const dialog = page.getByRole('dialog', { name: 'Settings' });
    const card = dialog.locator('.settings-card[data-exchange="binance"]');
    await card.waitFor();
    await expect.poll(() => card.getByTestId('key-status-binance').innerText()).toBe('Keys not set');
    await card.locator('[data-secret-field="apiKey"]').fill(fake.credentials.apiKey);
    await card.locator('[data-secret-field="secret"]').fill(fake.credentials.secret);
    await card.getByRole('button', { name: 'Save keys' }).click();
    await expect
      .poll(() => card.getByTestId('key-status-binance').innerText())
      .toBe('Keys set: API key, API secret');
    expect(await card.locator('[data-secret-field="apiKey"]').inputValue()).toBe('');
    await card.getByRole('button', { name: 'Test connection' }).click();
    // The fake exchange accepts this key: the read-only check passes and says so in words.
    await expect
      .poll(() => card.getByTestId('connection-test').innerText(), { timeout: 20_000 })
      .not.toBe('');
    // One of three honest states, in words: the fake key reads the account and may not trade.
    expect(await card.getByTestId('connection-test').getAttribute('data-outcome')).toBe('ok');
    expect(await card.getByTestId('connection-test').innerText()).toMatch(/^Works\. Connected to /);
    expect(await card.getByTestId('connection-test').innerText()).not.toMatch(/[{}]/);
    await screenshotBothThemes(page, api, 'settings-exchanges');

    await page.reload();
    await connected(page);
    await page.getByRole('button', { name: 'Settings' }).click();
    await expect
      .poll(() => card.getByTestId('key-status-binance').innerText())
      .toBe('Keys set: API key, API secret');
    expect(await card.locator('[data-secret-field="secret"]').inputValue()).toBe('');
    // The values never reach the page: not in the DOM, not in what the contract answers.
    expect(await page.content()).not.toContain(fake.credentials.secret);
    expect(JSON.stringify(await api.call('secrets:status', {}))).not.toContain(fake.credentials.secret);
  });

  it('saves timeframes and retention through the core, with the schema checking them', async () => {
    const dialog = page.getByRole('dialog', { name: 'Settings' });
    await dialog.getByRole('button', { name: 'Timeframes' }).click();
    // Ticks save at once; the box shows the stored watchlist, so it turns checked when the core answers.
    await dialog.getByRole('checkbox', { name: 'ETH/USDT 5m' }).click();
    await expect.poll(() => dialog.getByRole('checkbox', { name: 'ETH/USDT 5m' }).isChecked()).toBe(true);
    await expect
      .poll(async () => (await api.call('settings:get', {})).watchlist[1]?.timeframes)
      .toEqual(['1m', '5m']);

    await dialog.getByRole('button', { name: 'Data' }).click();
    await dialog.getByTestId('db-size').waitFor();
    const days = dialog.getByLabel('Days').first();
    await days.fill('-3');
    await dialog.getByText('retention is a number of days').waitFor();
    await days.fill('30');
    await dialog.getByRole('button', { name: 'Save data settings' }).click();
    await dialog.getByText('Saved.').waitFor();
    expect(Object.values((await api.call('settings:get', {})).data.retention)).toContain(30);
    await screenshotBothThemes(page, api, 'settings-data');
    await page.keyboard.press('Escape');
    expect(ui.problems).toEqual([]);
  });
});

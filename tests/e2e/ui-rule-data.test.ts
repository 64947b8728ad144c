import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WsContractClient } from '../../src/shared/contract/ws-client';
import { screenshotBothThemes, startSimSession, type UiPage, type UiSession } from './ui-helpers';

/**
 * Rules own their data, seen from the UI on the sim exchange: a rule on a timeframe no watchlist
 * item has is armed and fires; removing its symbol from the watchlist asks first, and the rule
 * keeps its stream.
 */
let session: UiSession;
let ui: UiPage;
let page: Page;
let api: WsContractClient;

beforeAll(async () => {
  session = await startSimSession(50);
  ({ ui, api } = session);
  page = ui.page;
});

afterAll(() => session?.close());

const NAME = 'BTC 3m above 0';
const ruleRow = () => page.locator('.rules-table tr[data-rule-name]').filter({ hasText: NAME });
const streamState = async (id: string) =>
  (await api.call('streams:list', {})).find((s) => s.id === id)?.state ?? 'absent';

describe('a rule on a timeframe that is on no watchlist', () => {
  it('is armed and fires; removing its symbol from the watchlist asks first and keeps it streaming', async () => {
    expect(await streamState('sim|BTC/USDT|3m')).toBe('absent');
    await page.getByRole('tab', { name: 'Rules' }).click();
    await page.getByRole('button', { name: 'New rule' }).first().click();
    const dialog = page.getByRole('dialog', { name: 'New rule' });
    await dialog.getByLabel('Name').fill(NAME);
    await dialog.getByLabel('Timeframe').selectOption('3m');
    await dialog.getByLabel('Symbol', { exact: true }).fill('BTC/USDT');
    await dialog.getByLabel('When').selectOption('indicator-threshold');
    await dialog.getByRole('group', { name: 'Indicator' }).getByLabel('Indicator').selectOption('price');
    await dialog.locator('[data-path="when.level"]').fill('0');
    // on every update of the forming candle: the test need not wait three minutes for a close
    await dialog.getByLabel('Evaluate').selectOption('intrabar');
    await dialog.getByRole('button', { name: 'Create rule' }).click();
    await dialog.waitFor({ state: 'detached' });

    await ruleRow().locator('[data-readiness="armed"]').waitFor({ timeout: 30_000 });
    expect(await streamState('sim|BTC/USDT|3m')).toBe('live');
    // the toast of a live firing: BTC/USDT on 3m
    const toast = page.locator('.toast').filter({ hasText: 'sim · 3m' }).first();
    await toast.waitFor({ timeout: 30_000 });
    expect(await toast.innerText()).toContain('BTC/USDT');
    const { alerts } = await api.call('alerts:list', { filter: { timeframe: '3m' }, limit: 10 });
    expect(alerts.map((a) => [a.ruleName, a.status])).toContainEqual([NAME, 'active']);
    await screenshotBothThemes(page, api, 'rule-readiness');

    // removing the symbol asks first, naming the rule and what happens to it
    // the row's actions show on hover
    const row = page.locator('.watch-row[data-symbol="BTC/USDT"]');
    const remove = row.getByRole('button', { name: 'Remove BTC/USDT on sim' });
    await row.hover();
    await remove.click();
    const ask = page.getByRole('dialog', { name: 'Remove BTC/USDT from the watchlist?' });
    await ask.waitFor();
    expect(await ask.innerText()).toContain(
      `${NAME} — keeps streaming BTC/USDT 3m for itself and keeps firing.`,
    );
    await screenshotBothThemes(page, api, 'watchlist-remove-ask');
    await ask.getByRole('button', { name: 'Keep it' }).click();
    await ask.waitFor({ state: 'detached' });
    expect((await api.call('settings:get', {})).watchlist.map((w) => w.symbol)).toContain('BTC/USDT');

    await row.hover();
    await remove.click();
    await ask.getByRole('button', { name: 'Remove from watchlist' }).click();
    await expect
      .poll(async () => (await api.call('settings:get', {})).watchlist.map((w) => w.symbol))
      .not.toContain('BTC/USDT');
    await expect.poll(() => streamState('sim|BTC/USDT|1m'), { timeout: 15_000 }).toBe('absent');
    expect(await streamState('sim|BTC/USDT|3m')).toBe('live');
    expect(await ruleRow().locator('[data-readiness]').getAttribute('data-readiness')).toBe('armed');
    expect(ui.problems).toEqual([]);
  });
});

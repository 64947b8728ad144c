import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createCore, type Core } from '../../../src/main/core/app';
import { silentLogger } from '../../../src/main/core/base/log';

let core: Core | undefined;
let dir: string | undefined;

afterEach(async () => {
  await core?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('settings through the whole core', () => {
  it('persists settings updates across a restart', async () => {
    dir = mkdtempSync(join(tmpdir(), 'cw-settings-'));
    const open = () =>
      createCore({ dataDir: dir!, mode: 'headless', version: '0.0.0-test', log: silentLogger() });
    core = open();
    const updated = await core.dispatch('settings:update', {
      watchlist: [{ exchange: 'Binance', symbol: 'BTC/USDT', timeframes: ['1m', '1h'] }],
    });
    expect(updated).toMatchObject({ ok: true, value: { watchlist: [{ exchange: 'binance' }] } });
    await core.stop();
    core = open();
    const again = await core.dispatch('settings:get', {});
    expect(again).toMatchObject({
      ok: true,
      value: { watchlist: [{ symbol: 'BTC/USDT', timeframes: ['1m', '1h'] }] },
    });
  });
});

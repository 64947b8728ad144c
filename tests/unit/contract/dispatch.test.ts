import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createCore, type Core } from '../../../src/main/core/app';
import { silentLogger } from '../../../src/main/core/base/log';
import { methodNames } from '../../../src/shared/contract';

let core: Core | undefined;
let dir: string | undefined;

const makeCore = () => {
  dir = mkdtempSync(join(tmpdir(), 'cw-dispatch-'));
  core = createCore({ dataDir: dir, mode: 'headless', version: '0.0.0-test', log: silentLogger() });
  return core;
};

afterEach(async () => {
  await core?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('contract dispatcher', () => {
  it('answers a valid call with ok and the value', async () => {
    const c = makeCore();
    const result = await c.dispatch('app:ping', { nonce: 'abc' });
    expect(result).toMatchObject({ ok: true, value: { nonce: 'abc' } });
  });

  it('refuses an unknown method as data', async () => {
    const c = makeCore();
    expect(await c.dispatch('app:shutdown-everything', {})).toEqual({
      ok: false,
      error: { code: 'unknown-method', message: 'Unknown method "app:shutdown-everything"' },
    });
    expect((await c.dispatch('__proto__', {})).ok).toBe(false);
    expect((await c.dispatch(42, {})).ok).toBe(false);
  });

  it.each(methodNames)('rejects a malformed payload for %s with invalid-input', async (name) => {
    const c = makeCore();
    for (const bad of [42, 'x', [1, 2], { unexpected: { deeply: true } }, null]) {
      const result = await c.dispatch(name, bad);
      expect(result.ok).toBe(false);
      if (!result.ok) {
        expect(result.error.code).toBe('invalid-input');
        expect(result.error.message).toContain(name);
      }
    }
  });

  it('persists settings updates across a restart', async () => {
    const c = makeCore();
    const updated = await c.dispatch('settings:update', {
      watchlist: [{ exchange: 'Binance', symbol: 'BTC/USDT', timeframes: ['1m', '1h'] }],
    });
    expect(updated).toMatchObject({ ok: true, value: { watchlist: [{ exchange: 'binance' }] } });
    await c.stop();
    core = createCore({ dataDir: dir!, mode: 'headless', version: '0.0.0-test', log: silentLogger() });
    const again = await core.dispatch('settings:get', {});
    expect(again).toMatchObject({
      ok: true,
      value: { watchlist: [{ symbol: 'BTC/USDT', timeframes: ['1m', '1h'] }] },
    });
  });

  it('explains a bad symbol in plain words', async () => {
    const c = makeCore();
    const result = await c.dispatch('settings:update', {
      watchlist: [{ exchange: 'binance', symbol: 'BTCUSDT' }],
    });
    expect(result).toMatchObject({ ok: false, error: { code: 'invalid-input' } });
    if (!result.ok) expect(result.error.message).toMatch(/BASE\/QUOTE/);
  });
});

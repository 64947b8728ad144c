import { describe, expect, it } from 'vitest';
import { silentLogger } from '../../../src/main/core/base/log';
import { createDispatcher, type Handlers } from '../../../src/main/core/contract/dispatch';
import { methodNames } from '../../../src/shared/contract';

/**
 * The dispatcher over in-memory handlers: every method answers {} except the two the tests call.
 * What it guarantees (existence, input parsing, errors as data) does not depend on what they do;
 * the whole core on disk is tested in tests/integration.
 */
const handlers = {
  ...Object.fromEntries(methodNames.map((m) => [m, () => ({})])),
  'app:ping': ({ nonce }: { nonce: string }) => ({ nonce, serverTime: 0 }),
} as unknown as Handlers;
const makeCore = () => ({ dispatch: createDispatcher(handlers, silentLogger()) });

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

  it('explains a bad symbol in plain words', async () => {
    const c = makeCore();
    const result = await c.dispatch('settings:update', {
      watchlist: [{ exchange: 'binance', symbol: 'BTCUSDT' }],
    });
    expect(result).toMatchObject({ ok: false, error: { code: 'invalid-input' } });
    if (!result.ok) expect(result.error.message).toMatch(/BASE\/QUOTE/);
  });
});

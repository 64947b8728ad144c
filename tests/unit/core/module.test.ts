import { describe, expect, it } from 'vitest';
import { methodNames } from '../../../src/shared/contract';
import { combineHandlers, type ModuleHandlers } from '../../../src/main/core/module';

/** One handler per contract method, as if one module answered them all. */
const everyMethod = (): ModuleHandlers =>
  Object.fromEntries(methodNames.map((m) => [m, () => ({})])) as ModuleHandlers;

describe('combineHandlers', () => {
  it('joins the modules into the whole contract', () => {
    const { 'app:ping': ping, ...rest } = everyMethod();
    const handlers = combineHandlers({ app: { handlers: { 'app:ping': ping } }, rest: { handlers: rest } });
    expect(Object.keys(handlers).sort()).toEqual([...methodNames].sort());
    expect(handlers['app:ping']).toBe(ping);
  });

  it('refuses a method answered by two modules, naming both', () => {
    const all = everyMethod();
    expect(() =>
      combineHandlers({
        market: { handlers: all },
        account: { handlers: { 'streams:list': all['streams:list'] } },
      }),
    ).toThrow('the method "streams:list" is answered by two modules: "market" and "account"');
  });

  it('refuses a contract with a method nobody answers', () => {
    const { 'app:ping': _ping, ...rest } = everyMethod();
    expect(() => combineHandlers({ rest: { handlers: rest } })).toThrow('no module answers "app:ping"');
  });
});

import { methodNames, type MethodName } from '../../shared/contract';
import type { Handler, Handlers } from './contract/dispatch';

/** Some of the contract's methods, each with its handler. */
export type ModuleHandlers = { [M in MethodName]?: Handler<M> };

/**
 * The one shape of every domain's wiring (`core/<domain>/module.ts`): the contract methods it
 * answers, and its lifetime. Building a module opens nothing that `stop` would not close; `start`
 * begins the work (timers, sockets, loading rules), after every module was built.
 */
export type CoreModule<H extends ModuleHandlers = ModuleHandlers> = {
  handlers: H;
  start(): void;
  stop(): Promise<void> | void;
};

/**
 * Joins the modules' handlers into the whole contract. A method answered by two modules would
 * silently lose one handler in an object spread, and a method answered by none would fail only
 * when called: both refuse to start, naming the method and the modules.
 */
export function combineHandlers(modules: Record<string, { handlers: ModuleHandlers }>): Handlers {
  const combined: Record<string, unknown> = {};
  const owner = new Map<string, string>();
  for (const [name, module] of Object.entries(modules)) {
    for (const [method, handler] of Object.entries(module.handlers)) {
      const other = owner.get(method);
      if (other !== undefined)
        throw new Error(`the method "${method}" is answered by two modules: "${other}" and "${name}"`);
      owner.set(method, name);
      combined[method] = handler;
    }
  }
  const missing = methodNames.filter((m) => !owner.has(m));
  if (missing.length > 0) throw new Error(`no module answers ${missing.map((m) => `"${m}"`).join(', ')}`);
  return combined as Handlers;
}

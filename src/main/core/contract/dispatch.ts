import { z } from 'zod';
import {
  ContractError,
  fail,
  isMethodName,
  methods,
  ok,
  type MethodName,
  type MethodOutput,
  type MethodParsedInput,
  type Result,
} from '../../../shared/contract';
import type { ClientContext } from './client-subscription';
import type { Logger } from '../base/log';

/** `client` is the caller as its transport knows it; absent for in-process calls (tests, scripts). */
export type Handler<M extends MethodName> = (
  input: MethodParsedInput<M>,
  client?: ClientContext,
) => Promise<MethodOutput<M>> | MethodOutput<M>;
export type Handlers = { [M in MethodName]: Handler<M> };
export type Dispatch = (method: unknown, input: unknown, client?: ClientContext) => Promise<Result<unknown>>;

/**
 * The single entry point of every transport: checks the method exists, parses its input with the
 * contract's schema before the handler runs, and turns any failure into data.
 */
export function createDispatcher(handlers: Handlers, log: Logger): Dispatch {
  return async (method, input, client) => {
    if (!isMethodName(method)) {
      return fail('unknown-method', `Unknown method "${String(method).slice(0, 100)}"`);
    }
    const parsed = methods[method].input.safeParse(input);
    if (!parsed.success) {
      return fail('invalid-input', `${method}: ${z.prettifyError(parsed.error)}`);
    }
    try {
      const handler = handlers[method] as (input: unknown, client?: ClientContext) => unknown;
      return ok(await handler(parsed.data, client));
    } catch (err) {
      if (err instanceof ContractError) return { ok: false, error: err.toData() };
      log.error(`${method} failed`, { error: err });
      return fail('internal', `${method} failed: ${err instanceof Error ? err.message : String(err)}`);
    }
  };
}

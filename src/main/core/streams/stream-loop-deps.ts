import type { Logger } from '../base/log';
import { Backoff } from '../base/backoff';
import type { Clock } from '../base/clock';
import type { LoopDeps } from './watch-loop';

/**
 * What every market stream's watch loop runs on: a backoff of its own (one stream's failures must
 * not slow another's retries) and the exchange's Retry-After window, shared by all its streams.
 */
export function streamLoopDeps(deps: {
  /** the market source: its Retry-After window */
  source: { restBlockedForMs(): number };
  clock: Clock;
  log: Logger;
  random?: () => number;
}): LoopDeps {
  const { source, clock, log } = deps;
  return {
    clock,
    log,
    backoff: new Backoff({ random: deps.random }),
    restBlockedForMs: () => source.restBlockedForMs(),
  };
}

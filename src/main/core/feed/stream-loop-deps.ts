import type { MarketSource } from '../exchange/market-source';
import type { Logger } from '../log';
import { Backoff } from './backoff';
import type { Clock } from './clock';
import type { LoopDeps } from './watch-loop';

/**
 * What every market stream's watch loop runs on: a backoff of its own (one stream's failures must
 * not slow another's retries) and the exchange's Retry-After window, shared by all its streams.
 */
export function streamLoopDeps(deps: {
  source: MarketSource;
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

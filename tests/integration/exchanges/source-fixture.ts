import ccxt, { type Exchange } from 'ccxt';
import { CcxtSource } from '../../../src/main/core/exchange/ccxt-source';
import { createCcxtExchange } from '../../../src/main/core/exchange/ccxt-factory';
import { systemClock } from '../../../src/main/core/base/clock';
import { silentLogger } from '../../../src/main/core/base/log';
import type { Now } from '../../support/fake-exchange/clock';
import type { FakeVenue } from '../../support/fake-exchange/fake-venue';
import type { ProtocolFake } from '../../support/fake-exchange/protocols/protocol-server';

/**
 * Real ccxt.pro instances against a protocol fake: `raw()` is ccxt as is, `source()` is ccxt behind
 * our CcxtSource (the app's exchange layer, with its quirk workarounds). Everything opened here is
 * closed by closeAll().
 */
export class ExchangeClients {
  private readonly open: Array<{ close(): Promise<unknown> }> = [];

  raw(fake: ProtocolFake): Exchange {
    const Ctor = (ccxt.pro as unknown as Record<string, new (config: Record<string, unknown>) => Exchange>)[
      fake.exchange
    ]!;
    const exchange = new Ctor(fake.ccxtConfig());
    this.open.push(exchange);
    return exchange;
  }

  /** our exchange layer, as the registry builds it from a JSON config; `ex` is its ccxt instance */
  source(fake: FakeVenue): { source: CcxtSource; ex: Exchange } {
    const ex = createCcxtExchange(fake.exchange, {
      enabled: true,
      sandbox: false,
      ccxt: fake.ccxtJsonConfig(),
    });
    const source = new CcxtSource(fake.exchange, ex, false, { clock: systemClock, log: silentLogger() });
    this.open.push(source);
    return { source, ex };
  }

  async closeAll(): Promise<void> {
    await Promise.allSettled(this.open.splice(0).map((c) => c.close()));
  }
}

/** Polls `condition` every 20 ms (a state wait, not a sleep); fails after `timeoutMs`. */
export async function until(what: string, condition: () => boolean, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/**
 * A fake's clock: real time plus an offset that only moves forward. A test moves it once its clients
 * have loaded the markets, right before it subscribes: placed when the fake started, a boundary
 * 2 s away was half used up by the setup on a loaded machine, and all of it on a slower one.
 */
export class MovableClock {
  private offset = 0;
  readonly now: Now = () => Date.now() + this.offset;

  /** Moves the clock forward so that it reads `msBefore` ms before its next whole minute. */
  toMinuteEnd(msBefore: number): void {
    this.offset += (((60_000 - msBefore - (this.now() % 60_000)) % 60_000) + 60_000) % 60_000;
  }
}

/** ccxt's candle cache for one series (what our source reads on every wake). */
export function ohlcvCache(ex: Exchange, symbol: string, timeframe: string): number[][] {
  const bySymbol = (ex.ohlcvs as unknown as Record<string, Record<string, number[][]> | undefined>)[symbol];
  return [...(bySymbol?.[timeframe] ?? [])];
}

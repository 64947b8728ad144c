import type { Exchange } from 'ccxt';
import { afterEach, describe, expect, it } from 'vitest';
import { capabilitiesFromCcxt } from '../../../src/main/core/exchange/capabilities';
import { createCcxtExchange } from '../../../src/main/core/exchange/ccxt-factory';
import { bingxProtocol } from '../../support/fake-exchange/protocols/bingx';
import { bitgetProtocol } from '../../support/fake-exchange/protocols/bitget';
import { kucoinFuturesProtocol } from '../../support/fake-exchange/protocols/kucoinfutures';
import {
  startProtocolFake,
  type ProtocolFactory,
  type ProtocolFake,
} from '../../support/fake-exchange/protocols/protocol-server';

const DAY_MS = 86_400_000;
const open: Array<{ close(): Promise<unknown> }> = [];

afterEach(async () => {
  await Promise.allSettled(open.splice(0).map((c) => c.close()));
});

/** The app's ccxt instance (factory defaults and exchange quirks applied) for a fake. */
async function appExchange(fake: ProtocolFake): Promise<Exchange> {
  const ex = createCcxtExchange(fake.exchange, { enabled: true, sandbox: false, ccxt: fake.ccxtConfig() });
  open.push(ex);
  await ex.loadMarkets();
  return ex;
}

const CASES: [string, ProtocolFactory, string, Record<string, unknown>][] = [
  [
    'bingx',
    bingxProtocol,
    'BTC/USDT',
    { closedFlagSent: false, pushesQuietIntervals: false, bookChecksum: false },
  ],
  [
    'bitget',
    bitgetProtocol,
    'BTC/USDT',
    { closedFlagSent: false, maxStreamsPerSocket: 1_000, bookChecksum: true },
  ],
  [
    'kucoinfutures',
    kucoinFuturesProtocol,
    'BTC/USDT:USDT',
    { closedFlagSent: false, pushesQuietIntervals: false, maxStreamsPerSocket: 100 },
  ],
];

describe('capability records of BingX, Bitget and KuCoin Futures, against their fakes', () => {
  for (const [id, protocol, symbol, facts] of CASES) {
    it(`${id}: UTC day bars on the socket and over REST alike, no 1s, the recorded facts`, async () => {
      const fake = await startProtocolFake(protocol, { symbols: ['BTC/USDT'], updateIntervalMs: 200 });
      open.push(fake);
      const ex = await appExchange(fake);
      const caps = capabilitiesFromCcxt(ex, id);
      expect(caps.facts).toMatchObject({ ...facts, barAlignment: 'utc', oneSecondCandles: false });
      // the fake shows empty intervals as the recorded fact says the exchange does
      expect(caps.facts.pushesQuietIntervals).toBe(protocol.emptyIntervals === 'pushed');
      expect(caps.timeframes).not.toContain('1s');
      // barAlignment 'utc': the day bar the socket pushes is the one REST serves, opening at 00:00 UTC.
      const live = await ex.watchOHLCV(symbol, '1d');
      const rest = await ex.fetchOHLCV(symbol, '1d', undefined, 2);
      expect(live.at(-1)![0]! % DAY_MS).toBe(0);
      expect(rest.map((c) => c[0])).toContain(live.at(-1)![0]);
    });
  }
});

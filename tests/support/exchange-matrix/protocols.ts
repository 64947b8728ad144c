import { startFakeExchange, type FakeVenue, type FakeVenueOptions } from '../fake-exchange';
import { bingxProtocol } from '../fake-exchange/protocols/bingx';
import { bitgetProtocol } from '../fake-exchange/protocols/bitget';
import { kucoinFuturesProtocol } from '../fake-exchange/protocols/kucoinfutures';
import { startProtocolFake } from '../fake-exchange/protocols/protocol-server';
import { startFakeBybit } from '../fake-exchange/protocols/bybit';
import { startFakeOkx } from '../fake-exchange/protocols/okx';

/**
 * One exchange protocol the matrix runs: a fake server speaking it (sharing the ground truth of
 * tests/support/fake-exchange) and the symbol the cases watch. Adding an exchange to the matrix is
 * one entry here plus a test file calling `exchangeMatrix('<id>')`
 * (tests/integration/engine/exchange-matrix/).
 */
export type MatrixProtocol = {
  /** ccxt id; also the exchange id in the app's settings */
  exchange: string;
  /** the market the cases watch (spot unless the protocol only serves swaps) */
  symbol: string;
  start(opts: FakeVenueOptions): Promise<FakeVenue>;
  /**
   * How long after its period a candle may still be on its way, when nothing goes wrong: the
   * exchange's own push interval plus its lateness (e.g. a closed flag that arrives late).
   */
  closeGraceMs?: number;
};

export const MATRIX_PROTOCOLS: Record<string, MatrixProtocol> = {
  binance: { exchange: 'binance', symbol: 'BTC/USDT', start: (opts) => startFakeExchange(opts) },
  // Spot: the market where ccxt 4.5.84 loses a bar's final push (ExchangeQuirks in core/exchange).
  bingx: { exchange: 'bingx', symbol: 'BTC/USDT', start: (opts) => startProtocolFake(bingxProtocol, opts) },
  bitget: {
    exchange: 'bitget',
    symbol: 'BTC/USDT',
    start: (opts) => startProtocolFake(bitgetProtocol, opts),
  },
  kucoinfutures: {
    exchange: 'kucoinfutures',
    symbol: 'BTC/USDT:USDT',
    start: (opts) => startProtocolFake(kucoinFuturesProtocol, opts),
  },
  okx: { exchange: 'okx', symbol: 'BTC/USDT', start: (opts) => startFakeOkx(opts) },
  bybit: { exchange: 'bybit', symbol: 'BTC/USDT', start: (opts) => startFakeBybit(opts) },
};

export function matrixProtocol(exchange: string): MatrixProtocol {
  const protocol = MATRIX_PROTOCOLS[exchange];
  if (!protocol)
    throw new Error(`no matrix protocol "${exchange}"; known: ${Object.keys(MATRIX_PROTOCOLS).join(', ')}`);
  return protocol;
}

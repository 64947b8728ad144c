import ccxt from 'ccxt';
import { describe, expect, it } from 'vitest';
import { CandleSockets } from '../../../src/main/core/exchange/candle-sockets';

type Picker = { stream(type: string, hash: string): string };

describe('CandleSockets', () => {
  it("gives each candle stream a socket with room, past ccxt's own round-robin indexes", () => {
    const ex = new ccxt.pro.binance();
    const sockets = CandleSockets.install(ex, 'multipleOHLCV', 2)!;
    const picker = ex as unknown as Picker;
    expect(['a', 'b', 'c', 'a'].map((k) => sockets.assign(k))).toEqual([0, 0, 1, 0]);
    expect(sockets.load()).toEqual([2, 1]);
    // ccxt's binance rotates other subscriptions over options.streamLimits.spot (50) sockets
    expect(sockets.on(1, () => picker.stream('spot', 'multipleOHLCV'))).toBe('51');
    expect(sockets.on(0, () => picker.stream('spot', 'multipleOHLCV'))).toBe('50');
    // outside a call, and for other hashes, ccxt picks as it always did
    expect(Number(picker.stream('spot', 'ticker::BTC/USDT'))).toBeLessThan(50);
    expect(Number(picker.stream('spot', 'multipleOHLCV'))).toBeLessThan(50);
    sockets.release('a');
    expect(sockets.assign('d')).toBe(0);
  });

  it('stays out of the way without a known limit or a stream picker', () => {
    expect(CandleSockets.install(new ccxt.pro.binance(), 'multipleOHLCV', null)).toBeNull();
    expect(CandleSockets.install(new ccxt.pro.okx(), 'multipleOHLCV', 1_024)).toBeNull();
  });
});

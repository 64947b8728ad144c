import { describe, expect, it } from 'vitest';
import type { SeriesKey } from '../../../src/shared/domain/market';
import { BTC, Harness, bars, priceAbove, storedRule } from './harness';

const ETH: SeriesKey = { ...BTC, symbol: 'ETH/USDT' };

/**
 * Only series a rule reads hold candles in the rule engine: at 1,000 streamed series, a
 * 1,000-candle ring for each one was 48 MB of a 305 MB process, for series no rule looked at.
 */
describe('rule engine memory: series no rule reads', () => {
  it('holds nothing for a streamed series without a rule, and warms it from the store once one reads it', () => {
    const stored = bars([1, 2, 3, 4, 5]);
    const h = new Harness([storedRule({ when: priceAbove(100) })], { history: () => stored });
    h.close(bars([1, 2, 3]), ETH);
    expect(h.engine.heldCandles(ETH)).toBe(0);
    h.engine.setRules([
      storedRule({ when: priceAbove(100) }),
      storedRule({ symbol: 'ETH/USDT', when: priceAbove(100) }, 2),
    ]);
    expect(h.engine.heldCandles(ETH)).toBe(stored.length);
  });

  it('lets go of a series once the last rule reading it is gone', () => {
    const h = new Harness([storedRule({ when: priceAbove(100) })], { history: () => bars([1, 2, 3]) });
    h.close(bars([1, 2, 3, 4], 3));
    expect(h.engine.heldCandles(BTC)).toBe(4 + 3);
    h.engine.setRules([]);
    expect(h.engine.heldCandles(BTC)).toBe(0);
  });
});

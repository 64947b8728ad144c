import { describe, expect, it } from 'vitest';
import type { Candle } from '../../../src/shared/domain/market';
import { missedTrades } from '../../../src/main/core/candles/quiet-market';

const MIN = 60_000;
const bar = (t: number, volume: number, close = 100): Candle => [t * MIN, 100, 101, 99, close, volume];
const flat = (t: number): Candle => [t * MIN, 100, 100, 100, 100, 0];

describe('missedTrades: did a silent stream miss trades, by the REST candles after what it showed', () => {
  it('no: the forming candle as shown, nothing after it (an exchange that skips empty intervals)', () => {
    expect(missedTrades({ openTime: 5 * MIN, candle: bar(5, 3) }, [bar(5, 3)])).toBe(false);
  });

  it('no: flat candles without volume after it (an exchange that lists empty intervals)', () => {
    expect(missedTrades({ openTime: 5 * MIN, candle: bar(5, 3) }, [bar(5, 3), flat(6), flat(7)])).toBe(false);
  });

  it('yes: more volume in the candle it showed forming', () => {
    expect(missedTrades({ openTime: 5 * MIN, candle: bar(5, 3) }, [bar(5, 4)])).toBe(true);
  });

  it('yes: a later candle with volume', () => {
    expect(missedTrades({ openTime: 5 * MIN, candle: bar(5, 3) }, [bar(5, 3), flat(6), bar(7, 1)])).toBe(
      true,
    );
  });

  it('after a closed candle (its values are final and stored): only later candles count', () => {
    expect(missedTrades({ openTime: 5 * MIN, candle: null }, [bar(5, 9)])).toBe(false);
    expect(missedTrades({ openTime: 5 * MIN, candle: null }, [bar(5, 9), bar(6, 1)])).toBe(true);
  });

  it('with nothing shown yet, any candle with volume', () => {
    expect(missedTrades(undefined, [flat(1)])).toBe(false);
    expect(missedTrades(undefined, [flat(1), bar(2, 1)])).toBe(true);
  });
});

import { describe, expect, it } from 'vitest';
import { quirksOf } from '../../../src/main/core/exchange/exchange-quirks';
import { describeFacts } from '../../../src/renderer/streams/exchange-facts';

describe('describeFacts (Streams panel)', () => {
  it('says what OKX promises and leaves out what is not documented', () => {
    expect(describeFacts(quirksOf('okx').facts)).toEqual([
      'sends a closed-candle flag',
      'silent while nothing trades',
      'candles every 500 ms',
      '3 subscribes/s',
      'bars utc (6H/12H/1D/1W on their …utc channels)',
      'no 1s candles',
      'book checksum',
    ]);
  });

  it('says nothing it does not know about an exchange nobody studied', () => {
    expect(describeFacts(quirksOf('somewhere').facts)).toEqual([
      'no closed-candle flag',
      'bars utc',
      'no 1s candles',
    ]);
  });
});

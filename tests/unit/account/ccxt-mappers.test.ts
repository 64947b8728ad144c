import type { Position } from 'ccxt';
import { describe, expect, it } from 'vitest';
import { toMarginMode, toPositions } from '../../../src/main/core/account/ccxt-mappers';

const position = (fields: Partial<Position>): Position =>
  ({ symbol: 'BTC/USDT:USDT', side: 'long', contracts: 2, markPrice: 64_000, ...fields }) as Position;

describe('margin mode words', () => {
  it("puts ccxt's words (OKX mgnMode, BingX marginType, Bybit account modes) in ours", () => {
    expect(['cross', 'crossed', 'CROSSED', 'isolated', 'portfolio'].map(toMarginMode)).toEqual([
      'cross',
      'cross',
      'cross',
      'isolated',
      'portfolio',
    ]);
  });

  it('calls anything else not known', () => {
    expect([undefined, null, '', 'REGULAR_MARGIN', 3].map(toMarginMode)).toEqual([
      null,
      null,
      null,
      null,
      null,
    ]);
  });

  it("takes the account's margin mode where the position carries none (Bybit's unified account)", () => {
    expect(toPositions(position({ marginMode: undefined }), 'portfolio')[0]!.marginMode).toBe('portfolio');
    expect(toPositions(position({ marginMode: undefined }))[0]!.marginMode).toBeNull();
    // The position's own word stands where it has one.
    expect(toPositions(position({ marginMode: 'isolated' }), 'cross')[0]!.marginMode).toBe('isolated');
  });
});

import { describe, expect, it } from 'vitest';
import { bookFreshness, buildLadder, spreadPercentDecimals } from '../../../src/renderer/book/book-ladder';
import type { Freshness } from '../../../src/renderer/live/freshness';

describe('buildLadder', () => {
  const book = {
    bids: [
      [99, 1],
      [98, 3],
      [97, 4],
    ] as [number, number][],
    asks: [
      [101, 2],
      [102, 2],
    ] as [number, number][],
  };

  it('sums sizes from the best price outwards and scales both sides on the deeper one', () => {
    const ladder = buildLadder(book, 10);
    expect(ladder.bids.map((l) => [l.price, l.size, l.total, l.share])).toEqual([
      [99, 1, 1, 1 / 8],
      [98, 3, 4, 4 / 8],
      [97, 4, 8, 1],
    ]);
    expect(ladder.asks.map((l) => [l.total, l.share])).toEqual([
      [2, 2 / 8],
      [4, 4 / 8],
    ]);
    expect(ladder.spread).toBe(2);
    expect(ladder.mid).toBe(100);
    expect(ladder.spreadPercent).toBeCloseTo(2);
  });

  it('shows the top levels only, and no spread when a side is empty', () => {
    expect(buildLadder(book, 2).bids.at(-1)?.total).toBe(4);
    const oneSided = buildLadder({ bids: book.bids, asks: [] }, 5);
    expect(oneSided).toMatchObject({ spread: null, spreadPercent: null, mid: null, asks: [] });
    expect(oneSided.bids[2]?.share).toBe(1);
  });
});

describe('spreadPercentDecimals', () => {
  it('gives two significant digits, from 2 up to 6 decimals', () => {
    expect(spreadPercentDecimals(1.5)).toBe(2);
    expect(spreadPercentDecimals(0.15)).toBe(2);
    expect(spreadPercentDecimals(0.015)).toBe(3);
    expect(spreadPercentDecimals(0.0000147)).toBe(6);
    expect(spreadPercentDecimals(0)).toBe(2);
  });
});

describe('bookFreshness', () => {
  const live: Freshness = { kind: 'live', ageMs: 200, text: 'live' };
  it('says a live stream whose book is being resnapshotted is not live', () => {
    expect(bookFreshness(live, true)).toBe(live);
    expect(bookFreshness(live, false)).toEqual({
      kind: 'reconnecting',
      ageMs: 200,
      text: 'resyncing the book',
    });
  });

  it("keeps the stream's own word when it is already not live", () => {
    const stale: Freshness = { kind: 'stale', ageMs: 40_000, text: 'stale 40 s' };
    expect(bookFreshness(stale, false)).toBe(stale);
  });
});

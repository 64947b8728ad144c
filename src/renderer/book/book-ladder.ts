import type { OrderBook } from '../../shared/domain/market';
import type { Freshness } from '../live/freshness';

/** One price level as the ladder shows it: its size, the size from the best price to it, and the bar. */
export type LadderLevel = {
  price: number;
  size: number;
  /** cumulative size from the best price down (bids) or up (asks) to this level */
  total: number;
  /** total over the deepest total of either side shown, 0..1: the depth bar's width */
  share: number;
};

export type Ladder = {
  /** best (highest) first */
  bids: LadderLevel[];
  /** best (lowest) first */
  asks: LadderLevel[];
  /** best ask − best bid; null when a side is empty */
  spread: number | null;
  /** the spread as a percentage of the mid price */
  spreadPercent: number | null;
  mid: number | null;
};

function side(levels: readonly (readonly [number, number])[], count: number) {
  let total = 0;
  return levels.slice(0, count).map(([price, size]) => {
    total += size;
    return { price, size, total, share: 0 };
  });
}

/**
 * The top `count` levels of each side with their cumulative sizes. Both sides share one scale, so
 * a longer bar means more size whichever side it is on.
 */
export function buildLadder(book: Pick<OrderBook, 'bids' | 'asks'>, count: number): Ladder {
  const bids = side(book.bids, count);
  const asks = side(book.asks, count);
  const deepest = Math.max(bids.at(-1)?.total ?? 0, asks.at(-1)?.total ?? 0);
  for (const level of [...bids, ...asks]) level.share = deepest > 0 ? level.total / deepest : 0;
  const bestBid = bids[0]?.price;
  const bestAsk = asks[0]?.price;
  if (bestBid === undefined || bestAsk === undefined) {
    return { bids, asks, spread: null, spreadPercent: null, mid: null };
  }
  const mid = (bestBid + bestAsk) / 2;
  const spread = bestAsk - bestBid;
  return { bids, asks, spread, spreadPercent: mid > 0 ? (spread / mid) * 100 : null, mid };
}

/**
 * Decimals that give a spread percentage two significant digits: a liquid market's spread is a
 * thousandth of a percent or less, which a fixed 2 or 3 decimals shows as "0.000 %".
 */
export function spreadPercentDecimals(percent: number): number {
  if (!(percent > 0)) return 2;
  return Math.min(6, Math.max(2, Math.ceil(-Math.log10(percent)) + 1));
}

/**
 * The book's freshness: its stream's (useFreshness), except that a live stream whose book is being
 * resnapshotted (a sequence gap or checksum error: `synced: false`) is not live — the levels on
 * screen are the last good ones, not the market's.
 */
export function bookFreshness(stream: Freshness, synced: boolean): Freshness {
  if (synced || stream.kind !== 'live') return stream;
  return { kind: 'reconnecting', ageMs: stream.ageMs, text: 'resyncing the book' };
}

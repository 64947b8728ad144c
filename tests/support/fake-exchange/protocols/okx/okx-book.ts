import { crc32 } from 'node:zlib';
import type { DepthDiff } from '../../order-book';
import type { Listing } from '../../venue';

/** OKX prints numbers without trailing zeros ("65000.1"); the checksum is computed over those strings. */
const okxNumber = (text: string): string => String(Number(text));

/** A level as OKX sends it: [price, size, "0" (deprecated), number of orders]. */
const level = ([price, size]: [string, string]): string[] => [okxNumber(price), okxNumber(size), '0', '1'];

/**
 * The CRC32 of the top 25 levels, "bid1px:bid1sz:ask1px:ask1sz:bid2px:…" (a side that runs out
 * leaves the other's levels alone), as a signed 32-bit integer ("WS / Order book channel",
 * "Checksum" section).
 */
export function okxChecksum(bids: string[][], asks: string[][]): number {
  const parts: string[] = [];
  for (let i = 0; i < 25; i++) {
    const bid = bids[i];
    const ask = asks[i];
    if (bid) parts.push(bid[0]!, bid[1]!);
    if (ask) parts.push(ask[0]!, ask[1]!);
  }
  return crc32(parts.join(':')) | 0;
}

/**
 * One `books` subscription: a 400-level snapshot first, then updates chained by seqId (each
 * update's prevSeqId is the previous message's seqId); an update with nothing changed has empty
 * sides and seqId = prevSeqId ("WS / Order book channel": "If there are no changes to the depth for
 * a long time, … seqId and prevSeqId are the same"). Every message carries the checksum of the book
 * after it.
 */
export class OkxBookFeed {
  private lastSeqId: number | undefined;

  constructor(private readonly listing: Listing) {}

  message(diff: DepthDiff | null | undefined, now: number): Record<string, unknown> {
    const book = this.listing.book.snapshot(400, now);
    const bids = book.bids.map(level);
    const asks = book.asks.map(level);
    const checksum = okxChecksum(bids, asks);
    const seqId = book.lastUpdateId;
    if (this.lastSeqId === undefined) {
      this.lastSeqId = seqId;
      return { action: 'snapshot', data: [{ asks, bids, ts: String(now), checksum, prevSeqId: -1, seqId }] };
    }
    const prevSeqId = this.lastSeqId;
    this.lastSeqId = seqId;
    const changed = diff && seqId !== prevSeqId;
    return {
      action: 'update',
      data: [
        {
          asks: changed ? diff.asks.map(level) : [],
          bids: changed ? diff.bids.map(level) : [],
          ts: String(now),
          checksum,
          prevSeqId,
          seqId,
        },
      ],
    };
  }
}

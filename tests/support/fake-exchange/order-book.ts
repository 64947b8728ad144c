import { formatScaled } from './decimal';
import { hash3 } from './hash';
import type { PriceSeries } from './price-series';

/** Levels kept per side; ccxt asks for a 1000-level snapshot and takes what it gets. */
const LEVELS = 100;
/** existing levels whose quantity changes on every update, besides the levels entering or leaving */
const CHANGES_PER_UPDATE = 3;
const CH_BOOK = 40;

export type DepthDiff = {
  /** first update id in the event */
  U: number;
  /** last update id in the event */
  u: number;
  bids: [string, string][];
  asks: [string, string][];
};

export type DepthSnapshot = { lastUpdateId: number; bids: [string, string][]; asks: [string, string][] };

/**
 * One symbol's book, a single sequence of updates shared by REST and every WebSocket subscriber: the
 * `/api/v3/depth` snapshot at `lastUpdateId` plus every diff after it reproduces the live book, which
 * is what ccxt's Binance sync checks (first diff U ≤ lastUpdateId+1 ≤ u, then U = previous u + 1).
 * The best bid follows the ground truth's last close; the best ask is one tick above it.
 */
export class SimulatedBook {
  private readonly bids = new Map<number, number>();
  private readonly asks = new Map<number, number>();
  private lastUpdateId: number;
  private version = 0;
  private initialized = false;

  constructor(private readonly series: PriceSeries) {
    this.lastUpdateId = 1_000_000 + (series.spec.key % 1_000_000);
  }

  private quantity(price: number): number {
    const h = hash3(this.series.spec.key, CH_BOOK + this.version, price);
    const scale = 10 ** this.series.spec.qtyDecimals;
    return 1 + Math.floor((h / 4294967296) * this.series.spec.volumePerSecond * 4 * scale);
  }

  private initialize(lastTicks: number): void {
    for (let i = 0; i < LEVELS; i++) {
      this.bids.set(lastTicks - i, this.quantity(lastTicks - i));
      this.asks.set(lastTicks + 1 + i, this.quantity(lastTicks + 1 + i));
    }
    this.initialized = true;
  }

  private ensure(nowMs: number): void {
    if (!this.initialized) this.initialize(this.series.closeOf(Math.floor(nowMs / 1000) - 1));
  }

  /** Id of the last update applied: what a snapshot taken now would carry. */
  updateId(): number {
    return this.lastUpdateId;
  }

  snapshot(limit: number, nowMs: number): DepthSnapshot {
    this.ensure(nowMs);
    return {
      lastUpdateId: this.lastUpdateId,
      bids: this.side(this.bids, (a, b) => b - a, limit),
      asks: this.side(this.asks, (a, b) => a - b, limit),
    };
  }

  /** Best bid and ask as [price ticks, quantity steps]. */
  top(nowMs: number): { bid: [number, number]; ask: [number, number] } {
    this.ensure(nowMs);
    const bid = Math.max(...this.bids.keys());
    const ask = Math.min(...this.asks.keys());
    return { bid: [bid, this.bids.get(bid)!], ask: [ask, this.asks.get(ask)!] };
  }

  /**
   * Moves the book to the current price and changes a few quantities; the diff every subscriber gets,
   * or null when nothing changed (Binance sends no empty diff).
   */
  advance(nowMs: number): DepthDiff | null {
    this.ensure(nowMs);
    this.version++;
    const last = this.series.closeOf(Math.floor(nowMs / 1000) - 1);
    const bidChanges = this.reshape(this.bids, last - LEVELS + 1, last);
    const askChanges = this.reshape(this.asks, last + 1, last + LEVELS);
    const changes = bidChanges.length + askChanges.length;
    if (changes === 0) return null;
    const U = this.lastUpdateId + 1;
    this.lastUpdateId += changes;
    const { priceDecimals: pd, qtyDecimals: qd } = this.series.spec;
    const format = (list: [number, number][]): [string, string][] =>
      list.map(([p, q]) => [formatScaled(p, pd), formatScaled(q, qd)]);
    return { U, u: this.lastUpdateId, bids: format(bidChanges), asks: format(askChanges) };
  }

  /** Keeps exactly the levels [low, high] on a side; returns the changed levels (quantity 0 = removed). */
  private reshape(side: Map<number, number>, low: number, high: number): [number, number][] {
    const changes: [number, number][] = [];
    for (const price of [...side.keys()]) {
      if (price < low || price > high) {
        side.delete(price);
        changes.push([price, 0]);
      }
    }
    for (let price = low; price <= high; price++) {
      if (!side.has(price)) {
        const qty = this.quantity(price);
        side.set(price, qty);
        changes.push([price, qty]);
      }
    }
    for (let i = 0; i < CHANGES_PER_UPDATE; i++) {
      const price = low + (hash3(this.series.spec.key, CH_BOOK - 1, this.version * 8 + i) % (high - low + 1));
      const qty = this.quantity(price);
      if (side.get(price) !== qty && !changes.some(([p]) => p === price)) {
        side.set(price, qty);
        changes.push([price, qty]);
      }
    }
    return changes;
  }

  private side(
    levels: Map<number, number>,
    order: (a: number, b: number) => number,
    limit: number,
  ): [string, string][] {
    const { priceDecimals: pd, qtyDecimals: qd } = this.series.spec;
    return [...levels.keys()]
      .sort(order)
      .slice(0, limit)
      .map((price) => [formatScaled(price, pd), formatScaled(levels.get(price)!, qd)]);
  }
}

import type { Now } from '../clock';
import { klineAt, shown, type Kline } from '../klines';
import type { Connection, SocketHub } from '../socket-hub';
import type { Listing } from '../venue';
import { BarCursor, barOpen, type BarSpec } from './bars';
import { PushLoop } from './push-loop';

/** One candle stream on one socket, whatever the protocol. */
export type KlineSubscription = {
  connection: Connection;
  /** the protocol's name of the stream (its topic or dataType), unique per socket */
  name: string;
  listing: Listing;
  /** unified timeframe: bars are the shared UTC bars of src/shared/timeframe.ts… */
  timeframe: string;
  /** …opening this much before the UTC boundary (Hong Kong bars: 8 h), default 0 */
  shiftMs?: number;
  /** the frame carrying this candle as it stands (closed or forming), in the protocol's shape */
  frame(kline: Kline, now: number): string | Buffer;
};

type Live = KlineSubscription & { bar: BarSpec; cursor: BarCursor };

/** A stream that gets a fresh frame on every update (a ticker). */
export type PeriodicSubscription = {
  connection: Connection;
  name: string;
  frame(now: number): string | Buffer;
};

/**
 * Pushes every subscribed candle stream the way the exchanges without a "closed" flag do: the
 * forming candle every `updateIntervalMs`, and right after a bar's boundary its final values once,
 * immediately followed by the next bar's first update (the interleaving ccxt's BingX spot cache
 * loses). Frames during a stall are lost, as they would be live. A bar without trades is pushed
 * flat or not at all, by the exchange's rule (klines.ts `shown`).
 */
export class KlineFeed {
  private readonly subs = new Map<string, Live>();
  private readonly periodic = new Map<string, PeriodicSubscription>();
  private readonly loop: PushLoop;

  constructor(
    private readonly hub: SocketHub,
    updateIntervalMs: number,
    /** the exchange's clock (tests may run it ahead to reach a bar boundary sooner) */
    private readonly now: Now,
  ) {
    this.loop = new PushLoop(
      now,
      updateIntervalMs,
      (at) => this.tick(at),
      (at) => this.afterSecond(at),
    );
  }

  /** Adds the stream (a repeated subscription is kept once) and sends its forming candle at once. */
  add(sub: KlineSubscription): void {
    const key = `${sub.connection.id}|${sub.name}`;
    if (this.subs.has(key)) return;
    const now = this.now();
    const bar: BarSpec = { timeframe: sub.timeframe, shiftMs: sub.shiftMs ?? 0 };
    const live: Live = { ...sub, bar, cursor: new BarCursor(bar, now) };
    this.subs.set(key, live);
    sub.connection.ws.on('close', () => this.subs.delete(key));
    this.sendForming(live, now);
  }

  /** Adds a stream pushed on every update whatever the time (tickers). */
  addPeriodic(sub: PeriodicSubscription): void {
    const key = `${sub.connection.id}|${sub.name}`;
    if (this.periodic.has(key)) return;
    this.periodic.set(key, sub);
    sub.connection.ws.on('close', () => this.periodic.delete(key));
    this.hub.sendData(sub.connection, sub.frame(this.now()));
  }

  remove(connection: Connection, name: string): boolean {
    const key = `${connection.id}|${name}`;
    return this.subs.delete(key) || this.periodic.delete(key);
  }

  close(): void {
    this.loop.stop();
  }

  /** A bar that ended is pushed at once with its final values, then the next bar's first update. */
  private afterSecond(now: number): void {
    for (const sub of this.subs.values()) if (this.closeBars(sub, now)) this.sendForming(sub, now);
  }

  private tick(now: number): void {
    for (const sub of this.subs.values()) {
      this.closeBars(sub, now);
      this.sendForming(sub, now);
    }
    for (const sub of this.periodic.values()) this.hub.sendData(sub.connection, sub.frame(now));
  }

  /** Sends the final values of the bars that ended since the last look; true if any ended. */
  private closeBars(sub: Live, now: number): boolean {
    const closed = sub.cursor.closedSince(now);
    for (const openTime of closed) {
      const kline = klineAt(sub.listing.series, sub.timeframe, openTime, now);
      if (kline && shown(sub.listing.series, kline)) this.hub.sendData(sub.connection, sub.frame(kline, now));
    }
    return closed.length > 0;
  }

  private sendForming(sub: Live, now: number): void {
    const kline = klineAt(sub.listing.series, sub.timeframe, barOpen(now, sub.bar), now);
    if (kline && shown(sub.listing.series, kline)) this.hub.sendData(sub.connection, sub.frame(kline, now));
  }
}

import { alignTime, nextOpenTime } from '../../../../src/shared/timeframe';
import type { Now } from '../clock';
import { klineAt, type Kline } from '../klines';
import type { Connection, SocketHub } from '../socket-hub';
import type { Listing } from '../venue';

/** One candle stream on one socket, whatever the protocol. */
export type KlineSubscription = {
  connection: Connection;
  /** the protocol's name of the stream (its topic or dataType), unique per socket */
  name: string;
  listing: Listing;
  /** unified timeframe: bars are the shared UTC bars of src/shared/timeframe.ts */
  timeframe: string;
  /** the frame carrying this candle as it stands (closed or forming), in the protocol's shape */
  frame(kline: Kline, now: number): string | Buffer;
};

type Live = KlineSubscription & { formingOpen: number };

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
 * loses). Frames during a stall are lost, as they would be live.
 */
export class KlineFeed {
  private readonly subs = new Map<string, Live>();
  private readonly periodic = new Map<string, PeriodicSubscription>();
  private readonly tickTimer: NodeJS.Timeout;
  private boundaryTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly hub: SocketHub,
    updateIntervalMs: number,
    /** the exchange's clock (tests may run it ahead to reach a bar boundary sooner) */
    private readonly now: Now,
  ) {
    this.tickTimer = setInterval(() => this.tick(), updateIntervalMs);
    this.scheduleBoundary();
  }

  /** Adds the stream (a repeated subscription is kept once) and sends its forming candle at once. */
  add(sub: KlineSubscription): void {
    const key = `${sub.connection.id}|${sub.name}`;
    if (this.subs.has(key)) return;
    const now = this.now();
    const live: Live = { ...sub, formingOpen: alignTime(now, sub.timeframe) };
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

  names(connection: Connection): string[] {
    return [...this.subs.values()].filter((s) => s.connection === connection).map((s) => s.name);
  }

  close(): void {
    clearInterval(this.tickTimer);
    clearTimeout(this.boundaryTimer);
  }

  private scheduleBoundary(): void {
    // A few ms past the second, so the closing second has completed by this.now().
    const delay = 1000 - (this.now() % 1000) + 2;
    this.boundaryTimer = setTimeout(() => {
      const now = this.now();
      for (const sub of this.subs.values()) {
        if (this.closeBars(sub, now)) this.sendForming(sub, now);
      }
      this.scheduleBoundary();
    }, delay);
  }

  private tick(): void {
    const now = this.now();
    for (const sub of this.subs.values()) {
      this.closeBars(sub, now);
      this.sendForming(sub, now);
    }
    for (const sub of this.periodic.values()) this.hub.sendData(sub.connection, sub.frame(now));
  }

  /** Sends the final values of the bars that ended since the last look; true if any ended. */
  private closeBars(sub: Live, now: number): boolean {
    const currentOpen = alignTime(now, sub.timeframe);
    let closed = false;
    while (sub.formingOpen < currentOpen) {
      const kline = klineAt(sub.listing.series, sub.timeframe, sub.formingOpen, now);
      if (kline) this.hub.sendData(sub.connection, sub.frame(kline, now));
      sub.formingOpen = nextOpenTime(sub.formingOpen, sub.timeframe);
      closed = true;
    }
    return closed;
  }

  private sendForming(sub: Live, now: number): void {
    const kline = klineAt(sub.listing.series, sub.timeframe, alignTime(now, sub.timeframe), now);
    if (kline) this.hub.sendData(sub.connection, sub.frame(kline, now));
  }
}

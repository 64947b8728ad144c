import type { EventName } from '../../../shared/contract';
import type { EventSubscription } from '../../../shared/contract/methods/events';
import { seriesId, type SeriesKey } from '../../../shared/domain/market';

/** Events sent per series or symbol many times a second: only to the clients that asked for them. */
const HIGH_RATE_EVENTS: ReadonlySet<EventName> = new Set<EventName>([
  'candles:updated',
  'ticker:updated',
  'orderbook:updated',
]);

type SymbolRef = { exchange: string; symbol: string };
const symbolId = (r: SymbolRef) => `${r.exchange}|${r.symbol}`;

/**
 * What one client (a socket, the Electron window) declared with `events:subscribe`. Each transport
 * makes one per connection and asks `wants` before sending an event.
 *
 * Until the client declares, it gets every event. The renderer declares as soon as its stores
 * exist and after each reconnect, so for it this lasts one round trip; starting from "nothing"
 * would instead drop the updates of that round trip (a forming candle, a ticker) and would silence
 * scripts and tools that only listen, which the headless API has always served.
 */
export class ClientSubscription {
  private declared: { candles: Set<string>; tickers: Set<string>; orderbooks: Set<string> } | null = null;

  /** Replaces the previous declaration as a whole: declaring twice is the same as declaring once. */
  replace(sub: EventSubscription): { candles: number; tickers: number; orderbooks: number } {
    this.declared = {
      candles: new Set(sub.candles.map(seriesId)),
      tickers: new Set(sub.tickers.map(symbolId)),
      orderbooks: new Set(sub.orderbooks.map(symbolId)),
    };
    return {
      candles: this.declared.candles.size,
      tickers: this.declared.tickers.size,
      orderbooks: this.declared.orderbooks.size,
    };
  }

  wants(event: EventName, payload: unknown): boolean {
    if (this.declared === null || !HIGH_RATE_EVENTS.has(event)) return true;
    switch (event) {
      case 'candles:updated':
        return this.declared.candles.has(seriesId((payload as { series: SeriesKey }).series));
      case 'ticker:updated':
        return this.declared.tickers.has(symbolId(payload as SymbolRef));
      case 'orderbook:updated':
        return this.declared.orderbooks.has(symbolId(payload as SymbolRef));
      default:
        return true;
    }
  }
}

/** Who made a call: the transports pass it to dispatch, for the methods that act on the caller. */
export type ClientContext = { subscription: ClientSubscription };

import type { EventName } from '../../../shared/contract';
import type { EventSubscription } from '../../../shared/contract/methods/events';
import { seriesId, type SeriesKey } from '../../../shared/domain/market';

/** Events sent per series or symbol many times a second: only to the clients that asked for them. */
const HIGH_RATE_EVENTS: ReadonlySet<EventName> = new Set<EventName>([
  'candles:updated',
  'indicators:updated',
  'ticker:updated',
  'orderbook:updated',
  'trades:updated',
]);

export type SymbolRef = { exchange: string; symbol: string };
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
  private readonly closeListeners = new Set<() => void>();

  /** The transport calls this when the client goes away (socket closed, window gone). */
  close(): void {
    for (const l of [...this.closeListeners]) l();
    this.closeListeners.clear();
  }

  onClose(listener: () => void): () => void {
    this.closeListeners.add(listener);
    return () => this.closeListeners.delete(listener);
  }

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
      case 'indicators:updated':
        return this.declared.candles.has(seriesId((payload as { series: SeriesKey }).series));
      case 'ticker:updated':
        return this.declared.tickers.has(symbolId(payload as SymbolRef));
      case 'orderbook:updated':
      case 'trades:updated':
        return this.declared.orderbooks.has(symbolId(payload as SymbolRef));
      default:
        return true;
    }
  }
}

/** Who made a call: the transports pass it to dispatch, for the methods that act on the caller. */
export type ClientContext = { subscription: ClientSubscription };

/**
 * What clients have on screen, by client: the candle series of a chart (which may show a timeframe
 * the watchlist does not stream — issue 13: viewing 1d once added it to the watchlist for good), or
 * the order book of an open book panel. The feed streams the union of these while any client views
 * them, and stops when none does (a client that goes away releases what it viewed).
 */
export class ClientViews<K> {
  private readonly byClient = new Map<ClientSubscription, K[]>();
  private readonly listeners = new Set<(keys: K[]) => void>();

  constructor(private readonly idOf: (key: K) => string) {}

  set(client: ClientSubscription, keys: readonly K[]): void {
    if (!this.byClient.has(client)) client.onClose(() => this.release(client));
    this.changing(() => this.byClient.set(client, [...keys]));
  }

  release(client: ClientSubscription): void {
    this.changing(() => this.byClient.delete(client));
  }

  all(): K[] {
    const unique = new Map<string, K>();
    for (const keys of this.byClient.values()) for (const k of keys) unique.set(this.idOf(k), k);
    return [...unique.values()];
  }

  onChange(listener: (keys: K[]) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** A client declares again on every change of its screen: the feed hears only real changes. */
  private changing(change: () => void): void {
    const before = this.all().map(this.idOf).join('\n');
    change();
    const keys = this.all();
    if (keys.map(this.idOf).join('\n') === before) return;
    for (const l of this.listeners) l(keys);
  }
}

/** The candle series clients' charts show. */
export const viewedSeries = () => new ClientViews<SeriesKey>(seriesId);

/** The order books clients' book panels show. */
export const viewedBooks = () => new ClientViews<SymbolRef>(symbolId);

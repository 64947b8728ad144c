import { z } from 'zod';
import { exchangeIdSchema, symbolSchema } from '../../domain/ids';
import { seriesKeySchema } from '../../domain/market';
import { method } from '../define';

/**
 * Caps of one declaration. A call frame is at most 64 KiB (wire.ts), which holds about a thousand
 * symbols; a UI shows one chart and a watchlist, so these leave room without letting a client make
 * the per-event filter costly.
 */
export const MAX_SUBSCRIBED_SERIES = 64;
export const MAX_SUBSCRIBED_TICKERS = 1_000;
export const MAX_SUBSCRIBED_BOOKS = 16;

const symbolRefSchema = z.object({ exchange: exchangeIdSchema, symbol: symbolSchema }).strict();

/** What a client wants of the high-rate events; every other event goes to every client. */
export const eventSubscriptionSchema = z
  .object({
    /** series whose `candles:updated` the client gets (the visible chart) */
    candles: z.array(seriesKeySchema.strict()).max(MAX_SUBSCRIBED_SERIES).default([]),
    /** symbols whose `ticker:updated` the client gets (the watchlist, the chart's symbol) */
    tickers: z.array(symbolRefSchema).max(MAX_SUBSCRIBED_TICKERS).default([]),
    /** symbols whose `orderbook:updated` and `trades:updated` the client gets (a book panel with its tape) */
    orderbooks: z.array(symbolRefSchema).max(MAX_SUBSCRIBED_BOOKS).default([]),
  })
  .strict();
export type EventSubscription = z.output<typeof eventSubscriptionSchema>;
export type EventSubscriptionInput = z.input<typeof eventSubscriptionSchema>;

export const eventsMethods = {
  'events:subscribe': method(
    eventSubscriptionSchema,
    z.object({ candles: z.number().int(), tickers: z.number().int(), orderbooks: z.number().int() }),
    'Declare which candles:updated, ticker:updated, orderbook:updated and trades:updated events this client ' +
      'receives (orderbooks names the symbols of both the book and the trades); ' +
      'replaces its previous declaration (send it again after a reconnect). A client that never declared ' +
      'receives all of them. Every other event goes to every client. Declared candle series, and order books ' +
      'with their trades, are streamed while some client declares them, without joining the watchlist. Returns how many of ' +
      'each are kept.',
  ),
};

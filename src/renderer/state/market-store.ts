import { createStore, type StoreApi } from 'zustand/vanilla';
import type { ExchangeInfo, MarketInfo } from '../../shared/domain/exchange';
import {
  seriesId,
  type OrderBook,
  type RecentTrades,
  type SeriesKey,
  type Ticker,
} from '../../shared/domain/market';
import type { StreamInfo } from '../../shared/domain/stream';
import { FrameBatcher, type FrameScheduler } from '../live/frame-batcher';
import type { Transport } from '../transport/transport';

/** `exchange|symbol`: the key of tickers, markets and sparklines. */
export const symbolKey = (exchange: string, symbol: string) => `${exchange}|${symbol}`;

/** Where the arrival of a symbol's order book is recorded in `seenAt`. */
export const bookSeenKey = (exchange: string, symbol: string) => `${symbolKey(exchange, symbol)}|orderbook`;
/** Where the arrival of a symbol's recent trades is recorded in `seenAt`. */
export const tradesSeenKey = (exchange: string, symbol: string) => `${symbolKey(exchange, symbol)}|trades`;

/** An exchange's display name ("Binance"), or its id until the server has named it. */
export const exchangeNameOf = (exchanges: readonly ExchangeInfo[] | null, exchange: string): string =>
  exchanges?.find((e) => e.id === exchange)?.name ?? exchange;

export type MarketState = {
  exchanges: ExchangeInfo[] | null;
  tickers: Readonly<Record<string, Ticker>>;
  /** the latest top N of the order books a book panel shows, by symbolKey */
  books: Readonly<Record<string, OrderBook>>;
  /** the recent trades (oldest first) of the symbols a book panel shows, by symbolKey */
  trades: Readonly<Record<string, RecentTrades>>;
  streams: Readonly<Record<string, StreamInfo>>;
  /** market details (price precision) by symbolKey, fetched as symbols show up */
  markets: Readonly<Record<string, MarketInfo>>;
  /** recent closes by symbolKey, for the watchlist's sparklines */
  sparks: Readonly<Record<string, readonly number[]>>;
  /** the last failure to load market data, in words */
  error: string | null;
  /**
   * When this page last received each price (local clock, so a remote core's clock never skews an
   * age): by symbolKey for tickers, by series id for candles. Ages on screen count from here.
   */
  seenAt: Readonly<Record<string, number>>;
};

export type MarketStore = StoreApi<MarketState> & {
  refreshStreams(): Promise<void>;
  /** reads every ticker again: after subscribing to new symbols, whose updates were not sent before */
  refreshTickers(): Promise<void>;
  /** fetches the market's details once (precision for prices) */
  ensureMarket(exchange: string, symbol: string): void;
  loadSparkline(exchange: string, symbol: string, timeframe: string): Promise<void>;
  /**
   * Drops a book and its trades no panel shows any more: their streams stop, and when the panel
   * opens again it must wait for fresh ones rather than show these as if they were being refreshed.
   */
  forgetBook(exchange: string, symbol: string): void;
};

const SPARK_CANDLES = 48;
const SPARK_RETRY_MS = 5_000;

/**
 * Exchanges, tickers and stream states. Tickers and stream states arrive many times a second
 * across symbols: they are batched and land in the store once per animation frame, and each
 * component selects only its own entry, so a tick re-renders one watchlist row, not the tree.
 */
export function createMarketStore(transport: Transport, schedule?: FrameScheduler): MarketStore {
  const { api } = transport;
  const store = createStore<MarketState>(() => ({
    exchanges: null,
    tickers: {},
    books: {},
    trades: {},
    streams: {},
    markets: {},
    sparks: {},
    error: null,
    seenAt: {},
  }));
  const requested = new Set<string>();

  // Arrival times land with the tickers, in the same store update: one render per frame.
  const tickers = new FrameBatcher<{ ticker: Ticker; at: number }>((batch) => {
    const next = { ...store.getState().tickers };
    const seenAt = { ...store.getState().seenAt };
    for (const [k, { ticker, at }] of batch) {
      next[k] = ticker;
      seenAt[k] = at;
    }
    store.setState({ tickers: next, seenAt });
  }, schedule);
  const books = new FrameBatcher<{ book: OrderBook; at: number }>((batch) => {
    const next = { ...store.getState().books };
    const seenAt = { ...store.getState().seenAt };
    for (const [k, { book, at }] of batch) {
      next[k] = book;
      // A book marked unsynced is the old one, resent: it says nothing about the stream being live.
      if (book.synced) seenAt[bookSeenKey(book.exchange, book.symbol)] = at;
    }
    store.setState({ books: next, seenAt });
  }, schedule);
  const trades = new FrameBatcher<{ tape: RecentTrades; at: number }>((batch) => {
    const next = { ...store.getState().trades };
    const seenAt = { ...store.getState().seenAt };
    for (const [k, { tape, at }] of batch) {
      next[k] = tape;
      seenAt[tradesSeenKey(tape.exchange, tape.symbol)] = at;
    }
    store.setState({ trades: next, seenAt });
  }, schedule);
  const streams = new FrameBatcher<StreamInfo>((batch) => {
    const next = { ...store.getState().streams };
    for (const [id, s] of batch) next[id] = s;
    store.setState({ streams: next });
  }, schedule);

  const seen = new FrameBatcher<number>((batch) => {
    const next = { ...store.getState().seenAt };
    for (const [k, at] of batch) next[k] = at;
    store.setState({ seenAt: next });
  }, schedule);

  api.on('ticker:updated', (t) =>
    tickers.push(symbolKey(t.exchange, t.symbol), { ticker: t, at: Date.now() }),
  );
  api.on('orderbook:updated', (b) =>
    books.push(symbolKey(b.exchange, b.symbol), { book: b, at: Date.now() }),
  );
  api.on('trades:updated', (t) => trades.push(symbolKey(t.exchange, t.symbol), { tape: t, at: Date.now() }));
  api.on('candles:updated', (u) => {
    // A backfill page says nothing about whether the stream is live now.
    if (u.origin === 'live') seen.push(seriesId(u.series as SeriesKey), Date.now());
  });
  api.on('stream:state-changed', (s) => streams.push(s.id, s));
  // Not batched like the streams: the list must be in place before the streams of a new exchange,
  // which the server sends after it.
  api.on('exchanges:changed', (exchanges) => store.setState({ exchanges }));

  const fail = (what: string) => (err: unknown) =>
    store.setState({ error: `${what}: ${err instanceof Error ? err.message : String(err)}` });

  const refreshExchanges = () =>
    api
      .call('exchanges:list', {})
      .then((exchanges) => store.setState({ exchanges, error: null }), fail('Exchanges could not be loaded'));

  const refreshStreams = () =>
    api.call('streams:list', {}).then((list) => {
      const byId: Record<string, StreamInfo> = {};
      for (const s of list) byId[s.id] = s;
      store.setState({ streams: byId });
    }, fail('Streams could not be loaded'));

  const refreshTickers = () =>
    api.call('tickers:list', {}).then((list) => {
      const next = { ...store.getState().tickers };
      for (const t of list) next[symbolKey(t.exchange, t.symbol)] = t;
      store.setState({ tickers: next });
    }, fail('Prices could not be loaded'));

  const ensureMarket = (exchange: string, symbol: string) => {
    const key = symbolKey(exchange, symbol);
    if (requested.has(key)) return;
    requested.add(key);
    api.call('markets:search', { exchange, query: symbol, limit: 10 }).then(
      (markets) => {
        const found = markets.find((m) => m.symbol === symbol);
        if (found) store.setState({ markets: { ...store.getState().markets, [key]: found } });
      },
      // Unknown until the exchange's markets load; asked again after a reconnect.
      () => requested.delete(key),
    );
  };

  const loadSparkline = async (exchange: string, symbol: string, timeframe: string, retries = 6) => {
    try {
      const { candles } = await api.call('candles:history', {
        series: { exchange, symbol, timeframe },
        last: SPARK_CANDLES,
      });
      const closes = candles.map((c) => c[4]);
      // A symbol just added has nothing stored until its stream warms up: look again shortly.
      if (closes.length < 2 && retries > 0) {
        setTimeout(() => void loadSparkline(exchange, symbol, timeframe, retries - 1), SPARK_RETRY_MS);
        return;
      }
      store.setState({ sparks: { ...store.getState().sparks, [symbolKey(exchange, symbol)]: closes } });
    } catch {
      // No stored candles yet (a symbol just added): the sparkline stays empty until the next refresh.
    }
  };

  const loadAll = () => {
    void refreshExchanges();
    void refreshStreams();
    void refreshTickers();
  };
  let connectedBefore = transport.connectionState() === 'open';
  transport.onConnectionStateChange((state) => {
    if (state !== 'open') return;
    // Events sent while the socket was down are lost: read everything again.
    if (connectedBefore) {
      requested.clear();
      loadAll();
    }
    connectedBefore = true;
  });
  loadAll();

  const forgetBook = (exchange: string, symbol: string) => {
    const key = symbolKey(exchange, symbol);
    const { [key]: _book, ...books } = store.getState().books;
    const { [key]: _tape, ...tapes } = store.getState().trades;
    const seenAt = { ...store.getState().seenAt };
    delete seenAt[bookSeenKey(exchange, symbol)];
    delete seenAt[tradesSeenKey(exchange, symbol)];
    store.setState({ books, trades: tapes, seenAt });
  };

  return {
    ...store,
    refreshStreams,
    refreshTickers,
    ensureMarket,
    loadSparkline,
    forgetBook,
  };
}

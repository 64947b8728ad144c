import { useEffect, type CSSProperties } from 'react';
import { formatPercent, formatPrice, formatVolume } from '../format/numbers';
import { FreshnessTag, isOutdated } from '../live/FreshnessTag';
import { useFreshness } from '../live/use-freshness';
import { bookSeenKey, symbolKey } from '../state/market-store';
import { useMarket, useStores, useUi } from '../state/StoresProvider';
import { errorInWords } from '../streams/stream-words';
import { TradesTape } from './TradesTape';
import { bookFreshness, buildLadder, spreadPercentDecimals, type LadderLevel } from './book-ladder';

/** Levels shown per side: the core streams the top 20 (feed bookDepth). */
const LEVELS = 20;

/**
 * The order book of the chart's symbol: bids and asks side by side, best prices at the top, with
 * each level's size, the cumulative size and a depth bar; the spread above; the recent trades
 * beside it. The core streams both only while this panel is on screen (event-subscription.ts
 * declares them).
 */
export function OrderBookPanel() {
  const chart = useUi((s) => s.chart);
  if (!chart) {
    return <p className="empty-hint">Pick a symbol in the watchlist to see its order book.</p>;
  }
  return <BookView key={symbolKey(chart.exchange, chart.symbol)} {...chart} />;
}

function BookView({ exchange, symbol }: { exchange: string; symbol: string }) {
  const { market } = useStores();
  const key = symbolKey(exchange, symbol);
  useEffect(() => {
    market.ensureMarket(exchange, symbol);
    return () => market.forgetBook(exchange, symbol);
  }, [market, exchange, symbol]);
  const book = useMarket((s) => s.books[key]);
  const decimals = useMarket((s) => s.markets[key]?.priceDecimals ?? null);
  const failure = useMarket((s) => s.streams[`${key}|orderbook`]?.lastError ?? null);
  const state = useMarket((s) => s.streams[`${key}|orderbook`]?.state);
  const fresh = bookFreshness(
    useFreshness(exchange, symbol, bookSeenKey(exchange, symbol), { kind: 'orderbook' }),
    book?.synced ?? true,
  );
  const ladder = book ? buildLadder(book, LEVELS) : null;
  const price = (p: number | null) => formatPrice(p, decimals);

  return (
    <section
      className="order-book"
      aria-label={`Order book of ${symbol} on ${exchange}`}
      data-freshness={fresh.kind}
      data-testid="order-book"
    >
      <header className="order-book-head">
        <h2 className="order-book-title">
          {symbol} <span className="order-book-exchange">{exchange}</span>
        </h2>
        <span className="order-book-spread" data-testid="book-spread">
          {ladder?.spread == null
            ? 'Spread —'
            : `Spread ${price(ladder.spread)} (${spreadText(ladder.spreadPercent)})`}
        </span>
        <FreshnessTag freshness={fresh} />
      </header>
      {state === 'error' && failure ? (
        <p className="order-book-error" role="status">
          The order book stream failed: {errorInWords(failure)}. It retries on its own.
        </p>
      ) : null}
      <div className="order-book-body">
        {ladder ? (
          <div className="order-book-sides" data-outdated={isOutdated(fresh) ? 'true' : undefined}>
            <BookSide label="Bids" levels={ladder.bids} price={price} />
            <BookSide label="Asks" levels={ladder.asks} price={price} />
          </div>
        ) : (
          <p className="empty-hint" data-testid="book-waiting">
            {fresh.kind === 'disconnected'
              ? 'The core is disconnected: no order book until it is back.'
              : `Waiting for the order book of ${symbol} from ${exchange}…`}
          </p>
        )}
        <TradesTape exchange={exchange} symbol={symbol} decimals={decimals} />
      </div>
    </section>
  );
}

/** Unsigned: a spread has no direction. */
const spreadText = (percent: number | null) =>
  percent === null ? '—' : formatPercent(percent, spreadPercentDecimals(percent)).replace('+', '');

function BookSide({
  label,
  levels,
  price,
}: {
  label: 'Bids' | 'Asks';
  levels: readonly LadderLevel[];
  price: (p: number) => string;
}) {
  const side = label === 'Bids' ? 'bid' : 'ask';
  return (
    <div className={`book-side book-${side}`} role="table" aria-label={label}>
      <div className="book-row book-header" role="row">
        <span role="columnheader">{label === 'Bids' ? 'Bid' : 'Ask'}</span>
        <span role="columnheader">Size</span>
        <span role="columnheader">Total</span>
      </div>
      {levels.length === 0 ? (
        <p className="empty-hint">No {label.toLowerCase()} in the book.</p>
      ) : (
        // Keyed by position: a row is "the nth level", so a moving market updates text in place
        // instead of remounting every row each frame (keyed by price, bench ui lost 16 fps).
        levels.map((l, i) => (
          <div
            key={i}
            className="book-row"
            role="row"
            data-testid={`book-${side}`}
            style={{ '--share': l.share } as CSSProperties}
          >
            <span role="cell" className="book-price">
              {price(l.price)}
            </span>
            <span role="cell">{formatVolume(l.size)}</span>
            <span role="cell">{formatVolume(l.total)}</span>
          </div>
        ))
      )}
    </div>
  );
}

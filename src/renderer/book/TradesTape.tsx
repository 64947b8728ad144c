import { formatPrice, formatVolume } from '../format/numbers';
import { formatTime } from '../format/time';
import { ageText } from '../live/freshness';
import { FreshnessTag } from '../live/FreshnessTag';
import { useFreshness } from '../live/use-freshness';
import { useNow } from '../live/use-now';
import { symbolKey, tradesSeenKey } from '../state/market-store';
import { useMarket } from '../state/StoresProvider';

/** Rows shown, newest first: the core keeps the last 50. */
const SHOWN = 50;

/**
 * The recent trades of the book panel's symbol, newest first, priced in the taker's colour. A quiet
 * market sends no trades, so the tape's age never turns it stale on its own: it says how long ago
 * the last trade was, and "reconnecting" or "core disconnected" when its stream or the core is down.
 */
export function TradesTape({
  exchange,
  symbol,
  decimals,
}: {
  exchange: string;
  symbol: string;
  decimals: number | null;
}) {
  const tape = useMarket((s) => s.trades[symbolKey(exchange, symbol)]);
  const fresh = useFreshness(
    exchange,
    symbol,
    tradesSeenKey(exchange, symbol),
    { kind: 'trades' },
    Number.POSITIVE_INFINITY,
  );
  const now = useNow();
  const trades = tape ? tape.trades.slice(-SHOWN).reverse() : [];
  const last = trades[0];
  return (
    <div className="trades-tape" role="table" aria-label="Recent trades" data-freshness={fresh.kind}>
      <div className="tape-caption">
        <span>Trades</span>
        <span className="tape-last" data-testid="tape-last">
          {last ? `last ${ageText(now - last.time)} ago` : ''}
        </span>
        <FreshnessTag freshness={fresh} compact />
      </div>
      <div className="book-row book-header" role="row">
        <span role="columnheader">Time</span>
        <span role="columnheader">Price</span>
        <span role="columnheader">Amount</span>
      </div>
      {trades.length === 0 ? (
        <p className="empty-hint" data-testid="tape-waiting">
          {fresh.kind === 'disconnected' ? 'The core is disconnected.' : 'No trades seen yet.'}
        </p>
      ) : (
        // By position, as the ladder: each new trade updates rows in place rather than remounting.
        trades.map((t, i) => (
          <div
            key={i}
            className="book-row"
            role="row"
            data-testid="tape-trade"
            data-side={t.side ?? 'unknown'}
          >
            <span role="cell">{formatTime(t.time)}</span>
            <span role="cell" className="tape-price" title={t.side ? `taker ${t.side}` : 'side not given'}>
              {formatPrice(t.price, decimals)}
            </span>
            <span role="cell">{formatVolume(t.amount)}</span>
          </div>
        ))
      )}
    </div>
  );
}

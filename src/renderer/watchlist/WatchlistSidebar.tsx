import { memo, useEffect, useState } from 'react';
import type { RuleView } from '../../shared/contract/methods/signals';
import type { WatchItem } from '../../shared/domain/settings';
import { formatPercent, formatPrice } from '../format/numbers';
import { useSettings, useSettingsStore } from '../settings/SettingsProvider';
import { symbolKey } from '../state/market-store';
import { useMarket, useRules, useStores, useUi } from '../state/StoresProvider';
import { timeframeMs } from '../../shared/timeframe';
import { RemoveWatchDialog, rulesUsing } from './RemoveWatchDialog';
import { FreshnessTag, isOutdated } from '../live/FreshnessTag';
import { useFreshness } from '../live/use-freshness';
import { Sparkline } from './Sparkline';
import { groupByExchange, moveItem, removeItem } from './watchlist-order';

const SPARK_REFRESH_MS = 60_000;
const TICKER_ONLY = { kind: 'ticker' } as const;

/** The symbols being watched, grouped by exchange, each with its last price, 24h change and sparkline. */
export function WatchlistSidebar() {
  const watchlist = useSettings()?.watchlist;
  const openDialog = useUi((s) => s.openDialog);
  const groups = watchlist ? groupByExchange(watchlist) : [];
  return (
    <aside className="sidebar" aria-labelledby="watchlist-title">
      <div className="sidebar-header">
        <h2 id="watchlist-title" className="section-title">
          Watchlist
        </h2>
        <button
          type="button"
          className="button small"
          onClick={() => openDialog({ kind: 'symbol-search' })}
          title="Add a symbol (Ctrl+K)"
          aria-keyshortcuts="Control+K"
        >
          + Add
        </button>
      </div>
      {watchlist === undefined ? null : watchlist.length === 0 ? (
        <div className="empty-state">
          <p className="empty-title">No symbols yet</p>
          <p className="empty-hint">Symbols you watch appear here with their last price.</p>
        </div>
      ) : (
        groups.map((g) => (
          <section key={g.exchange} className="watch-group" aria-label={`${g.exchange} symbols`}>
            <h3 className="watch-group-title">{g.exchange}</h3>
            <ul className="watchlist">
              {g.items.map((item, i) => (
                <WatchRow
                  key={item.symbol}
                  item={item}
                  first={i === 0}
                  last={i === g.items.length - 1}
                  all={watchlist}
                />
              ))}
            </ul>
          </section>
        ))
      )}
    </aside>
  );
}

const WatchRow = memo(function WatchRow({
  item,
  first,
  last,
  all,
}: {
  item: WatchItem;
  first: boolean;
  last: boolean;
  all: WatchItem[];
}) {
  const { market } = useStores();
  const settings = useSettingsStore();
  const key = symbolKey(item.exchange, item.symbol);
  const ticker = useMarket((s) => s.tickers[key]);
  const spark = useMarket((s) => s.sparks[key]);
  const decimals = useMarket((s) => s.markets[key]?.priceDecimals ?? null);
  const selected = useUi((s) => s.chart?.exchange === item.exchange && s.chart.symbol === item.symbol);
  const openChart = useUi((s) => s.openChart);
  const rules = useRules((s) => s.rules);
  const [confirming, setConfirming] = useState<RuleView[] | null>(null);
  const fresh = useFreshness(item.exchange, item.symbol, key, TICKER_ONLY);
  const outdated = isOutdated(fresh);
  // The sparkline reads the longest timeframe watched: the widest view for 48 points.
  const sparkTf = [...item.timeframes].sort((a, b) => timeframeMs(b) - timeframeMs(a))[0] ?? '1m';

  useEffect(() => {
    market.ensureMarket(item.exchange, item.symbol);
    void market.loadSparkline(item.exchange, item.symbol, sparkTf);
    const timer = setInterval(
      () => void market.loadSparkline(item.exchange, item.symbol, sparkTf),
      SPARK_REFRESH_MS,
    );
    return () => clearInterval(timer);
  }, [market, item.exchange, item.symbol, sparkTf]);

  const change = ticker?.changePercent24h ?? null;
  const tone = change === null || change === 0 ? '' : change > 0 ? 'up' : 'down';
  const points = spark && ticker?.last != null ? [...spark, ticker.last] : (spark ?? []);
  const save = (next: WatchItem[]) => void settings.update({ watchlist: next });
  const label = `${item.symbol} on ${item.exchange}`;

  return (
    <li
      className={selected ? 'watch-row selected' : 'watch-row'}
      data-symbol={item.symbol}
      data-exchange={item.exchange}
      data-freshness={fresh.kind}
    >
      <button
        type="button"
        className="watch-main"
        aria-current={selected ? 'true' : undefined}
        aria-label={`Open chart of ${label}${outdated ? ` (${fresh.text})` : ''}`}
        onClick={() => openChart({ exchange: item.exchange, symbol: item.symbol })}
      >
        <span className="watch-symbol">{item.symbol}</span>
        <span className="watch-price num">{formatPrice(ticker?.last, decimals)}</span>
        <Sparkline values={points} />
        <span className={`watch-change num ${tone}`}>{formatPercent(change)}</span>
        {outdated ? <FreshnessTag freshness={fresh} /> : null}
      </button>
      <span className="watch-actions">
        <button
          type="button"
          className="icon-button"
          aria-label={`Move ${label} up`}
          disabled={first}
          onClick={() => save(moveItem(all, item, -1))}
        >
          ↑
        </button>
        <button
          type="button"
          className="icon-button"
          aria-label={`Move ${label} down`}
          disabled={last}
          onClick={() => save(moveItem(all, item, 1))}
        >
          ↓
        </button>
        <button
          type="button"
          className="icon-button"
          aria-label={`Remove ${label}`}
          onClick={() => {
            // Rules keep what they read, but the user decides knowing which rules read this symbol.
            const using = rulesUsing(rules, item);
            if (using.length === 0) save(removeItem(all, item));
            else setConfirming(using);
          }}
        >
          ×
        </button>
      </span>
      {confirming ? (
        <RemoveWatchDialog
          item={item}
          rules={confirming}
          onClose={() => setConfirming(null)}
          onConfirm={() => {
            setConfirming(null);
            save(removeItem(all, item));
          }}
        />
      ) : null}
    </li>
  );
});

import { useEffect, useId, useState, type KeyboardEvent } from 'react';
import type { MarketInfo } from '../../shared/domain/exchange';
import { useSettings, useSettingsStore } from '../settings/SettingsProvider';
import { useMarket, useUi } from '../state/StoresProvider';
import { useApi } from '../transport/TransportProvider';
import { Dialog } from '../ui/Dialog';
import { InlineSelect } from '../ui/Select';
import { addItem, sameItem } from './watchlist-order';

const SEARCH_DEBOUNCE_MS = 150;

/** Search the markets of an exchange and add one to the watchlist (Ctrl+K). */
export function SymbolSearchDialog() {
  const api = useApi();
  const settings = useSettings();
  const settingsStore = useSettingsStore();
  const exchanges = useMarket((s) => s.exchanges);
  const close = useUi((s) => s.closeDialog);
  const openChart = useUi((s) => s.openChart);
  const chartExchange = useUi((s) => s.chart?.exchange);
  const ready = (exchanges ?? []).filter((e) => e.status === 'ready');
  const [exchange, setExchange] = useState(() => chartExchange ?? settings?.watchlist[0]?.exchange ?? 'sim');
  const [query, setQuery] = useState('');
  const [results, setResults] = useState<MarketInfo[]>([]);
  const [error, setError] = useState<string>();
  const [active, setActive] = useState(0);
  const listId = useId();

  useEffect(() => {
    let live = true;
    const timer = setTimeout(() => {
      api.call('markets:search', { exchange, query: query.trim(), limit: 50 }).then(
        (markets) => {
          if (!live) return;
          setResults(markets);
          setActive(0);
          setError(undefined);
        },
        (err: unknown) => live && setError(err instanceof Error ? err.message : String(err)),
      );
    }, SEARCH_DEBOUNCE_MS);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [api, exchange, query]);

  const watchlist = settings?.watchlist ?? [];
  const add = async (m: MarketInfo) => {
    const item = { exchange, symbol: m.symbol, timeframes: ['1m'] };
    if (!watchlist.some((w) => sameItem(w, item)))
      await settingsStore.update({ watchlist: addItem(watchlist, item) });
    openChart({ exchange, symbol: m.symbol });
    close();
  };

  const onKeyDown = (e: KeyboardEvent<HTMLInputElement>) => {
    if (e.key === 'Escape' && query !== '') {
      // First Esc clears the field and leaves it (the dialog stays); the next one closes the dialog.
      e.preventDefault();
      e.stopPropagation();
      setQuery('');
      e.currentTarget.blur();
      return;
    }
    if (e.key === 'ArrowDown') setActive((a) => Math.min(a + 1, results.length - 1));
    else if (e.key === 'ArrowUp') setActive((a) => Math.max(a - 1, 0));
    else if (e.key === 'Enter' && results[active]) void add(results[active]);
    else return;
    e.preventDefault();
  };

  const options =
    ready.length > 0
      ? ready.map((e) => ({ value: e.id, label: e.name }))
      : [{ value: exchange, label: exchange }];
  return (
    <Dialog title="Add a symbol" onClose={close}>
      <div className="search-bar">
        <InlineSelect label="Exchange" value={exchange} options={options} onChange={setExchange} />
        <label className="field grow">
          <span>Symbol</span>
          <input
            type="search"
            data-autofocus
            data-symbol-search
            placeholder="BTC, ETH/USDT…"
            value={query}
            role="combobox"
            aria-expanded={results.length > 0}
            aria-controls={listId}
            aria-activedescendant={results[active] ? `${listId}-${active}` : undefined}
            onChange={(e) => setQuery(e.target.value)}
            onKeyDown={onKeyDown}
          />
        </label>
      </div>
      {error ? (
        <p className="form-error" role="alert">
          {error}
        </p>
      ) : null}
      <ul id={listId} className="search-results" role="listbox" aria-label="Markets">
        {results.map((m, i) => {
          const watched = watchlist.some((w) => w.exchange === exchange && w.symbol === m.symbol);
          return (
            <li
              key={m.symbol}
              id={`${listId}-${i}`}
              role="option"
              aria-selected={i === active}
              className={i === active ? 'search-result active' : 'search-result'}
              onMouseEnter={() => setActive(i)}
              onClick={() => void add(m)}
            >
              <span className="watch-symbol">{m.symbol}</span>
              <span className="muted">
                {m.type}
                {m.active ? '' : ' · inactive'}
              </span>
              <span className="muted">{watched ? 'watched' : 'add'}</span>
            </li>
          );
        })}
        {results.length === 0 && !error ? <li className="empty-hint">No market matches.</li> : null}
      </ul>
    </Dialog>
  );
}

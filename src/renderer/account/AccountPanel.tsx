import { useEffect, useState } from 'react';
import type { AccountPosition, AccountSnapshot } from '../../shared/contract/methods/account';
import { formatAmount, formatPrice } from '../format/numbers';
import { formatShortDateTime } from '../format/time';
import { ageText, type Freshness } from '../live/freshness';
import { useNow } from '../live/use-now';
import { useUi } from '../state/StoresProvider';
import { useApi, useCoreLink } from '../transport/TransportProvider';
import { TableHead, type Column } from '../ui/TableHead';
import { FillsTable } from './FillsTable';
import { positionView } from './position-view';

const BALANCE_COLUMNS: readonly Column[] = [
  { label: 'Asset' },
  { label: 'Free', numeric: true },
  { label: 'In orders', numeric: true },
  { label: 'Total', numeric: true },
  { label: 'Value (USDT)', numeric: true },
];
const POSITION_COLUMNS: readonly Column[] = [
  { label: 'Position' },
  { label: 'Contracts', numeric: true },
  { label: 'Entry', numeric: true },
  { label: 'Mark', numeric: true },
  { label: 'PnL', numeric: true },
  { label: 'Liquidation', numeric: true },
  { label: 'Margin' },
  { label: 'Funding', numeric: true },
];
const ORDER_COLUMNS: readonly Column[] = [
  { label: 'Open order' },
  { label: 'Type' },
  { label: 'Price', numeric: true },
  { label: 'Filled / amount', numeric: true },
  { label: 'Since' },
];

/** A polling account is as current as a live one: both show the live colour. */
const shownState = (state: AccountSnapshot['state']) => (state === 'polling' ? 'live' : state);

/** Balances, positions and open orders of every exchange with keys: read-only, never an order button. */
export function AccountPanel() {
  const api = useApi();
  const openDialog = useUi((s) => s.openDialog);
  const [accounts, setAccounts] = useState<AccountSnapshot[]>();
  const [error, setError] = useState<string>();
  const coreOpen = useCoreLink() !== 'lost';

  useEffect(() => {
    let live = true;
    api.call('account:snapshot', {}).then(
      (s) => live && setAccounts(s.accounts),
      (err: unknown) => live && setError(err instanceof Error ? err.message : String(err)),
    );
    const off = api.on('account:changed', (snapshot) =>
      setAccounts((list) =>
        [...(list ?? []).filter((a) => a.exchange !== snapshot.exchange), snapshot].sort((a, b) =>
          a.exchange.localeCompare(b.exchange),
        ),
      ),
    );
    return () => {
      live = false;
      off();
    };
  }, [api]);

  if (error) return <p className="form-error">{error}</p>;
  if (!accounts) return null;
  if (accounts.length === 0) {
    return (
      <p className="empty-hint">
        No exchange account connected.{' '}
        <button
          type="button"
          className="link-button"
          onClick={() => openDialog({ kind: 'settings', section: 'exchanges' })}
        >
          Add a read-only API key in Settings
        </button>{' '}
        to see balances, positions and orders here.
      </p>
    );
  }
  return (
    <div className="account-panel">
      {accounts.map((a) => (
        <section
          key={a.exchange}
          className="settings-card account-card"
          aria-label={`${a.name} account`}
          data-freshness={
            coreOpen
              ? a.state === 'connecting' || a.state === 'error'
                ? 'reconnecting'
                : 'live'
              : 'disconnected'
          }
        >
          <header className="settings-card-header">
            <h3>{a.name}</h3>
            <span className="stream-state" data-state={shownState(a.state)}>
              <span className="state-dot" data-state={shownState(a.state)} />
              {a.state}
            </span>
            {a.totalValueUsdt !== null ? (
              <span className="num">≈ {formatPrice(a.totalValueUsdt, 2)} USDT</span>
            ) : null}
            <AccountAge account={a} />
          </header>
          {a.message ? <p className={a.state === 'error' ? 'form-error' : 'muted'}>{a.message}</p> : null}
          {a.balances.length > 0 ? (
            <table className="data-table" aria-label={`${a.name} balances`}>
              <TableHead columns={BALANCE_COLUMNS} />
              <tbody>
                {a.balances.map((b) => (
                  <tr key={b.asset}>
                    <th scope="row">{b.asset}</th>
                    <td className="num">{formatAmount(b.free)}</td>
                    <td className="num">{formatAmount(b.used)}</td>
                    <td className="num">{formatAmount(b.total)}</td>
                    <td className="num">{b.valueUsdt === null ? '—' : formatPrice(b.valueUsdt, 2)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          ) : null}
          {a.positions && a.positions.length > 0 ? (
            <table className="data-table" aria-label={`${a.name} positions`}>
              <TableHead columns={POSITION_COLUMNS} />
              <tbody>
                {a.positions.map((p) => (
                  <PositionRow key={`${p.symbol}|${p.side}`} position={p} account={a} />
                ))}
              </tbody>
            </table>
          ) : null}
          {a.openOrders.length > 0 ? (
            <table className="data-table" aria-label={`${a.name} open orders`}>
              <TableHead columns={ORDER_COLUMNS} />
              <tbody>
                {a.openOrders.map((o) => (
                  <tr key={o.id}>
                    <th scope="row">
                      {o.symbol} <span className={o.side === 'buy' ? 'up' : 'down'}>{o.side}</span>
                    </th>
                    <td>{o.type ?? '—'}</td>
                    <td className="num">{formatPrice(o.price, null)}</td>
                    <td className="num">
                      {formatAmount(o.filled)} / {formatAmount(o.amount)}
                    </td>
                    <td className="num">{o.createdAt ? formatShortDateTime(o.createdAt) : '—'}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          ) : null}
        </section>
      ))}
      <FillsTable />
    </div>
  );
}

/** One position: its mark price and funding carry their age, like every price on screen. */
function PositionRow({ position: p, account }: { position: AccountPosition; account: AccountSnapshot }) {
  const now = useNow();
  const coreOpen = useCoreLink() !== 'lost';
  const view = positionView(p, account, now, coreOpen);
  return (
    <tr data-testid="position-row" data-position={`${p.symbol} ${p.side}`}>
      <th scope="row">
        {p.symbol} <span className={p.side === 'long' ? 'up' : 'down'}>{p.side}</span>
        {p.leverage ? <span className="muted"> {p.leverage}×</span> : null}
      </th>
      <td className="num" data-testid="position-size">
        {formatAmount(p.contracts)}
      </td>
      <td className="num" data-testid="position-entry">
        {formatPrice(p.entryPrice, null)}
      </td>
      <td className="num" data-testid="position-mark">
        {view.mark} <Age freshness={view.markFreshness} />
      </td>
      <td
        className={`num ${p.unrealizedPnl === null ? '' : p.unrealizedPnl >= 0 ? 'up' : 'down'}`}
        data-testid="position-pnl"
      >
        {formatPrice(p.unrealizedPnl, 2)}
      </td>
      <td className="num" data-testid="position-liquidation">
        {view.liquidation}
        {view.liquidationAway ? <span className="muted"> {view.liquidationAway}</span> : null}
      </td>
      <td data-testid="position-margin">{view.margin}</td>
      <td className="num" data-testid="position-funding">
        {view.fundingRate}
        {view.nextFunding ? <span className="muted"> {view.nextFunding}</span> : null}{' '}
        {view.fundingFreshness ? <Age freshness={view.fundingFreshness} /> : null}
      </td>
    </tr>
  );
}

/** "4 s" beside a live value; "stale 50 s" or "reconnecting · …" in the freshness colour otherwise. */
function Age({ freshness: f }: { freshness: Freshness }) {
  if (f.ageMs === null) return null;
  const live = f.kind === 'live';
  return <span className={live ? 'muted' : 'freshness'}>{live ? ageText(f.ageMs) : f.text}</span>;
}

/**
 * When the balances were read, and how long ago (a private stream may rightly stay silent for hours,
 * so age alone is no sign of trouble; the state beside it is). Says so when they are not current.
 */
function AccountAge({ account }: { account: AccountSnapshot }) {
  const now = useNow();
  const coreOpen = useCoreLink() !== 'lost';
  const at = account.balancesAt;
  if (at === null) return null;
  const outdated = !coreOpen || account.state === 'connecting' || account.state === 'error';
  return (
    <span className={outdated ? 'freshness' : 'muted'} data-testid="account-age">
      {outdated ? (coreOpen ? 'not current · ' : 'core disconnected · ') : ''}updated{' '}
      {formatShortDateTime(at)} ({ageText(now - at)} ago)
    </span>
  );
}

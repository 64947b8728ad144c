import { useEffect, useRef, useState } from 'react';
import type { AccountFill } from '../../shared/contract/methods/account';
import { formatPrice, formatVolume } from '../format/numbers';
import { formatShortDateTime } from '../format/time';
import { useUi } from '../state/StoresProvider';
import { useApi } from '../transport/TransportProvider';
import { TableHead, type Column } from '../ui/TableHead';

const FILL_COLUMNS: readonly Column[] = [
  { label: 'Time' },
  { label: 'Fill' },
  { label: 'Price', numeric: true },
  { label: 'Amount', numeric: true },
  { label: 'Fee', numeric: true },
  { label: 'Source' },
];
const PAGE = 50;

/**
 * Fills of the connected accounts, newest first. Opened from a fill alert, it lists that
 * exchange's fills from the alert's time back, with the fill marked and scrolled into view.
 */
export function FillsTable() {
  const api = useApi();
  const focus = useUi((s) => s.accountFocus);
  const [fills, setFills] = useState<AccountFill[]>();
  const [error, setError] = useState<string>();
  const [revision, setRevision] = useState(0);
  const focused = useRef<HTMLTableRowElement>(null);

  useEffect(() => api.on('account:filled', () => setRevision((r) => r + 1)), [api]);
  useEffect(() => {
    let live = true;
    const query = focus ? { exchange: focus.exchange, before: focus.time + 1, limit: PAGE } : { limit: PAGE };
    api.call('account:fills', query).then(
      (page) => {
        if (!live) return;
        setFills(page.fills);
        setError(undefined);
      },
      (err: unknown) => live && setError(err instanceof Error ? err.message : String(err)),
    );
    return () => {
      live = false;
    };
  }, [api, focus, revision]);
  useEffect(() => focused.current?.scrollIntoView?.({ block: 'nearest' }), [fills, focus]);

  if (error) return <p className="form-error">{error}</p>;
  if (!fills || (fills.length === 0 && !focus)) return null;
  return (
    <section className="settings-card" aria-label="Fills">
      <header className="settings-card-header">
        <h3>Fills{focus ? ` on ${focus.exchange} up to the alert` : ''}</h3>
      </header>
      {fills.length === 0 ? (
        <p className="muted">This fill is no longer stored.</p>
      ) : (
        <table className="data-table fills-table" aria-label="Fills">
          <TableHead columns={FILL_COLUMNS} />
          <tbody>
            {fills.map((f) => {
              const isFocus = focus !== null && f.alertId === focus.alertId;
              return (
                <tr
                  key={`${f.exchange}|${f.tradeId}`}
                  ref={isFocus ? focused : undefined}
                  className={isFocus ? 'focused' : undefined}
                  data-trade-id={f.tradeId}
                  aria-current={isFocus ? 'true' : undefined}
                >
                  <td className="num">{formatShortDateTime(f.time)}</td>
                  <th scope="row">
                    {f.symbol} <span className={f.side === 'buy' ? 'up' : 'down'}>{f.side}</span>{' '}
                    <span className="muted">{f.exchange}</span>
                  </th>
                  <td className="num">{formatPrice(f.price, null)}</td>
                  <td className="num">{formatVolume(f.amount)}</td>
                  <td className="num">{f.fee ? `${formatVolume(f.fee.cost)} ${f.fee.currency}` : '—'}</td>
                  <td>{f.source}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </section>
  );
}

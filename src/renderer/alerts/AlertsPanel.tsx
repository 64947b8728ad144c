import { useConfirm } from '../ui/ConfirmDialog';
import { Fragment, useEffect, useMemo, useState } from 'react';
import type { Alert } from '../../shared/domain/alert';
import { signalSchema } from '../../shared/domain/rule';
import { formatPercent, formatPrice } from '../format/numbers';
import { formatDateTime, formatShortDateTime } from '../format/time';
import { symbolKey } from '../state/market-store';
import { useAlerts, useRules, useStores } from '../state/StoresProvider';
import { useApi } from '../transport/TransportProvider';
import { InlineSelect } from '../ui/Select';
import { AlertDetails } from './AlertDetails';
import { alertsToCsv, downloadText } from './alerts-csv';
import {
  EMPTY_FILTER,
  openAlert,
  SIGNAL_TONE,
  sortAlerts,
  toContractFilter,
  type AlertFilterForm,
  type AlertSort,
  type AlertSortKey,
} from './alert-view';
import { NotificationPermissionButton } from './NotificationPermissionButton';

const PAGE = 200;
/** The filter choice that does not narrow. */
const ANY = { value: '', label: 'any' } as const;
const EXPORT_LIMIT = 5_000;

const COLUMNS: { key: AlertSortKey; label: string; numeric?: boolean }[] = [
  { key: 'firedAt', label: 'Time' },
  { key: 'symbol', label: 'Symbol' },
  { key: 'ruleName', label: 'Rule' },
  { key: 'signal', label: 'Signal' },
  { key: 'price', label: 'Price', numeric: true },
  { key: 'strength', label: 'Strength', numeric: true },
  { key: 'status', label: 'Status' },
];

/** The alert history: filters, sorting, dismiss, export; missed-while-away alerts as a group. */
export function AlertsPanel() {
  const [confirmDialog, confirm] = useConfirm();
  const api = useApi();
  const { ui, alerts: alertsStore } = useStores();
  const revision = useAlerts((s) => s.revision);
  const missed = useAlerts((s) => s.missed);
  const delivered = useAlerts((s) => s.delivered);
  const rules = useRules((s) => s.rules);
  const [form, setForm] = useState<AlertFilterForm>(EMPTY_FILTER);
  const [sort, setSort] = useState<AlertSort>({ key: 'firedAt', descending: true });
  const [rows, setRows] = useState<Alert[]>();
  const [hasMore, setHasMore] = useState(false);
  const [error, setError] = useState<string>();
  const [showMissed, setShowMissed] = useState(true);
  const { filter, symbolContains } = useMemo(() => toContractFilter(form), [form]);

  useEffect(() => {
    let live = true;
    api.call('alerts:list', { filter, limit: PAGE }).then(
      (page) => {
        if (!live) return;
        setRows(page.alerts);
        setHasMore(page.hasMore);
        setError(undefined);
      },
      (err: unknown) => live && setError(messageOf(err)),
    );
    return () => {
      live = false;
    };
  }, [api, filter, revision]);

  const loadMore = async () => {
    const oldest = rows?.[rows.length - 1];
    if (!oldest) return;
    const page = await api.call('alerts:list', { filter, limit: PAGE, beforeId: oldest.id });
    setRows([...(rows ?? []), ...page.alerts]);
    setHasMore(page.hasMore);
  };

  const visible = useMemo(() => {
    const list = (rows ?? []).filter((a) => symbolContains === null || a.symbol.includes(symbolContains));
    return sortAlerts(list, sort);
  }, [rows, symbolContains, sort]);
  const missedRows = visible.filter((a) => a.status === 'missed');
  const otherRows = form.status === 'missed' ? [] : visible.filter((a) => a.status !== 'missed');

  const act = (p: Promise<unknown>) => p.catch((err: unknown) => setError(messageOf(err)));
  const dismiss = (ids: number[]) => void act(api.call('alerts:dismiss', { ids }));
  const dismissAll = async () => {
    const go = await confirm({
      title: 'Dismiss alerts',
      message: 'Dismiss every active and missed alert that matches the filters?',
      confirmLabel: 'Dismiss all',
    });
    if (go) void act(api.call('alerts:dismiss-all', { filter }));
  };
  const exportCsv = async () => {
    try {
      const { alerts } = await api.call('alerts:list', { filter, limit: EXPORT_LIMIT });
      const list = alerts.filter((a) => symbolContains === null || a.symbol.includes(symbolContains));
      downloadText(`candlewatch-alerts-${new Date().toISOString().slice(0, 10)}.csv`, alertsToCsv(list));
    } catch (err) {
      setError(messageOf(err));
    }
  };
  const open = (a: Alert) => openAlert(ui.getState(), a);
  const [selected, setSelected] = useState<number | null>(null);
  const toggle = (a: Alert) => setSelected(selected === a.id ? null : a.id);
  const rowsOf = (list: Alert[]) =>
    list.map((a) => (
      <Fragment key={a.id}>
        <AlertRow
          alert={a}
          selected={selected === a.id}
          onSelect={toggle}
          onOpen={open}
          onDismiss={dismiss}
        />
        {selected === a.id ? <AlertDetails alert={a} onOpen={open} /> : null}
      </Fragment>
    ));
  const set = (patch: Partial<AlertFilterForm>) => setForm({ ...form, ...patch });

  return (
    <div className="alerts-panel">
      {confirmDialog}
      {missed.length > 0 ? (
        <MissedBanner
          count={missed.reduce((n, m) => n + m.count, 0)}
          from={Math.min(...missed.map((m) => m.from))}
          to={Math.max(...missed.map((m) => m.to))}
          symbols={[...new Set(missed.flatMap((m) => m.bySymbol.map((s) => s.symbol)))].slice(0, 5)}
          onShow={() => {
            set({ status: 'missed' });
            alertsStore.acknowledgeMissed();
          }}
          onClose={alertsStore.acknowledgeMissed}
        />
      ) : null}
      {delivered.length > 0 ? (
        <div className="missed-banner delivered-banner" role="status">
          <span>
            <strong>
              {deliveredCount(delivered)} delivered by the server while this app was disconnected
            </strong>{' '}
            (since {formatShortDateTime(Math.min(...delivered.map((d) => d.since)))}). The server fired them
            live, on time; they are in the history below.
          </span>
          <button
            type="button"
            className="icon-button"
            aria-label="Close"
            onClick={alertsStore.acknowledgeDelivered}
          >
            ×
          </button>
        </div>
      ) : null}
      <form className="filter-bar" aria-label="Filter alerts" onSubmit={(e) => e.preventDefault()}>
        <label className="field inline">
          <span>Symbol</span>
          <input
            value={form.symbol}
            placeholder="any"
            size={10}
            onChange={(e) => set({ symbol: e.target.value })}
          />
        </label>
        <InlineSelect
          label="Rule"
          value={form.ruleId}
          options={[ANY, ...rules.map((r) => ({ value: String(r.id), label: r.rule.name }))]}
          onChange={(ruleId) => set({ ruleId })}
        />
        <InlineSelect
          label="Signal"
          value={form.signal}
          options={[ANY, ...signalSchema.options]}
          onChange={(signal) => set({ signal })}
        />
        <InlineSelect
          label="Status"
          value={form.status}
          options={[ANY, 'active', 'missed', 'dismissed', 'expired']}
          onChange={(status) => set({ status })}
        />
        <label className="field inline">
          <span>From</span>
          <input type="date" value={form.fromDate} onChange={(e) => set({ fromDate: e.target.value })} />
        </label>
        <label className="field inline">
          <span>To</span>
          <input type="date" value={form.toDate} onChange={(e) => set({ toDate: e.target.value })} />
        </label>
        <span className="spacer" />
        <NotificationPermissionButton />
        <button type="button" className="button small" onClick={() => void exportCsv()}>
          Export CSV
        </button>
        <button type="button" className="button small" onClick={() => void dismissAll()}>
          Dismiss all
        </button>
      </form>
      {error ? (
        <p className="form-error" role="alert">
          {error}
        </p>
      ) : null}
      {rows === undefined ? null : visible.length === 0 ? (
        <p className="empty-hint">
          {Object.keys(filter).length > 0 || symbolContains
            ? 'No alert matches these filters.'
            : 'No alerts yet. Alerts appear here when a rule fires.'}
        </p>
      ) : (
        <table className="data-table alerts-table" aria-label="Alert history">
          <thead>
            <tr>
              {COLUMNS.map((c) => (
                <th
                  key={c.key}
                  scope="col"
                  className={c.numeric ? 'num' : undefined}
                  aria-sort={sort.key === c.key ? (sort.descending ? 'descending' : 'ascending') : 'none'}
                >
                  <button
                    type="button"
                    className="sort-button"
                    onClick={() =>
                      setSort({
                        key: c.key,
                        descending: sort.key === c.key ? !sort.descending : c.key === 'firedAt',
                      })
                    }
                  >
                    {c.label}
                    <span aria-hidden="true">
                      {sort.key === c.key ? (sort.descending ? ' ▾' : ' ▴') : ''}
                    </span>
                  </button>
                </th>
              ))}
              <th scope="col">Message</th>
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          {missedRows.length > 0 ? (
            <tbody className="missed-group">
              <tr className="group-row">
                <th scope="rowgroup" colSpan={9}>
                  <button
                    type="button"
                    className="link-button"
                    aria-expanded={showMissed}
                    onClick={() => setShowMissed(!showMissed)}
                  >
                    {showMissed ? '▾' : '▸'} Missed while away ({missedRows.length}) — computed from candles
                    backfilled after a gap or sleep
                  </button>
                  <button
                    type="button"
                    className="button small"
                    onClick={() => dismiss(missedRows.map((a) => a.id))}
                  >
                    Dismiss these
                  </button>
                </th>
              </tr>
              {showMissed ? rowsOf(missedRows) : null}
            </tbody>
          ) : null}
          <tbody>{rowsOf(otherRows)}</tbody>
        </table>
      )}
      {hasMore ? (
        <button type="button" className="button small" onClick={() => void loadMore()}>
          Load older alerts
        </button>
      ) : null}
    </div>
  );
}

function AlertRow({
  alert: a,
  selected,
  onSelect,
  onOpen,
  onDismiss,
}: {
  alert: Alert;
  selected: boolean;
  onSelect: (a: Alert) => void;
  onOpen: (a: Alert) => void;
  onDismiss: (ids: number[]) => void;
}) {
  const decimals = useAlertDecimals(a);
  const tone = SIGNAL_TONE[a.signal];
  return (
    <tr
      className="clickable"
      data-alert-id={a.id}
      data-status={a.status}
      aria-expanded={selected}
      onClick={() => onSelect(a)}
      title={`Show the status history of this alert (fired ${formatDateTime(a.firedAt)})`}
    >
      <td className="num">{formatShortDateTime(a.firedAt)}</td>
      <th scope="row">
        <button
          type="button"
          className="link-button"
          onClick={(e) => {
            e.stopPropagation();
            onOpen(a);
          }}
        >
          {a.symbol}
        </button>{' '}
        <span className="muted">{[a.exchange, a.timeframe].filter((x) => x !== '').join(' · ')}</span>
      </th>
      <td>{a.ruleName}</td>
      <td>
        <span className={`signal-badge ${tone}`}>{a.signal}</span>
      </td>
      <td className="num">{formatPrice(a.price, decimals)}</td>
      <td className="num" title={a.strengthBasis}>
        <StrengthMeter value={a.strength} />
      </td>
      <td>
        <span className={`status-badge ${a.status}`}>{a.status}</span>
      </td>
      <td className="alert-message">
        <span title={a.message}>{a.message}</span>
      </td>
      <td>
        {a.status === 'active' || a.status === 'missed' ? (
          <button
            type="button"
            className="button small"
            aria-label={`Dismiss alert ${a.ruleName} on ${a.symbol}`}
            onClick={(e) => {
              e.stopPropagation();
              onDismiss([a.id]);
            }}
          >
            Dismiss
          </button>
        ) : null}
      </td>
    </tr>
  );
}

export function StrengthMeter({ value }: { value: number }) {
  return (
    <span className="strength">
      <span className="strength-bar" aria-hidden="true">
        <span className="strength-fill" style={{ width: `${Math.round(value * 100)}%` }} />
      </span>
      <span className="num">{formatPercent(value * 100, 0).replace('+', '')}</span>
    </span>
  );
}

function useAlertDecimals(a: Alert): number | null {
  const { market } = useStores();
  return market.getState().markets[symbolKey(a.exchange, a.symbol)]?.priceDecimals ?? null;
}

function MissedBanner(props: {
  count: number;
  from: number;
  to: number;
  symbols: string[];
  onShow: () => void;
  onClose: () => void;
}) {
  return (
    <div className="missed-banner" role="status">
      <span>
        <strong>{props.count === 1 ? '1 alert was' : `${props.count} alerts were`} missed while away</strong>{' '}
        ({formatShortDateTime(props.from)} → {formatShortDateTime(props.to)}
        {props.symbols.length > 0 ? `: ${props.symbols.join(', ')}` : ''}). They were computed from candles
        backfilled after a gap or sleep.
      </span>
      <button type="button" className="button small" onClick={props.onShow}>
        Show them
      </button>
      <button type="button" className="icon-button" aria-label="Close" onClick={props.onClose}>
        ×
      </button>
    </div>
  );
}

function deliveredCount(delivered: { count: number; truncated: boolean }[]): string {
  const count = delivered.reduce((n, d) => n + d.count, 0);
  const more = delivered.some((d) => d.truncated) ? '+' : '';
  return count === 1 && !more ? '1 alert was' : `${count}${more} alerts were`;
}

const messageOf = (err: unknown) => (err instanceof Error ? err.message : String(err));

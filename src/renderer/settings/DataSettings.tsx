import { useEffect, useState } from 'react';
import type { StoreStats } from '../../shared/contract/methods/store';
import { MAX_HISTORY_CANDLES } from '../../shared/contract/methods/store';
import { dataSettingsSchema, feedSettingsSchema } from '../../shared/domain/settings';
import { timeframeSchema } from '../../shared/domain/ids';
import { csvField } from '../../shared/csv';
import { downloadText } from '../alerts/alerts-csv';
import { formatBytes, formatInteger } from '../format/numbers';
import { formatShortDateTime } from '../format/time';
import { issuesByPath } from '../rules/rule-draft';
import { useApi } from '../transport/TransportProvider';
import { TableHead, type Column } from '../ui/TableHead';
import { TextField } from '../ui/TextField';
import { useSettings, useSettingsStore } from './SettingsProvider';

type RetentionRow = { timeframe: string; days: string };

/** Retention per timeframe, the stale timeout, what the database holds, and candle export. */
export function DataSettings() {
  const api = useApi();
  const settings = useSettings();
  const store = useSettingsStore();
  const [stats, setStats] = useState<StoreStats>();
  const [rows, setRows] = useState<RetentionRow[]>(() =>
    Object.entries(settings?.data.retention ?? {}).map(([timeframe, days]) => ({
      timeframe,
      days: days === null ? '' : String(days),
    })),
  );
  const [stale, setStale] = useState(String((settings?.feed.staleTimeoutMs ?? 30_000) / 1000));
  const [message, setMessage] = useState<string>();
  const setRow = (i: number, patch: Partial<RetentionRow>) =>
    setRows(rows.map((x, j) => (j === i ? { ...x, ...patch } : x)));

  useEffect(() => {
    let live = true;
    api.call('store:stats', {}).then(
      (s) => live && setStats(s),
      () => {},
    );
    return () => {
      live = false;
    };
  }, [api]);

  const retention = Object.fromEntries(
    rows.map((r) => [r.timeframe, r.days.trim() === '' ? null : Number(r.days)]),
  );
  const parsedData = dataSettingsSchema.safeParse({ retention });
  const parsedFeed = feedSettingsSchema.safeParse({ staleTimeoutMs: Math.round(Number(stale) * 1000) });
  const dataErrors = parsedData.success ? new Map<string, string>() : issuesByPath(parsedData.error.issues);
  const feedError = parsedFeed.success ? undefined : 'between 1 and 600 seconds';
  const badTimeframes = rows
    .filter((r) => !timeframeSchema.safeParse(r.timeframe).success)
    .map((r) => r.timeframe);

  const save = async () => {
    if (!parsedData.success || !parsedFeed.success) return;
    await store.update({ data: parsedData.data, feed: parsedFeed.data });
    setMessage(store.getState().error ?? 'Saved.');
  };

  return (
    <div className="settings-section">
      <fieldset>
        <legend>Keep closed candles for</legend>
        {rows.map((r, i) => (
          <div key={i} className="field-row">
            <TextField
              label="Timeframe"
              error={badTimeframes.includes(r.timeframe) ? 'like 1m, 1h or 1d' : undefined}
              value={r.timeframe}
              size={5}
              onChange={(timeframe) => setRow(i, { timeframe })}
            />
            <TextField
              label="Days"
              hint="Empty: forever"
              error={dataErrors.get(`retention.${r.timeframe}`)}
              value={r.days}
              inputMode="decimal"
              size={6}
              onChange={(days) => setRow(i, { days })}
            />
            <button
              type="button"
              className="button small"
              onClick={() => setRows(rows.filter((_, j) => j !== i))}
            >
              Keep forever
            </button>
          </div>
        ))}
        <button
          type="button"
          className="button small"
          onClick={() => setRows([...rows, { timeframe: '5m', days: '365' }])}
        >
          + Limit another timeframe
        </button>
      </fieldset>
      <fieldset>
        <legend>Streams</legend>
        <TextField
          label="A stream is stale after (s) without data"
          error={feedError}
          value={stale}
          inputMode="numeric"
          size={5}
          onChange={setStale}
        />
      </fieldset>
      <div className="button-row">
        <button
          type="button"
          className="button primary"
          disabled={!parsedData.success || !parsedFeed.success}
          onClick={() => void save()}
        >
          Save data settings
        </button>
        {message ? <span role="status">{message}</span> : null}
      </div>
      <h3 className="subsection-title">Database</h3>
      {stats ? <StatsView stats={stats} /> : <p className="muted">Reading…</p>}
    </div>
  );
}

const SERIES_COLUMNS: readonly Column[] = [
  { label: 'Series' },
  { label: 'Candles', numeric: true },
  { label: 'From' },
  { label: 'To' },
  { label: 'Export', hidden: true },
];

function StatsView({ stats }: { stats: StoreStats }) {
  const api = useApi();
  const [exporting, setExporting] = useState<string>();
  const exportSeries = async (s: StoreStats['series'][number]) => {
    const key = `${s.exchange}|${s.symbol}|${s.timeframe}`;
    setExporting(key);
    try {
      const series = { exchange: s.exchange, symbol: s.symbol, timeframe: s.timeframe };
      const lines = ['timestamp,open,high,low,close,volume'];
      let from = s.first ?? 0;
      const to = s.last ?? Date.now();
      // Pages of at most MAX_HISTORY_CANDLES: the contract caps one answer.
      for (;;) {
        const page = await api.call('candles:history', { series, from, to });
        for (const c of page.candles) lines.push(c.map(csvField).join(','));
        const last = page.candles[page.candles.length - 1];
        if (!page.truncated || !last || page.candles.length < MAX_HISTORY_CANDLES) break;
        from = last[0] + 1;
      }
      downloadText(
        `${s.exchange}-${s.symbol.replace('/', '')}-${s.timeframe}.csv`,
        `${lines.join('\r\n')}\r\n`,
      );
    } finally {
      setExporting(undefined);
    }
  };
  return (
    <>
      <p>
        <span data-testid="db-size">{formatBytes(stats.databaseBytes + stats.walBytes)}</span> on disk (
        {formatBytes(stats.walBytes)} not yet folded in) · {formatInteger(stats.totalCandles)} candles ·{' '}
        {stats.writer.pending} waiting to be written
        {stats.writer.anomalies > 0
          ? ` · ${stats.writer.anomalies} changed closed candles kept as first stored`
          : ''}
      </p>
      {stats.writer.lastError ? (
        <p className="form-error">Last write failed: {stats.writer.lastError.message}</p>
      ) : null}
      <table className="data-table" aria-label="Stored series">
        <TableHead columns={SERIES_COLUMNS} />
        <tbody>
          {stats.series.map((s) => {
            const key = `${s.exchange}|${s.symbol}|${s.timeframe}`;
            return (
              <tr key={key}>
                <th scope="row">
                  {s.exchange} {s.symbol} {s.timeframe}
                </th>
                <td className="num">{formatInteger(s.candles)}</td>
                <td className="num">{s.first === null ? '—' : formatShortDateTime(s.first)}</td>
                <td className="num">{s.last === null ? '—' : formatShortDateTime(s.last)}</td>
                <td>
                  <button
                    type="button"
                    className="button small"
                    disabled={exporting !== undefined || s.candles === 0}
                    onClick={() => void exportSeries(s)}
                  >
                    {exporting === key ? 'Exporting…' : 'Export CSV'}
                  </button>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </>
  );
}

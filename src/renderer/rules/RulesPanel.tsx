import { useConfirm } from '../ui/ConfirmDialog';
import { useRef, useState } from 'react';
import type { RuleView } from '../../shared/contract/methods/signals';
import { rulesFileSchema, type Rule } from '../../shared/domain/rule';
import { downloadText } from '../alerts/alerts-csv';
import { SIGNAL_TONE } from '../alerts/alert-view';
import { useRules, useStores, useUi } from '../state/StoresProvider';
import { useApi } from '../transport/TransportProvider';
import { TableHead, type Column } from '../ui/TableHead';
import { copyName } from './rule-draft';
import { BACKTEST_DAYS, describeBacktest, runBacktest } from './backtest';
import { RuleReadinessBadge } from './RuleReadinessBadge';

export function ruleTarget(rule: Rule): string {
  if (rule.symbol) return rule.symbol;
  if (rule.symbols)
    return rule.symbols.length <= 3 ? rule.symbols.join(', ') : `${rule.symbols.length} symbols`;
  return 'watchlist';
}

const RULE_COLUMNS: readonly Column[] = [
  { label: 'Enabled' },
  { label: 'Name' },
  { label: 'Status' },
  { label: 'Target' },
  { label: 'Condition' },
  { label: 'Signal' },
  { label: 'Trigger' },
  { label: 'Actions', hidden: true },
];

/** Every rule with its switches: edit, duplicate, enable/disable, backtest, delete; import/export. */
export function RulesPanel() {
  const api = useApi();
  const rules = useRules((s) => s.rules);
  const unreadable = useRules((s) => s.unreadable);
  const loaded = useRules((s) => s.loaded);
  const openDialog = useUi((s) => s.openDialog);
  const [message, setMessage] = useState<string>();
  const fileRef = useRef<HTMLInputElement>(null);

  const act = async (what: Promise<unknown>, done?: string) => {
    try {
      await what;
      setMessage(done);
    } catch (err) {
      setMessage(err instanceof Error ? err.message : String(err));
    }
  };

  const exportRules = async () => {
    const doc = await api.call('rules:export', {});
    downloadText('candlewatch-rules.json', `${JSON.stringify(doc, null, 2)}\n`, 'application/json');
  };

  const importRules = async (file: File) => {
    let json: unknown;
    try {
      json = JSON.parse(await file.text());
    } catch {
      setMessage(`${file.name} is not JSON.`);
      return;
    }
    const doc = rulesFileSchema.safeParse(json);
    if (!doc.success) {
      setMessage(
        `${file.name} is not a Candlewatch rules file: ${doc.error.issues[0]?.message ?? 'unknown format'}`,
      );
      return;
    }
    await act(
      api.call('rules:import', { document: doc.data, mode: 'merge' }).then((r) => {
        setMessage(`Imported: ${r.created} created, ${r.updated} updated, ${r.unchanged} unchanged.`);
      }),
    );
  };

  return (
    <div className="rules-panel">
      <div className="panel-toolbar">
        <button type="button" className="button small primary" onClick={() => openDialog({ kind: 'rule' })}>
          New rule
        </button>
        <button type="button" className="button small" onClick={() => void act(exportRules())}>
          Export rules
        </button>
        <button type="button" className="button small" onClick={() => fileRef.current?.click()}>
          Import rules…
        </button>
        <input
          ref={fileRef}
          type="file"
          accept="application/json,.json"
          hidden
          onChange={(e) => {
            const file = e.target.files?.[0];
            e.target.value = '';
            if (file) void importRules(file);
          }}
        />
        {message ? (
          <span className="panel-message" role="status">
            {message}
          </span>
        ) : null}
      </div>
      {unreadable.length > 0 ? (
        <ul className="form-error">
          {unreadable.map((u) => (
            <li key={u.id}>
              Stored rule “{u.name}” no longer reads and is ignored: {u.error}
            </li>
          ))}
        </ul>
      ) : null}
      {loaded && rules.length === 0 ? (
        <p className="empty-hint">No rules yet. Rules watch the candles and raise alerts.</p>
      ) : (
        <table className="data-table rules-table" aria-label="Rules">
          <TableHead columns={RULE_COLUMNS} />
          <tbody>
            {rules.map((r) => (
              <RuleRow key={r.id} view={r} taken={new Set(rules.map((x) => x.rule.name))} act={act} />
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}

function RuleRow({
  view: r,
  taken,
  act,
}: {
  view: RuleView;
  taken: ReadonlySet<string>;
  act: (what: Promise<unknown>, done?: string) => Promise<void>;
}) {
  const api = useApi();
  const { ui } = useStores();
  const openDialog = useUi((s) => s.openDialog);
  const [backtest, setBacktest] = useState<string>();
  const rule = r.rule;
  const [confirmDialog, confirm] = useConfirm();
  return (
    <tr data-rule-id={r.id} data-rule-name={rule.name}>
      <td>
        <label className="switch">
          <input
            type="checkbox"
            role="switch"
            checked={rule.enabled}
            aria-label={`${rule.enabled ? 'Disable' : 'Enable'} ${rule.name}`}
            onChange={(e) => void act(api.call('rules:set-enabled', { id: r.id, enabled: e.target.checked }))}
          />
          <span aria-hidden="true" />
        </label>
      </td>
      <th scope="row">
        {rule.name}
        {r.expired ? <span className="status-badge expired"> expired</span> : null}
        {r.source !== 'user' ? <span className="muted"> · from {r.source}</span> : null}
      </th>
      <td>
        <RuleReadinessBadge readiness={r.readiness} />
      </td>
      <td className="nowrap">
        {ruleTarget(rule)}{' '}
        <span className="muted">
          {rule.exchange} · {rule.timeframe}
        </span>
      </td>
      <td>
        {r.summary}
        <span className="muted"> · {rule.evaluate === 'close' ? 'on close' : 'intrabar'}</span>
        {backtest ? (
          <span className="backtest-result" role="status">
            {' '}
            · {backtest}
          </span>
        ) : null}
      </td>
      <td>
        <span className={`signal-badge ${SIGNAL_TONE[rule.signal]}`}>{rule.signal}</span>
        {rule.urgent ? <span className="muted"> urgent</span> : null}
      </td>
      <td>{rule.trigger}</td>
      <td>
        <div className="row-actions">
          <button
            type="button"
            className="button small"
            onClick={() => openDialog({ kind: 'rule', ruleId: r.id })}
          >
            Edit
          </button>
          <button
            type="button"
            className="button small"
            onClick={() =>
              void act(
                api.call('rules:create', { ...rule, name: copyName(rule.name, taken) }),
                'Rule duplicated.',
              )
            }
          >
            Duplicate
          </button>
          <button
            type="button"
            className="button small"
            title={`Run the rule over the last ${BACKTEST_DAYS} days of stored candles`}
            onClick={() => {
              setBacktest('backtesting…');
              runBacktest(api, { id: r.id }, BACKTEST_DAYS).then(
                (result) => {
                  setBacktest(describeBacktest(result));
                  const symbol = rule.symbol ?? result.firings[0]?.symbol;
                  if (symbol) {
                    ui.getState().showBacktest({
                      key: { exchange: rule.exchange, symbol, timeframe: rule.timeframe },
                      ruleName: rule.name,
                      result,
                    });
                    ui.getState().openChart(
                      { exchange: rule.exchange, symbol },
                      { timeframe: rule.timeframe },
                    );
                  }
                },
                (err: unknown) =>
                  setBacktest(`backtest failed: ${err instanceof Error ? err.message : String(err)}`),
              );
            }}
          >
            Backtest
          </button>
          <button
            type="button"
            className="button small danger"
            onClick={() =>
              void confirm({
                title: 'Delete rule',
                message: `Delete the rule “${rule.name}”? Its alerts stay in the history.`,
                confirmLabel: 'Delete rule',
                danger: true,
              }).then((go) => go && void act(api.call('rules:delete', { id: r.id }), 'Rule deleted.'))
            }
          >
            Delete
          </button>
          {confirmDialog}
        </div>
      </td>
    </tr>
  );
}

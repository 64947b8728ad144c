import { useMemo, useState, type FormEvent } from 'react';
import type { BacktestResult } from '../../shared/contract/methods/signals';
import { SOUND_IDS } from '../../shared/domain/notifications';
import { signalSchema, type RuleInput, type Trigger } from '../../shared/domain/rule';
import { useSettings } from '../settings/SettingsProvider';
import { useMarket, useRules, useStores, useUi } from '../state/StoresProvider';
import { useApi } from '../transport/TransportProvider';
import { Checkbox } from '../ui/Checkbox';
import { Dialog } from '../ui/Dialog';
import { Field } from '../ui/Field';
import { InlineSelect, SelectField, type Choice } from '../ui/Select';
import { TextField } from '../ui/TextField';
import { BACKTEST_DAYS, describeBacktest, runBacktest } from './backtest';
import { ConditionFields } from './ConditionFields';
import {
  changedPaths,
  conditionInput,
  draftFromRule,
  newRuleDraft,
  validateDraft,
  type RuleDraft,
} from './rule-draft';

const TIMEFRAMES = ['1m', '3m', '5m', '15m', '30m', '1h', '2h', '4h', '1d', '1w'];
const TRIGGERS: readonly Choice<Trigger>[] = [
  { value: 'once-per-bar', label: 'at most once per candle' },
  { value: 'once', label: 'once, then stay quiet' },
  { value: 'every-time', label: 'every time, with a cooldown' },
  { value: 'rearm', label: 'again only after the condition was false' },
];

/** Create or edit a rule, validated as you type with the same schema main uses; backtest before saving. */
export function RuleEditorDialog({ ruleId, preset }: { ruleId?: number; preset?: Partial<RuleDraft> }) {
  const api = useApi();
  const { ui } = useStores();
  const close = useUi((s) => s.closeDialog);
  const rules = useRules((s) => s.rules);
  const settings = useSettings();
  const exchanges = useMarket((s) => s.exchanges);
  const existing = ruleId === undefined ? undefined : rules.find((r) => r.id === ruleId);
  const [draft, setDraft] = useState<RuleDraft>(() =>
    existing
      ? { ...draftFromRule(existing.rule), ...preset }
      : newRuleDraft({ exchange: settings?.watchlist[0]?.exchange ?? 'sim', ...preset }),
  );
  const [touched, setTouched] = useState<ReadonlySet<string>>(new Set());
  const [submitted, setSubmitted] = useState(false);
  const [saving, setSaving] = useState(false);
  const [serverError, setServerError] = useState<string>();
  const [backtest, setBacktest] = useState<{ text: string; result?: BacktestResult }>();
  const [days, setDays] = useState(BACKTEST_DAYS);
  const validation = useMemo(() => validateDraft(draft), [draft]);

  const error = (path: string) => {
    const message = validation.errors.get(path);
    if (!message) return undefined;
    const shown = submitted || [...touched].some((t) => path === t || path.startsWith(`${t}.`));
    return shown ? message : undefined;
  };
  // Messages about the rule as a whole, or about a field the form does not show.
  const shownPaths = new Set([
    'name',
    'exchange',
    'symbol',
    'symbols',
    'timeframe',
    'cooldownSeconds',
    'expiresAt',
    'alertExpiryMinutes',
    'message',
  ]);
  const general = submitted
    ? [...validation.errors].filter(
        ([path]) => path === '' || (!shownPaths.has(path) && !path.startsWith('when')),
      )
    : [];

  const touch = (paths: string[]) => {
    if (paths.some((p) => !touched.has(p))) setTouched(new Set([...touched, ...paths]));
  };
  const set = (patch: Partial<RuleDraft>) => {
    setDraft({ ...draft, ...patch });
    touch(Object.keys(patch));
  };
  const onWhen = (when: RuleDraft['when']) => {
    // Only what changed: a new condition type must not show its empty fields as errors yet.
    touch(changedPaths(conditionInput(draft.when), conditionInput(when), 'when'));
    setDraft({ ...draft, when });
  };

  const save = async (e: FormEvent) => {
    e.preventDefault();
    setSubmitted(true);
    if (!validation.ok) return;
    setSaving(true);
    setServerError(undefined);
    try {
      if (existing) await api.call('rules:update', { id: existing.id, rule: validation.rule });
      else await api.call('rules:create', validation.rule);
      close();
    } catch (err) {
      setServerError(err instanceof Error ? err.message : String(err));
    } finally {
      setSaving(false);
    }
  };

  const test = async () => {
    setSubmitted(true);
    if (!validation.ok) return;
    setBacktest({ text: 'Backtesting…' });
    try {
      const rule: RuleInput = validation.rule;
      const result = await runBacktest(api, { rule }, days);
      setBacktest({ text: describeBacktest(result), result });
    } catch (err) {
      setBacktest({ text: `Backtest failed: ${err instanceof Error ? err.message : String(err)}` });
    }
  };

  const showOnChart = (result: BacktestResult) => {
    const symbol = draft.target === 'symbol' ? draft.symbol.trim().toUpperCase() : result.firings[0]?.symbol;
    if (!symbol) return;
    const key = { exchange: draft.exchange, symbol, timeframe: draft.timeframe };
    // The editor steps aside rather than changing the chart behind itself; what was typed is kept
    // with the markers, and the chart's banner brings it back.
    const returnTo = { kind: 'rule' as const, ruleId, draft };
    const s = ui.getState();
    s.showBacktest({ key, ruleName: draft.name || 'unsaved rule', result, returnTo });
    s.closeDialog();
    s.openChart({ exchange: key.exchange, symbol }, { timeframe: key.timeframe });
  };

  const exchangeIds = [...new Set([...(exchanges ?? []).map((x) => x.id), draft.exchange])];
  const watchedSymbols = (settings?.watchlist ?? [])
    .filter((w) => w.exchange === draft.exchange)
    .map((w) => w.symbol);

  return (
    <Dialog
      wide
      title={existing ? `Edit rule “${existing.rule.name}”` : 'New rule'}
      onClose={close}
      footer={
        <>
          <div className="backtest-box">
            <InlineSelect
              label="Backtest over"
              value={String(days)}
              options={[1, 7, 30, 90, 365].map((d) => ({
                value: String(d),
                label: d === 1 ? '1 day' : `${d} days`,
              }))}
              onChange={(d) => setDays(Number(d))}
            />
            <button type="button" className="button" onClick={() => void test()}>
              Backtest
            </button>
            <span className="backtest-result" role="status">
              {backtest ? (
                <>
                  {backtest.text}
                  {backtest.result && backtest.result.firings.length > 0 ? (
                    <button
                      type="button"
                      className="link-button"
                      onClick={() => showOnChart(backtest.result!)}
                    >
                      Show on chart
                    </button>
                  ) : null}
                  {backtest.result?.notes.map((n) => (
                    <span key={n} className="muted">
                      {' '}
                      ({n})
                    </span>
                  ))}
                </>
              ) : (
                <span className="muted">How often it would have fired on the stored candles.</span>
              )}
            </span>
          </div>
          <span className="spacer" />
          <button type="button" className="button" onClick={close}>
            Cancel
          </button>
          <button type="submit" form="rule-form" className="button primary" disabled={saving}>
            {existing ? 'Save rule' : 'Create rule'}
          </button>
        </>
      }
    >
      <form id="rule-form" className="rule-form" noValidate onSubmit={(e) => void save(e)}>
        {serverError ? (
          <p className="form-error" role="alert">
            {serverError}
          </p>
        ) : null}
        {general.length > 0 ? (
          <ul className="form-error" role="alert">
            {general.map(([path, message]) => (
              <li key={path}>{message}</li>
            ))}
          </ul>
        ) : null}
        <div className="field-row">
          <TextField
            label="Name"
            error={error('name')}
            className="grow"
            value={draft.name}
            placeholder="BTC RSI oversold"
            onChange={(name) => set({ name })}
          />
          <SelectField
            label="Exchange"
            error={error('exchange')}
            value={draft.exchange}
            options={exchangeIds}
            onChange={(exchange) => set({ exchange })}
          />
          <SelectField
            label="Timeframe"
            error={error('timeframe')}
            value={draft.timeframe}
            options={[...new Set([...TIMEFRAMES, draft.timeframe])]}
            onChange={(timeframe) => set({ timeframe })}
          />
        </div>
        <fieldset className="field-row">
          <legend>Applies to</legend>
          {(['symbol', 'symbols', 'watchlist'] as const).map((t) => (
            <label key={t} className="radio">
              <input
                type="radio"
                name="target"
                checked={draft.target === t}
                onChange={() => set({ target: t })}
              />
              {t === 'symbol'
                ? 'one symbol'
                : t === 'symbols'
                  ? 'several symbols'
                  : `every watched ${draft.exchange} symbol`}
            </label>
          ))}
          {draft.target === 'symbol' ? (
            <Field label="Symbol" error={error('symbol')}>
              {({ id, describedBy, invalid }) => (
                <>
                  <input
                    id={id}
                    list="rule-symbols"
                    value={draft.symbol}
                    aria-describedby={describedBy}
                    aria-invalid={invalid}
                    placeholder="BTC/USDT"
                    onChange={(e) => set({ symbol: e.target.value })}
                  />
                  <datalist id="rule-symbols">
                    {watchedSymbols.map((s) => (
                      <option key={s} value={s} />
                    ))}
                  </datalist>
                </>
              )}
            </Field>
          ) : null}
          {draft.target === 'symbols' ? (
            <TextField
              label="Symbols"
              error={error('symbols')}
              hint="Separated by commas"
              className="grow"
              value={draft.symbols}
              placeholder="BTC/USDT, ETH/USDT"
              onChange={(symbols) => set({ symbols })}
            />
          ) : null}
        </fieldset>
        <ConditionFields draft={draft.when} onChange={onWhen} path="when" error={error} />
        <div className="field-row">
          <SelectField
            label="Evaluate"
            value={draft.evaluate}
            options={[
              { value: 'close', label: 'on candle close' },
              { value: 'intrabar', label: 'intrabar (every tick)' },
            ]}
            onChange={(evaluate) => set({ evaluate })}
          />
          <SelectField
            label="Fires"
            error={error('trigger')}
            value={draft.trigger}
            options={TRIGGERS}
            onChange={(trigger) => set({ trigger })}
          />
          {draft.trigger === 'every-time' ? (
            <TextField
              label="Cooldown (s)"
              error={error('cooldownSeconds')}
              value={draft.cooldownSeconds}
              inputMode="numeric"
              size={7}
              onChange={(cooldownSeconds) => set({ cooldownSeconds })}
            />
          ) : null}
          <TextField
            label="Expires"
            error={error('expiresAt')}
            hint="Empty: never"
            value={draft.expiresAt}
            type="datetime-local"
            onChange={(expiresAt) => set({ expiresAt })}
          />
          <TextField
            label="Alerts expire after (min)"
            error={error('alertExpiryMinutes')}
            hint="Empty: the setting (24 h)"
            value={draft.alertExpiryMinutes}
            inputMode="numeric"
            size={6}
            onChange={(alertExpiryMinutes) => set({ alertExpiryMinutes })}
          />
        </div>
        <div className="field-row">
          <SelectField
            label="Signal"
            value={draft.signal}
            options={signalSchema.options}
            onChange={(signal) => set({ signal })}
          />
          <SelectField
            label="Sound"
            value={draft.sound}
            options={[
              { value: 'default', label: "the signal's sound" },
              { value: 'none', label: 'silent' },
              ...SOUND_IDS,
            ]}
            onChange={(sound) => set({ sound })}
          />
          <Checkbox checked={draft.urgent} onChange={(on) => set({ urgent: on })}>
            Urgent (repeats until dismissed, sounds in quiet hours)
          </Checkbox>
          <Checkbox checked={draft.enabled} onChange={(on) => set({ enabled: on })}>
            Enabled
          </Checkbox>
        </div>
        <TextField
          label="Message"
          error={error('message')}
          hint="Optional: the rule describes itself when empty. Placeholders: {{symbol}}, {{timeframe}}, {{close}}, {{strength}} and the rule's own inputs ({{rsi}}, {{ema9}}, {{level}} …)"
          value={draft.message}
          onChange={(message) => set({ message })}
        />
      </form>
    </Dialog>
  );
}

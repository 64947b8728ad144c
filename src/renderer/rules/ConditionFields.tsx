import type { PriceSource } from '../../shared/domain/indicator';
import { SelectField } from '../ui/Select';
import { TextField } from '../ui/TextField';
import {
  CONDITION_TYPES,
  conditionDraft,
  INDICATOR_KINDS,
  INDICATOR_SPECS,
  indicatorDraft,
  type ConditionDraft,
  type IndicatorDraft,
} from './rule-draft';

/** Shows the message for a path once it should be shown (touched, or after a save attempt). */
export type ErrorLookup = (path: string) => string | undefined;

const SOURCES: PriceSource[] = ['close', 'open', 'high', 'low', 'hl2', 'hlc3', 'ohlc4'];
const PART_TIMEFRAMES = ['', '1m', '5m', '15m', '30m', '1h', '4h', '1d'];

/** The fields of one condition; all-of nests single conditions, each with its own timeframe. */
export function ConditionFields({
  draft,
  onChange,
  path,
  error,
  nested = false,
}: {
  draft: ConditionDraft;
  onChange: (next: ConditionDraft) => void;
  path: string;
  error: ErrorLookup;
  nested?: boolean;
}) {
  const set = (patch: Partial<ConditionDraft>) => onChange({ ...draft, ...patch });
  const types = nested ? CONDITION_TYPES.filter((t) => t.type !== 'all-of') : CONDITION_TYPES;
  const p = (name: string) => `${path}.${name}`;
  const numberField = (label: string, name: keyof ConditionDraft & string, errorPath = p(name)) => (
    <TextField
      label={label}
      error={error(errorPath)}
      value={draft[name] as string}
      inputMode="decimal"
      data-path={p(name)}
      onChange={(v) => set({ [name]: v } as Partial<ConditionDraft>)}
    />
  );
  const directionField = (label: string, crossing: boolean) => (
    <SelectField
      label={label}
      error={error(p('direction'))}
      value={draft.direction}
      options={
        crossing
          ? [
              { value: 'above', label: 'crosses up (above)' },
              { value: 'below', label: 'crosses down (below)' },
              { value: 'either', label: 'crosses either way' },
            ]
          : ['above', 'below']
      }
      onChange={(direction) => set({ direction })}
    />
  );
  /** what an indicator is compared with: a value typed in, or another indicator's line */
  const lineChoice = (otherPath: string) => (
    <>
      <SelectField
        label="Compared with"
        value={draft.levelKind}
        options={[
          { value: 'number', label: 'a value' },
          { value: 'indicator', label: 'another indicator' },
        ]}
        onChange={(levelKind) => set({ levelKind })}
      />
      {draft.levelKind === 'number' ? numberField('Value', 'level', otherPath) : null}
    </>
  );

  return (
    <div className="condition-fields">
      <SelectField
        label={nested ? 'Condition' : 'When'}
        error={error(p('type'))}
        value={draft.type}
        options={types.map((t) => ({ value: t.type, label: t.label }))}
        onChange={(type) =>
          // Keep what was typed; a new all-of starts with two parts to fill.
          onChange({
            ...draft,
            type,
            parts: type === 'all-of' && draft.parts.length === 0 ? [part(), part()] : draft.parts,
          })
        }
      />
      {draft.type === 'price-cross' ? (
        <div className="field-row">
          {directionField('Price', true)}
          {numberField('Level', 'level')}
        </div>
      ) : null}
      {draft.type === 'channel' ? (
        <div className="field-row">
          <SelectField
            label="Price"
            error={error(p('action'))}
            value={draft.action}
            options={[
              { value: 'enter', label: 'enters' },
              { value: 'exit', label: 'exits' },
            ]}
            onChange={(action) => set({ action })}
          />
          {numberField('Channel low', 'low')}
          {numberField('Channel high', 'high')}
        </div>
      ) : null}
      {draft.type === 'percent-move' ? (
        <div className="field-row">
          <SelectField
            label="Move"
            error={error(p('direction'))}
            value={draft.moveDirection}
            options={[{ value: 'either', label: 'up or down' }, 'up', 'down']}
            onChange={(moveDirection) => set({ moveDirection })}
          />
          {numberField('Percent', 'percent')}
          {numberField('Within candles', 'candles')}
        </div>
      ) : null}
      {draft.type === 'indicator-threshold' ? (
        <>
          <IndicatorFields
            label="Indicator"
            draft={draft.indicator}
            onChange={(indicator) => set({ indicator })}
            path={p('indicator')}
            error={error}
          />
          <div className="field-row">
            {directionField('Direction', false)}
            {lineChoice(p('level'))}
          </div>
          {draft.levelKind === 'indicator' ? (
            <IndicatorFields
              label="Other indicator"
              draft={draft.other}
              onChange={(other) => set({ other })}
              path={p('level')}
              error={error}
            />
          ) : null}
        </>
      ) : null}
      {draft.type === 'indicator-cross' ? (
        <>
          <IndicatorFields
            label="Line"
            draft={draft.indicator}
            onChange={(indicator) => set({ indicator })}
            path={p('indicator')}
            error={error}
          />
          <div className="field-row">
            {directionField('Direction', true)}
            {lineChoice(p('other'))}
          </div>
          {draft.levelKind === 'indicator' ? (
            <IndicatorFields
              label="Crosses"
              draft={draft.other}
              onChange={(other) => set({ other })}
              path={p('other')}
              error={error}
            />
          ) : null}
        </>
      ) : null}
      {draft.type === 'volume-spike' ? (
        <div className="field-row">
          {numberField('Volume ≥ × its average', 'multiplier')}
          {numberField('Average over candles', 'period')}
        </div>
      ) : null}
      {draft.type === 'all-of' ? (
        <fieldset className="all-of">
          <legend>All of these, on the same candle close</legend>
          {error(p('conditions')) ? (
            <p className="field-error" role="alert">
              {error(p('conditions'))}
            </p>
          ) : null}
          {draft.parts.map((part, i) => (
            <div key={i} className="all-of-part">
              <SelectField
                label={`Part ${i + 1} timeframe`}
                error={error(`${p('conditions')}.${i}.timeframe`)}
                value={part.timeframe}
                options={PART_TIMEFRAMES.map((tf) => ({ value: tf, label: tf || "the rule's" }))}
                onChange={(timeframe) =>
                  set({ parts: draft.parts.map((x, j) => (j === i ? { ...x, timeframe } : x)) })
                }
              />
              <ConditionFields
                nested
                draft={part.when}
                path={`${p('conditions')}.${i}.when`}
                error={error}
                onChange={(when) => set({ parts: draft.parts.map((x, j) => (j === i ? { ...x, when } : x)) })}
              />
              <button
                type="button"
                className="button small"
                onClick={() => set({ parts: draft.parts.filter((_, j) => j !== i) })}
              >
                Remove part {i + 1}
              </button>
            </div>
          ))}
          <button
            type="button"
            className="button small"
            onClick={() => set({ parts: [...draft.parts, part()] })}
          >
            + Add a condition
          </button>
        </fieldset>
      ) : null}
    </div>
  );
}

const part = () => ({ timeframe: '', when: conditionDraft('indicator-threshold') });

function IndicatorFields({
  label,
  draft,
  onChange,
  path,
  error,
}: {
  label: string;
  draft: IndicatorDraft;
  onChange: (next: IndicatorDraft) => void;
  path: string;
  error: ErrorLookup;
}) {
  const spec = INDICATOR_SPECS[draft.indicator];
  return (
    <fieldset className="indicator-fields">
      <legend>{label}</legend>
      <div className="field-row">
        <SelectField
          label="Indicator"
          error={error(`${path}.indicator`)}
          value={draft.indicator}
          options={INDICATOR_KINDS.map((k) => ({ value: k, label: INDICATOR_SPECS[k].label }))}
          onChange={(kind) => onChange(indicatorDraft(kind))}
        />
        {spec.params.map((param) => (
          <TextField
            key={param.name}
            label={param.label}
            error={error(`${path}.${param.name}`)}
            value={draft.params[param.name] ?? ''}
            inputMode="decimal"
            size={5}
            data-path={`${path}.${param.name}`}
            onChange={(v) => onChange({ ...draft, params: { ...draft.params, [param.name]: v } })}
          />
        ))}
        {spec.outputs.length > 0 ? (
          <SelectField
            label="Line"
            error={error(`${path}.output`)}
            value={draft.output}
            options={spec.outputs}
            onChange={(output) => onChange({ ...draft, output })}
          />
        ) : null}
        {spec.source ? (
          <SelectField
            label="Of"
            error={error(`${path}.source`)}
            value={draft.source}
            options={SOURCES}
            onChange={(source) => onChange({ ...draft, source })}
          />
        ) : null}
      </div>
    </fieldset>
  );
}

import { useEffect, useMemo, useRef, useState } from 'react';
import { priceSourceSchema } from '../../shared/domain/indicator';
import { INDICATOR_SPECS, type IndicatorDraft } from '../rules/rule-draft';
import { useStores, useUi } from '../state/StoresProvider';
import { SelectField } from '../ui/Select';
import { TextField } from '../ui/TextField';
import { PALETTE_SLOTS, lineColor, readChartColors } from './chart-colors';
import {
  defaultRef,
  HEX_COLOR,
  draftOf,
  entryName,
  indicatorTitle,
  MAX_CHART_INDICATORS_SHOWN,
  searchCatalog,
  validateParams,
  type ChartColor,
  type ChartIndicator,
  type ChartKind,
} from './chart-indicators';
import { colorableLines, lineColorOf, recolorLine } from './indicator-lines';
import { useThemeVersion } from './use-theme-version';

/**
 * The chart's indicator picker: a search over every indicator the rules know, and the ones on the
 * chart with their parameters and colour. It closes on Esc and on a press anywhere outside it.
 */
export function IndicatorMenu() {
  const [open, setOpen] = useState(false);
  const [query, setQuery] = useState('');
  const [editing, setEditing] = useState<string | null>(null);
  const rootRef = useRef<HTMLDivElement>(null);
  const buttonRef = useRef<HTMLButtonElement>(null);
  const stores = useStores();
  const indicators = useUi((s) => s.indicators);
  const addIndicator = useUi((s) => s.addIndicator);
  const results = useMemo(() => searchCatalog(query), [query]);
  const full = indicators.length >= MAX_CHART_INDICATORS_SHOWN;

  useEffect(() => {
    if (!open) return;
    // Capture phase: the chart's canvas handles its own presses and must not keep the menu open.
    const onPointer = (e: PointerEvent) => {
      if (!rootRef.current?.contains(e.target as Node)) setOpen(false);
    };
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== 'Escape') return;
      setOpen(false);
      buttonRef.current?.focus();
    };
    document.addEventListener('pointerdown', onPointer, true);
    document.addEventListener('keydown', onKey);
    return () => {
      document.removeEventListener('pointerdown', onPointer, true);
      document.removeEventListener('keydown', onKey);
    };
  }, [open]);

  const add = (kind: (typeof results)[number]['kind']) => {
    addIndicator(defaultRef(kind));
    // The new one opens for editing: its parameters are what a trader sets next.
    const added = stores.ui.getState().indicators.at(-1);
    if (added) setEditing(added.id);
  };

  return (
    <div className="menu" ref={rootRef}>
      <button
        ref={buttonRef}
        type="button"
        className="button small"
        aria-expanded={open}
        aria-haspopup="dialog"
        aria-controls="indicator-menu"
        onClick={() => {
          // Each opening starts a new search.
          if (!open) setQuery('');
          setOpen(!open);
        }}
      >
        Indicators{indicators.length > 0 ? ` (${indicators.length})` : ''}
      </button>
      {open ? (
        <div
          id="indicator-menu"
          className="menu-popover indicator-menu"
          role="dialog"
          aria-label="Indicators"
        >
          <input
            type="search"
            className="indicator-search"
            aria-label="Search indicators"
            placeholder="Search: RSI, moving average, volume…"
            // The field takes the typing at once: the menu is opened to search it.
            autoFocus
            value={query}
            onChange={(e) => setQuery(e.target.value)}
            onKeyDown={(e) => {
              if (e.key === 'Enter' && results[0] && !full) add(results[0].kind);
            }}
          />
          <div className="indicator-results" role="group" aria-label="Add an indicator">
            {results.map((e) => (
              <button
                key={e.kind}
                type="button"
                className="menu-item"
                data-kind={e.kind}
                disabled={full}
                onClick={() => add(e.kind)}
              >
                + {entryName(e)}
              </button>
            ))}
            {results.length === 0 ? <p className="menu-note">No indicator matches “{query}”.</p> : null}
            {full ? (
              <p className="menu-note">
                {MAX_CHART_INDICATORS_SHOWN} indicators is the most one chart shows: remove one to add
                another.
              </p>
            ) : null}
          </div>
          {indicators.length > 0 ? <p className="menu-heading">On the chart</p> : null}
          {indicators.map((ind) => (
            <ShownIndicator
              key={ind.id}
              indicator={ind}
              editing={editing === ind.id}
              onEdit={(on) => setEditing(on ? ind.id : null)}
            />
          ))}
        </div>
      ) : null}
    </div>
  );
}

function ShownIndicator({
  indicator,
  editing,
  onEdit,
}: {
  indicator: ChartIndicator;
  editing: boolean;
  onEdit: (on: boolean) => void;
}) {
  const remove = useUi((s) => s.removeIndicator);
  const themeVersion = useThemeVersion();
  // Palette colours depend on the theme; read again when it changes.
  const colors = useMemo(() => readChartColors(), [themeVersion]); // eslint-disable-line react-hooks/exhaustive-deps
  const title = indicatorTitle(indicator.ref);
  return (
    <div className="indicator-shown" data-indicator={indicator.ref.indicator} data-title={title}>
      <div className="indicator-shown-row">
        <span className="indicator-swatches">
          {colorableLines(indicator.ref.indicator as ChartKind).map((line) => (
            <span
              key={line.output ?? ''}
              className="indicator-swatch"
              style={{ background: lineColor(colors, lineColorOf(indicator, line.output, PALETTE_SLOTS)) }}
            />
          ))}
        </span>
        <span className="indicator-shown-title">{title}</span>
        <button
          type="button"
          className="button small"
          aria-expanded={editing}
          aria-label={`Edit ${title}`}
          onClick={() => onEdit(!editing)}
        >
          Edit
        </button>
        <button
          type="button"
          className="button small"
          aria-label={`Remove ${title}`}
          onClick={() => remove(indicator.id)}
        >
          ×
        </button>
      </div>
      {editing ? <IndicatorEditor indicator={indicator} palette={colors.lines} /> : null}
    </div>
  );
}

/**
 * Parameters are applied as soon as they are valid; a value the rules' schema refuses stays in
 * its field with the reason under it, and the chart keeps the last valid one.
 */
function IndicatorEditor({ indicator, palette }: { indicator: ChartIndicator; palette: readonly string[] }) {
  const update = useUi((s) => s.updateIndicator);
  const [draft, setDraft] = useState<IndicatorDraft>(() => draftOf(indicator.ref));
  const [errors, setErrors] = useState<ReadonlyMap<string, string>>(new Map());
  const spec = INDICATOR_SPECS[draft.indicator];
  const change = (next: IndicatorDraft) => {
    setDraft(next);
    const checked = validateParams(next);
    if (checked.ok) {
      setErrors(new Map());
      update(indicator.id, { ref: checked.ref });
    } else {
      setErrors(checked.errors);
    }
  };
  const lines = colorableLines(indicator.ref.indicator as ChartKind);
  return (
    <div className="indicator-editor" role="group" aria-label={`Parameters of ${spec.label}`}>
      <div className="field-row">
        {spec.params.map((p) => (
          <TextField
            key={p.name}
            label={p.label}
            error={errors.get(p.name)}
            value={draft.params[p.name] ?? ''}
            inputMode="decimal"
            size={5}
            data-param={p.name}
            onChange={(v) => change({ ...draft, params: { ...draft.params, [p.name]: v } })}
          />
        ))}
        {spec.source ? (
          <SelectField
            label="Of"
            error={errors.get('source')}
            value={draft.source}
            options={priceSourceSchema.options}
            onChange={(source) => change({ ...draft, source })}
          />
        ) : null}
      </div>
      {errors.get('') ? (
        <p className="field-error" role="alert">
          {errors.get('')}
        </p>
      ) : null}
      {lines.map((line) => (
        <LineColorChoice
          key={line.output ?? ''}
          // A one-line indicator has one colour; with several, each row names its line.
          name={lines.length > 1 ? line.name : undefined}
          color={lineColorOf(indicator, line.output, PALETTE_SLOTS)}
          palette={palette}
          onChange={(color) => update(indicator.id, recolorLine(indicator, line.output, color))}
        />
      ))}
    </div>
  );
}

/** One line's colour: a palette slot (follows the theme) or a custom colour. */
function LineColorChoice({
  name,
  color,
  palette,
  onChange,
}: {
  name: string | undefined;
  color: ChartColor;
  palette: readonly string[];
  onChange: (color: ChartColor) => void;
}) {
  return (
    <div
      className="indicator-colors"
      role="radiogroup"
      aria-label={name === undefined ? 'Colour' : `Colour of ${name}`}
    >
      {name === undefined ? null : (
        <span className="indicator-line-name" aria-hidden>
          {name}
        </span>
      )}
      {Array.from({ length: PALETTE_SLOTS }, (_, slot) => (
        <button
          key={slot}
          type="button"
          role="radio"
          aria-checked={color === slot}
          aria-label={`Colour ${slot + 1}`}
          className="indicator-swatch-button"
          style={{ background: palette[slot] }}
          onClick={() => onChange(slot)}
        />
      ))}
      <label className="indicator-custom-color">
        <input
          type="color"
          aria-label="Custom colour"
          value={typeof color === 'string' ? color : (palette[color] ?? '#888888')}
          onChange={(e) => HEX_COLOR.test(e.target.value) && onChange(e.target.value)}
        />
        <span>Custom</span>
      </label>
    </div>
  );
}

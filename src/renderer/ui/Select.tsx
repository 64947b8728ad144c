import { Field } from './Field';

/** An option: a value shown as it is, or a value with the words shown for it. */
export type Choice<T extends string> = T | { value: T; label: string };

type SelectProps<T extends string> = {
  label: string;
  value: T;
  options: readonly Choice<T>[];
  onChange: (value: T) => void;
};

function Options<T extends string>({ options }: { options: readonly Choice<T>[] }) {
  return options.map((o) => {
    const { value, label } = typeof o === 'string' ? { value: o, label: o } : o;
    return (
      <option key={value} value={value}>
        {label}
      </option>
    );
  });
}

/** A select in a form: its label above it and its validation message under it (see Field). */
export function SelectField<T extends string>({
  label,
  error,
  value,
  options,
  onChange,
}: SelectProps<T> & { error?: string }) {
  return (
    <Field label={label} error={error}>
      {({ id }) => (
        <select id={id} value={value} onChange={(e) => onChange(e.target.value as T)}>
          <Options options={options} />
        </select>
      )}
    </Field>
  );
}

/** A select in a tool or filter bar, its label in front of it. */
export function InlineSelect<T extends string>({ label, value, options, onChange }: SelectProps<T>) {
  return (
    <label className="field inline">
      <span>{label}</span>
      <select value={value} onChange={(e) => onChange(e.target.value as T)}>
        <Options options={options} />
      </select>
    </label>
  );
}

import type { InputHTMLAttributes } from 'react';
import { Field } from './Field';

type InputProps = Omit<InputHTMLAttributes<HTMLInputElement>, 'id' | 'value' | 'onChange' | 'className'>;

/**
 * A text-like input in a form (see Field): its label, hint and validation message tied to it for
 * screen readers. Other input attributes (type, inputMode, size, placeholder, data-*) pass through.
 */
export function TextField({
  label,
  error,
  hint,
  className,
  value,
  onChange,
  ...input
}: InputProps & {
  label: string;
  error?: string;
  hint?: string;
  /** of the field around the input (`grow`) */
  className?: string;
  value: string;
  onChange: (value: string) => void;
}) {
  return (
    <Field label={label} error={error} hint={hint} className={className}>
      {({ id, describedBy, invalid }) => (
        <input
          {...input}
          id={id}
          value={value}
          aria-describedby={describedBy}
          aria-invalid={invalid}
          onChange={(e) => onChange(e.target.value)}
        />
      )}
    </Field>
  );
}

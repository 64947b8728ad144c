import { useState, type FormEvent } from 'react';
import { templateProblem } from '../../shared/domain/message-template';
import { formatPrice } from '../format/numbers';
import { TextField } from '../ui/TextField';

const MAX_MESSAGE = 300;

/** The problem with an alert line's message, in the rule schema's words, or none. */
export function priceAlertMessageProblem(message: string, level: number, timeframe: string): string | null {
  const text = message.trim();
  if (text.length > MAX_MESSAGE) return `message must be at most ${MAX_MESSAGE} characters`;
  return templateProblem(text, { type: 'price-cross', direction: 'either', level }, timeframe);
}

/**
 * The last step of a price alert placed on the chart: an optional message, then Create (Enter) or
 * Cancel (Esc). The line stays where it was placed meanwhile.
 */
export function PriceAlertForm({
  symbol,
  level,
  decimals,
  timeframe,
  onCreate,
  onCancel,
}: {
  symbol: string;
  level: number;
  decimals: number | null;
  timeframe: string;
  onCreate(message: string): void;
  onCancel(): void;
}) {
  const [message, setMessage] = useState('');
  const problem = priceAlertMessageProblem(message, level, timeframe);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (problem === null) onCreate(message.trim());
  };
  return (
    <form
      className="chart-alert-form"
      aria-label="New price alert"
      onSubmit={submit}
      onKeyDown={(e) => {
        if (e.key !== 'Escape') return;
        e.stopPropagation();
        onCancel();
      }}
    >
      <p className="chart-alert-form-title">
        Alert when {symbol} crosses <strong>{formatPrice(level, decimals)}</strong>
      </p>
      <TextField
        label="Message (optional)"
        className="grow"
        value={message}
        error={problem ?? undefined}
        placeholder="e.g. {{symbol}} broke the range, check the news"
        autoFocus
        onChange={setMessage}
      />
      <div className="chart-alert-form-actions">
        <button type="button" className="button" onClick={onCancel}>
          Cancel
        </button>
        <button type="submit" className="button primary" disabled={problem !== null}>
          Create alert
        </button>
      </div>
    </form>
  );
}

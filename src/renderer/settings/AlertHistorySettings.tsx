import { useState } from 'react';
import { alertSettingsSchema } from '../../shared/domain/settings';
import { issuesByPath } from '../rules/rule-draft';
import { TextField } from '../ui/TextField';
import { useSettings, useSettingsStore } from './SettingsProvider';

/** '' is "never" / "no limit" (null); anything else is a number, refused by the schema if it is not one. */
const orNull = (text: string) => (text.trim() === '' ? null : Number(text));
const text = (n: number | null | undefined) => (n === null || n === undefined ? '' : String(n));

/** When active alerts expire and how much alert history is kept (settings `alerts`). */
export function AlertHistorySettings() {
  const settings = useSettings();
  const store = useSettingsStore();
  const current = settings?.alerts;
  const [expire, setExpire] = useState(text(current?.expireAfterMinutes));
  const [count, setCount] = useState(text(current?.keepCount));
  const [days, setDays] = useState(text(current?.keepDays));
  const [message, setMessage] = useState<string>();
  const parsed = alertSettingsSchema.safeParse({
    expireAfterMinutes: orNull(expire),
    keepCount: Number(count),
    keepDays: orNull(days),
  });
  const errors = parsed.success ? new Map<string, string>() : issuesByPath(parsed.error.issues);

  const save = async () => {
    if (!parsed.success) return;
    await store.update({ alerts: parsed.data });
    setMessage(store.getState().error ?? 'Saved.');
  };

  return (
    <fieldset>
      <legend>Alert lifecycle and history</legend>
      <div className="field-row">
        <TextField
          label="Active alerts expire after (min)"
          hint="Empty: never. A rule may set its own."
          error={errors.get('expireAfterMinutes')}
          value={expire}
          inputMode="numeric"
          size={6}
          onChange={setExpire}
        />
        <TextField
          label="Keep at most (alerts)"
          error={errors.get('keepCount')}
          value={count}
          inputMode="numeric"
          size={7}
          onChange={setCount}
        />
        <TextField
          label="Keep for (days)"
          hint="Empty: no age limit"
          error={errors.get('keepDays')}
          value={days}
          inputMode="numeric"
          size={5}
          onChange={setDays}
        />
      </div>
      <div className="button-row">
        <button type="button" className="button small" disabled={!parsed.success} onClick={() => void save()}>
          Save alert history settings
        </button>
        {message ? <span role="status">{message}</span> : null}
      </div>
    </fieldset>
  );
}

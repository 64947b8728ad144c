import { useEffect, useState } from 'react';
import {
  notificationSettingsSchema,
  SOUND_IDS,
  type ChannelStatus,
  type NotificationSettings as Prefs,
  type SoundId,
} from '../../shared/domain/notifications';
import { signalSchema } from '../../shared/domain/rule';
import { NotificationPermissionButton } from '../alerts/NotificationPermissionButton';
import { issuesByPath } from '../rules/rule-draft';
import { useStores } from '../state/StoresProvider';
import { useApi } from '../transport/TransportProvider';
import { Checkbox } from '../ui/Checkbox';
import { Field } from '../ui/Field';
import { TextField } from '../ui/TextField';
import { formatTime } from '../format/time';
import { useSettings, useSettingsStore } from './SettingsProvider';
import { TelegramTokenField } from './TelegramTokenField';

/** Native, toast, sounds (per direction, volume, mute, quiet hours), webhook and Telegram. */
export function NotificationSettings() {
  const settings = useSettings();
  const store = useSettingsStore();
  const api = useApi();
  const { sound } = useStores();
  const [form, setForm] = useState<Prefs | undefined>(settings?.notifications);
  const [saved, setSaved] = useState<string>();
  const [channels, setChannels] = useState<ChannelStatus[]>([]);

  useEffect(() => {
    let live = true;
    api.call('notify:status', {}).then(
      (s) => live && setChannels(s.channels),
      () => {},
    );
    return () => {
      live = false;
    };
  }, [api, settings]);

  if (!form) return null;
  const parsed = notificationSettingsSchema.safeParse(form);
  const errors = parsed.success ? new Map<string, string>() : issuesByPath(parsed.error.issues);
  const s = form.sound;
  const setSound = (patch: Partial<Prefs['sound']>) => setForm({ ...form, sound: { ...s, ...patch } });
  const setQuiet = (patch: Partial<Prefs['sound']['quietHours']>) =>
    setSound({ quietHours: { ...s.quietHours, ...patch } });
  const setWebhook = (patch: Partial<Prefs['webhook']>) =>
    setForm({ ...form, webhook: { ...form.webhook, ...patch } });
  const setTelegram = (patch: Partial<Prefs['telegram']>) =>
    setForm({ ...form, telegram: { ...form.telegram, ...patch } });

  const save = async () => {
    if (!parsed.success) return;
    await store.update({ notifications: parsed.data });
    setSaved(store.getState().error ? undefined : 'Saved.');
  };
  const testChannel = async (channel: 'webhook' | 'telegram' | 'native' | 'sound') => {
    try {
      const result = await api.call('notify:test', { channel });
      setChannels(result.channels);
    } catch (err) {
      setSaved(err instanceof Error ? err.message : String(err));
    }
  };
  const status = (name: ChannelStatus['channel']) => {
    const c = channels.find((x) => x.channel === name);
    if (!c) return null;
    const text =
      c.problem ??
      (c.last
        ? `last: ${c.last.ok ? 'ok' : 'failed'} · ${c.last.detail} · ${formatTime(c.last.at)}`
        : 'not used yet');
    // A problem only matters for a channel that is on.
    const bad = c.enabled && (c.problem !== null || (c.last !== null && !c.last.ok));
    return <span className={bad ? 'text-bad' : 'muted'}>{text}</span>;
  };

  return (
    <form
      className="settings-section"
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        void save();
      }}
    >
      <fieldset>
        <legend>Where alerts reach you</legend>
        <Checkbox
          checked={form.native.enabled}
          onChange={(on) => setForm({ ...form, native: { enabled: on } })}
        >
          Desktop notifications
        </Checkbox>{' '}
        <NotificationPermissionButton /> {status('native')}
        <br />
        <div className="field-row">
          <Checkbox
            checked={form.toast.enabled}
            onChange={(on) => setForm({ ...form, toast: { ...form.toast, enabled: on } })}
          >
            In-app toasts
          </Checkbox>
          <TextField
            label="Toasts stay for (s)"
            hint="Urgent ones stay until dismissed"
            error={errors.get('toast.seconds')}
            value={String(form.toast.seconds)}
            inputMode="numeric"
            size={4}
            onChange={(v) => setForm({ ...form, toast: { ...form.toast, seconds: Number(v) } })}
          />
        </div>
      </fieldset>
      <fieldset>
        <legend>Sounds</legend>
        <div className="field-row">
          <Checkbox checked={!s.enabled} onChange={(on) => setSound({ enabled: !on })}>
            Mute
          </Checkbox>
          <TextField
            label={`Volume ${Math.round(s.volume * 100)} %`}
            error={errors.get('sound.volume')}
            value={String(s.volume)}
            type="range"
            min={0}
            max={1}
            step={0.05}
            onChange={(v) => setSound({ volume: Number(v) })}
          />
        </div>
        <div className="field-row">
          {signalSchema.options.map((signal) => (
            <SoundChoice
              key={signal}
              label={`${signal} sound`}
              value={s.byDirection[signal]}
              onChange={(v) => setSound({ byDirection: { ...s.byDirection, [signal]: v } })}
              onPreview={(v) => sound.play(v, s.volume)}
            />
          ))}
          <SoundChoice
            label="Urgent sound"
            value={s.urgent}
            onChange={(urgent) => setSound({ urgent })}
            onPreview={(v) => sound.play(v, s.volume)}
          />
          <TextField
            label="Repeat urgent every (s)"
            error={errors.get('sound.repeatEverySeconds')}
            value={String(s.repeatEverySeconds)}
            inputMode="numeric"
            size={5}
            onChange={(v) => setSound({ repeatEverySeconds: Number(v) })}
          />
        </div>
        <div className="field-row">
          <Checkbox checked={s.quietHours.enabled} onChange={(on) => setQuiet({ enabled: on })}>
            Quiet hours
          </Checkbox>
          <TextField
            label="From"
            error={errors.get('sound.quietHours.start')}
            value={s.quietHours.start}
            type="time"
            onChange={(start) => setQuiet({ start })}
          />
          <TextField
            label="To"
            error={errors.get('sound.quietHours.end')}
            value={s.quietHours.end}
            type="time"
            onChange={(end) => setQuiet({ end })}
          />
          <Checkbox checked={s.quietHours.allowUrgent} onChange={(on) => setQuiet({ allowUrgent: on })}>
            Urgent rules still sound
          </Checkbox>
        </div>
      </fieldset>
      <fieldset>
        <legend>Webhook</legend>
        <div className="field-row">
          <Checkbox checked={form.webhook.enabled} onChange={(enabled) => setWebhook({ enabled })}>
            POST each alert as JSON
          </Checkbox>
          <TextField
            label="URL"
            error={errors.get('webhook.url')}
            className="grow"
            value={form.webhook.url}
            type="url"
            placeholder="https://example.com/hook"
            onChange={(url) => setWebhook({ url })}
          />
          <TextField
            label="Timeout (ms)"
            error={errors.get('webhook.timeoutMs')}
            value={String(form.webhook.timeoutMs)}
            inputMode="numeric"
            size={6}
            onChange={(v) => setWebhook({ timeoutMs: Number(v) })}
          />
          <button type="button" className="button small" onClick={() => void testChannel('webhook')}>
            Send a test
          </button>
        </div>
        <Checkbox checked={form.webhook.allowLocal} onChange={(allowLocal) => setWebhook({ allowLocal })}>
          Allow local webhooks (this machine, http:// included)
        </Checkbox>
        {status('webhook')}
      </fieldset>
      <fieldset>
        <legend>Telegram</legend>
        <div className="field-row">
          <Checkbox checked={form.telegram.enabled} onChange={(enabled) => setTelegram({ enabled })}>
            Send alerts to a chat
          </Checkbox>
          <TextField
            label="Chat id"
            error={errors.get('telegram.chatId')}
            hint="The chat (or channel) the bot writes to"
            value={form.telegram.chatId}
            onChange={(chatId) => setTelegram({ chatId })}
          />
          <button type="button" className="button small" onClick={() => void testChannel('telegram')}>
            Send a test
          </button>
        </div>
        <TelegramTokenField />
        {status('telegram')}
      </fieldset>
      <div className="button-row">
        <button type="submit" className="button primary" disabled={!parsed.success}>
          Save notifications
        </button>
        {saved ? <span role="status">{saved}</span> : null}
        {!parsed.success ? <span className="form-error">Fix the fields marked above to save.</span> : null}
      </div>
    </form>
  );
}

function SoundChoice({
  label,
  value,
  onChange,
  onPreview,
}: {
  label: string;
  value: SoundId;
  onChange: (v: SoundId) => void;
  onPreview: (v: SoundId) => void;
}) {
  return (
    <Field label={label}>
      {({ id }) => (
        <span className="inline-controls">
          <select id={id} value={value} onChange={(e) => onChange(e.target.value as SoundId)}>
            {SOUND_IDS.map((x) => (
              <option key={x} value={x}>
                {x}
              </option>
            ))}
          </select>
          <button
            type="button"
            className="icon-button"
            aria-label={`Play ${value}`}
            onClick={() => onPreview(value)}
          >
            ▶
          </button>
        </span>
      )}
    </Field>
  );
}

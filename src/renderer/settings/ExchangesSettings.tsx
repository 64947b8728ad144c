import { useEffect, useState } from 'react';
import type { CredentialFields, TestConnectionResult } from '../../shared/contract/methods/account';
import type { ExchangeSecretsStatus, SecretField, SecretsStatus } from '../../shared/contract/methods/store';
import { exchangeIdSchema } from '../../shared/domain/ids';
import { exchangeSettingsSchema, type ExchangeSettings } from '../../shared/domain/settings';
import { useApi } from '../transport/TransportProvider';
import { Checkbox } from '../ui/Checkbox';
import { Field } from '../ui/Field';
import { TextField } from '../ui/TextField';
import { useSettings, useSettingsStore } from './SettingsProvider';

const FIELD_LABELS: Record<SecretField, string> = {
  apiKey: 'API key',
  secret: 'API secret',
  password: 'Passphrase',
  uid: 'User id',
  login: 'Login',
  twofa: '2FA secret',
  privateKey: 'Private key',
  walletAddress: 'Wallet address',
  token: 'Token',
};

/** Without account:credentials-fields (exchange unknown to ccxt, or core without it): the usual pair. */
const FALLBACK_FIELDS: SecretField[] = ['apiKey', 'secret'];

const messageOf = (err: unknown) => (err instanceof Error ? err.message : String(err));

/** Exchanges: on/off, sandbox, ccxt options, and API keys stored encrypted (shown only as set / not set). */
export function ExchangesSettings() {
  const api = useApi();
  const settings = useSettings();
  const [secrets, setSecrets] = useState<SecretsStatus>();
  const [newId, setNewId] = useState('');
  const [addError, setAddError] = useState<string>();
  const store = useSettingsStore();

  const loadSecrets = () => api.call('secrets:status', {}).then(setSecrets, () => setSecrets(undefined));
  useEffect(() => {
    let live = true;
    api.call('secrets:status', {}).then(
      (s) => live && setSecrets(s),
      () => {},
    );
    return () => {
      live = false;
    };
  }, [api]);

  if (!settings) return null;
  const ids = Object.keys(settings.exchanges);

  const add = async () => {
    const parsed = exchangeIdSchema.safeParse(newId);
    if (!parsed.success) {
      setAddError(parsed.error.issues[0]?.message);
      return;
    }
    if (settings.exchanges[parsed.data]) {
      setAddError(`${parsed.data} is already in the list`);
      return;
    }
    setAddError(undefined);
    await store.update({
      exchanges: { ...settings.exchanges, [parsed.data]: exchangeSettingsSchema.parse({}) },
    });
    setNewId('');
  };

  return (
    <div className="settings-section">
      {secrets?.weak ? (
        <p className="text-warn">
          This system has no keyring: API keys would only be obfuscated on disk ({secrets.backend}). Saving a
          key asks you to accept that.
        </p>
      ) : null}
      {ids.length === 0 ? (
        <p className="empty-hint">No exchange configured: the simulated exchange is used. Add one below.</p>
      ) : null}
      {ids.map((id) => (
        <ExchangeCard
          key={id}
          id={id}
          value={settings.exchanges[id]!}
          secrets={secrets?.exchanges.find((e) => e.exchange === id)}
          weakBackend={secrets?.weak ?? false}
          onSecretsChanged={() => void loadSecrets()}
        />
      ))}
      <div className="field-row">
        <TextField
          label="Add an exchange (ccxt id)"
          error={addError}
          hint="binance, bybit, okx, kucoin, sim…"
          value={newId}
          onChange={setNewId}
          onKeyDown={(e) => {
            if (e.key === 'Enter') {
              e.preventDefault();
              void add();
            }
          }}
        />
        <button type="button" className="button" onClick={() => void add()}>
          Add exchange
        </button>
      </div>
    </div>
  );
}

function ExchangeCard({
  id,
  value,
  secrets,
  weakBackend,
  onSecretsChanged,
}: {
  id: string;
  value: ExchangeSettings;
  secrets: ExchangeSecretsStatus | undefined;
  weakBackend: boolean;
  onSecretsChanged: () => void;
}) {
  const api = useApi();
  const settings = useSettings();
  const store = useSettingsStore();
  const [optionsText, setOptionsText] = useState(() => JSON.stringify(value.ccxt, null, 2));
  const [optionsError, setOptionsError] = useState<string>();
  const [fields, setFields] = useState<CredentialFields>();
  const [typed, setTyped] = useState<Partial<Record<SecretField, string>>>({});
  const [acceptWeak, setAcceptWeak] = useState(false);
  const [keyMessage, setKeyMessage] = useState<{ ok: boolean; text: string }>();
  const [test, setTest] = useState<TestConnectionResult | { ok: false; message: string }>();

  useEffect(() => {
    let live = true;
    if (id === 'sim') return;
    api.call('account:credentials-fields', { exchange: id }).then(
      (f) => live && setFields(f),
      () => {},
    );
    return () => {
      live = false;
    };
  }, [api, id]);

  const save = (next: ExchangeSettings) => {
    if (!settings) return;
    const parsed = exchangeSettingsSchema.safeParse(next);
    if (!parsed.success) return;
    void store.update({ exchanges: { ...settings.exchanges, [id]: parsed.data } });
  };
  const saveOptions = () => {
    let parsed: unknown;
    try {
      parsed = JSON.parse(optionsText || '{}');
    } catch {
      setOptionsError('not valid JSON');
      return;
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      setOptionsError('must be a JSON object, like { "options": { "defaultType": "spot" } }');
      return;
    }
    // The same closed schema the core applies: it names what is refused and why (keys go below).
    const checked = exchangeSettingsSchema.shape.ccxt.safeParse(parsed);
    if (!checked.success) {
      setOptionsError(checked.error.issues.map((i) => i.message).join('; '));
      return;
    }
    setOptionsError(undefined);
    save({ ...value, ccxt: checked.data });
  };
  const remove = () => {
    if (!settings) return;
    if (!window.confirm(`Remove ${id} from the settings? Its stored keys are deleted too.`)) return;
    const { [id]: _removed, ...rest } = settings.exchanges;
    void store.update({ exchanges: rest });
    if (secrets) void api.call('secrets:delete', { exchange: id }).then(onSecretsChanged, () => {});
  };

  const credentialFields = fields?.fields.length ? fields.fields : FALLBACK_FIELDS;
  const stored = new Set(secrets?.fields ?? []);

  const saveKeys = async () => {
    const given = Object.fromEntries(Object.entries(typed).filter(([, v]) => v && v.trim() !== ''));
    if (Object.keys(given).length === 0) {
      setKeyMessage({ ok: false, text: 'Type at least one credential to save.' });
      return;
    }
    try {
      await api.call('secrets:set', {
        exchange: id,
        fields: given,
        ...(weakBackend ? { acceptWeakBackend: acceptWeak } : {}),
      });
      setTyped({});
      setKeyMessage({ ok: true, text: 'Saved, encrypted. The values are not shown again.' });
      onSecretsChanged();
    } catch (err) {
      setKeyMessage({ ok: false, text: messageOf(err) });
    }
  };
  const deleteKeys = async () => {
    if (!window.confirm(`Delete the stored ${id} credentials?`)) return;
    try {
      await api.call('secrets:delete', { exchange: id });
      setKeyMessage({ ok: true, text: 'Credentials deleted.' });
      onSecretsChanged();
    } catch (err) {
      setKeyMessage({ ok: false, text: messageOf(err) });
    }
  };
  const testConnection = async () => {
    setTest(undefined);
    try {
      setTest(await api.call('account:test-connection', { exchange: id }));
    } catch (err) {
      setTest({ ok: false, message: messageOf(err) });
    }
  };

  // This computer's clock is off: ccxt can sign with the exchange's time instead, then test again.
  const syncClock = async () => {
    try {
      await api.call('account:sync-clock', { exchange: id, enabled: true });
      await testConnection();
    } catch (err) {
      setTest({ ok: false, message: messageOf(err) });
    }
  };

  return (
    <article className="settings-card" data-exchange={id} aria-label={`${id} settings`}>
      <header className="settings-card-header">
        <h3>{fields?.name ?? id}</h3>
        <Checkbox checked={value.enabled} onChange={(on) => save({ ...value, enabled: on })}>
          Enabled
        </Checkbox>
        <Checkbox checked={value.sandbox} onChange={(on) => save({ ...value, sandbox: on })}>
          Sandbox / testnet
        </Checkbox>
        <span className="spacer" />
        <button type="button" className="button small danger" onClick={remove}>
          Remove
        </button>
      </header>
      <details>
        <summary>ccxt options (advanced)</summary>
        <Field label={`Passed to the ccxt constructor of ${id}`} error={optionsError}>
          {({ id: fieldId, describedBy, invalid }) => (
            <textarea
              id={fieldId}
              rows={4}
              spellCheck={false}
              value={optionsText}
              aria-describedby={describedBy}
              aria-invalid={invalid}
              onChange={(e) => setOptionsText(e.target.value)}
            />
          )}
        </Field>
        <button type="button" className="button small" onClick={saveOptions}>
          Save options
        </button>
      </details>
      {id === 'sim' ? null : (
        <fieldset className="credentials">
          <legend>API credentials (read-only keys are enough)</legend>
          <div className="field-row">
            {credentialFields.map((f) => (
              <TextField
                key={f}
                label={FIELD_LABELS[f]}
                hint={stored.has(f) ? 'set' : 'not set'}
                value={typed[f] ?? ''}
                type="password"
                size={32}
                autoComplete="off"
                spellCheck={false}
                placeholder={stored.has(f) ? '•••••• (set; type to replace)' : ''}
                data-secret-field={f}
                onChange={(v) => setTyped({ ...typed, [f]: v })}
              />
            ))}
          </div>
          {fields && fields.unstorable.length > 0 ? (
            <p className="text-warn">
              This exchange also needs {fields.unstorable.join(', ')}, which Candlewatch cannot store yet.
            </p>
          ) : null}
          {weakBackend ? (
            <Checkbox checked={acceptWeak} onChange={setAcceptWeak}>
              Store the keys although this system only obfuscates them
            </Checkbox>
          ) : null}
          <div className="button-row">
            <button type="button" className="button small primary" onClick={() => void saveKeys()}>
              Save keys
            </button>
            <button type="button" className="button small" onClick={() => void testConnection()}>
              Test connection
            </button>
            {secrets ? (
              <button type="button" className="button small danger" onClick={() => void deleteKeys()}>
                Delete keys
              </button>
            ) : null}
            <span className="key-status" data-testid={`key-status-${id}`}>
              {secrets
                ? `Keys set: ${secrets.fields.map((f) => FIELD_LABELS[f]).join(', ')}${secrets.readable ? '' : ' (cannot be decrypted here)'}`
                : 'Keys not set'}
            </span>
          </div>
          {keyMessage ? (
            <p className={keyMessage.ok ? 'text-ok' : 'form-error'} role="status">
              {keyMessage.text}
            </p>
          ) : null}
          {test ? (
            <p className={test.ok ? 'text-ok' : 'form-error'} role="status" data-testid="connection-test">
              {test.message}
              {'permissions' in test && test.permissions?.warning ? ` ${test.permissions.warning}` : ''}
            </p>
          ) : null}
          {test && 'canSyncClock' in test && test.canSyncClock ? (
            <button type="button" className="button small" onClick={() => void syncClock()}>
              Sign requests with {fields?.name ?? id}'s clock
            </button>
          ) : null}
        </fieldset>
      )}
    </article>
  );
}

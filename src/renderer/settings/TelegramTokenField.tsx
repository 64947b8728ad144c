import { useEffect, useState } from 'react';
import type { SecretsStatus } from '../../shared/contract/methods/store';
import { TELEGRAM_TOKEN_SECRET } from '../../shared/domain/notifications';
import { useApi } from '../transport/TransportProvider';
import { Checkbox } from '../ui/Checkbox';
import { useConfirm } from '../ui/ConfirmDialog';
import { TextField } from '../ui/TextField';

const { exchange: OWNER, field: FIELD } = TELEGRAM_TOKEN_SECRET;

/**
 * The Telegram bot token, stored encrypted like exchange keys (secrets:set under "telegram"). The
 * page sends it once and never gets it back: secrets:status says only whether one is stored.
 */
export function TelegramTokenField() {
  const api = useApi();
  const [confirmDialog, confirm] = useConfirm();
  const [status, setStatus] = useState<SecretsStatus>();
  const [typed, setTyped] = useState('');
  const [acceptWeak, setAcceptWeak] = useState(false);
  const [message, setMessage] = useState<{ ok: boolean; text: string }>();

  const load = () =>
    api
      .call('secrets:status', {})
      .then(setStatus, (err: unknown) =>
        setMessage({ ok: false, text: `The stored token could not be checked: ${messageOf(err)}` }),
      );
  useEffect(() => {
    void load();
    // Once on opening: the status changes only through this field.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  const stored = status?.exchanges.find((e) => e.exchange === OWNER)?.fields.includes(FIELD) ?? false;

  const save = async () => {
    if (typed.trim() === '') {
      setMessage({ ok: false, text: 'Paste the token BotFather gave you, then save.' });
      return;
    }
    try {
      await api.call('secrets:set', {
        exchange: OWNER,
        fields: { [FIELD]: typed },
        ...(status?.weak ? { acceptWeakBackend: acceptWeak } : {}),
      });
      setTyped('');
      setMessage({ ok: true, text: 'Token saved, encrypted. It is not shown again.' });
      await load();
    } catch (err) {
      setMessage({ ok: false, text: messageOf(err) });
    }
  };

  const remove = async () => {
    const go = await confirm({
      title: 'Delete the Telegram token',
      message: 'Delete the stored bot token? Telegram alerts stop until a token is saved again.',
      confirmLabel: 'Delete token',
      danger: true,
    });
    if (!go) return;
    try {
      await api.call('secrets:delete', { exchange: OWNER, fields: [FIELD] });
      setMessage({ ok: true, text: 'Token deleted.' });
      await load();
    } catch (err) {
      setMessage({ ok: false, text: messageOf(err) });
    }
  };

  return (
    <div className="telegram-token">
      {confirmDialog}
      <div className="field-row">
        <TextField
          label="Bot token"
          hint={
            stored
              ? 'stored, encrypted'
              : 'not stored (or set CANDLEWATCH_TELEGRAM_BOT_TOKEN where Candlewatch runs)'
          }
          value={typed}
          type="password"
          size={36}
          autoComplete="off"
          spellCheck={false}
          placeholder={stored ? '•••••• (stored; type to replace)' : ''}
          data-secret-field="telegram-token"
          onChange={setTyped}
        />
        <button type="button" className="button small" onClick={() => void save()}>
          Save token
        </button>
        {stored ? (
          <button type="button" className="button small danger" onClick={() => void remove()}>
            Delete token
          </button>
        ) : null}
      </div>
      {status?.weak ? (
        <Checkbox checked={acceptWeak} onChange={setAcceptWeak}>
          Store the token although this system only obfuscates it
        </Checkbox>
      ) : null}
      {message ? (
        <p
          role="status"
          className={message.ok ? 'text-ok' : 'form-error'}
          data-testid="telegram-token-status"
        >
          {message.text}
        </p>
      ) : null}
    </div>
  );
}

const messageOf = (err: unknown) => (err instanceof Error ? err.message : String(err));

import type { SecretField } from '../../../shared/contract/methods/store';
import { TELEGRAM_TOKEN_SECRET } from '../../../shared/domain/notifications';

/** The secret store, as the bot token is read from it. */
export type TokenSecrets = {
  credentials(exchange: string): Partial<Record<SecretField, string>>;
  onChange(listener: (exchange: string) => void): () => void;
};

/**
 * The Telegram bot token for the channel: `envToken` (CANDLEWATCH_TELEGRAM_BOT_TOKEN where the
 * core runs) when set, else the one saved encrypted in the secret store. The stored one is
 * decrypted once and again only after it is saved or deleted: the channel asks on every alert and
 * status, and an OS keyring may be slow to ask. Throws when the stored token does not decrypt.
 */
export function telegramTokenSource(
  secrets: TokenSecrets,
  envToken: string | undefined,
): () => string | undefined {
  let stored: { token: string | undefined } | undefined;
  secrets.onChange((exchange) => {
    if (exchange === TELEGRAM_TOKEN_SECRET.exchange) stored = undefined;
  });
  return () => {
    if (envToken) return envToken;
    stored ??= { token: secrets.credentials(TELEGRAM_TOKEN_SECRET.exchange)[TELEGRAM_TOKEN_SECRET.field] };
    return stored.token;
  };
}

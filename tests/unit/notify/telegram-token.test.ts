import { describe, expect, it } from 'vitest';
import { telegramChannel } from '../../../src/main/core/notify/remote-channels';
import { telegramTokenSource, type TokenSecrets } from '../../../src/main/core/notify/telegram-token';
import { notificationSettingsSchema } from '../../../src/shared/domain/notifications';

/** A secret store holding per-exchange fields, counting decryptions; `broken` makes them throw. */
function fakeSecrets(fields: Record<string, Record<string, string>>) {
  const listeners = new Set<(exchange: string) => void>();
  const store = {
    reads: 0,
    broken: false,
    credentials(exchange: string) {
      store.reads++;
      if (store.broken) throw new Error('Unsupported state or unable to authenticate data');
      return { ...fields[exchange] };
    },
    onChange(listener: (exchange: string) => void) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    save(exchange: string, values: Record<string, string>) {
      fields[exchange] = values;
      for (const l of listeners) l(exchange);
    },
  };
  return store satisfies TokenSecrets;
}

describe('telegram bot token source', () => {
  it('reads the token saved under telegram/token once, and again only after it changes', () => {
    const secrets = fakeSecrets({ telegram: { token: '111:saved' } });
    const token = telegramTokenSource(secrets, undefined);
    expect([token(), token()]).toEqual(['111:saved', '111:saved']);
    expect(secrets.reads).toBe(1);
    secrets.save('binance', { apiKey: 'k', secret: 's' });
    expect(token()).toBe('111:saved');
    expect(secrets.reads).toBe(1);
    secrets.save('telegram', { token: '222:new' });
    expect(token()).toBe('222:new');
    expect(secrets.reads).toBe(2);
  });

  it('lets the environment variable override the saved token', () => {
    const secrets = fakeSecrets({ telegram: { token: '111:saved' } });
    expect(telegramTokenSource(secrets, '999:env')()).toBe('999:env');
    expect(secrets.reads).toBe(0);
  });

  it('makes the channel say what is wrong: no token, or a saved one that does not decrypt', () => {
    const prefs = notificationSettingsSchema.parse({ telegram: { enabled: true, chatId: '1' } });
    const secrets = fakeSecrets({});
    const channel = telegramChannel(telegramTokenSource(secrets, undefined));
    expect(channel.problem(prefs)).toMatch(
      /^no bot token: save it encrypted .*CANDLEWATCH_TELEGRAM_BOT_TOKEN/,
    );
    secrets.broken = true;
    secrets.save('telegram', { token: '111:saved' });
    expect(channel.problem(prefs)).toBe(
      'the saved bot token cannot be read on this machine (Unsupported state or unable to authenticate data): save it again',
    );
    secrets.broken = false;
    expect(channel.problem(prefs)).toBeNull();
  });
});

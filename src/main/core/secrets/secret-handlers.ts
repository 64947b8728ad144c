import type { Handlers } from '../contract/dispatch';
import type { SecretStore } from './secret-store';

/** The secrets methods: store, report and delete. None of them returns a credential. */
export function createSecretHandlers(
  secrets: SecretStore,
): Pick<Handlers, 'secrets:status' | 'secrets:set' | 'secrets:delete'> {
  return {
    'secrets:status': () => secrets.status(),
    'secrets:set': (input) => secrets.set(input),
    'secrets:delete': ({ exchange, fields }) => ({ deleted: secrets.delete(exchange, fields) }),
  };
}

import type { Logger } from '../base/log';
import type { Handlers } from '../contract/dispatch';
import type { CoreModule } from '../module';
import type { SecretRepository } from '../store/secret-repository';
import type { SecretBox } from './ports';
import type { Redactor } from './redactor';
import { SecretStore } from './secret-store';

type SecretHandlers = Pick<Handlers, 'secrets:status' | 'secrets:set' | 'secrets:delete'>;

export type SecretsModule = CoreModule<SecretHandlers> & { store: SecretStore };

/** The secret store and its methods: store, report and delete. None of them returns a credential. */
export function createSecretsModule(deps: {
  repo: SecretRepository;
  box: SecretBox;
  redactor: Redactor;
  log: Logger;
}): SecretsModule {
  const store = new SecretStore(deps.repo, deps.box, deps.redactor, deps.log);
  return {
    store,
    handlers: {
      'secrets:status': () => store.status(),
      'secrets:set': (input) => store.set(input),
      'secrets:delete': ({ exchange, fields }) => ({ deleted: store.delete(exchange, fields) }),
    },
    start() {},
    stop() {},
  };
}

import type { Database } from 'better-sqlite3';
import type { accountMethods } from '../../../shared/contract/methods/account';
import type { Settings } from '../../../shared/domain/settings';
import type { EventHub } from '../events';
import type { Logger } from '../base/log';
import type { Handler } from '../contract/dispatch';
import type { StreamHandlers } from '../feed/module';
import type { CoreModule } from '../module';
import { AccountRepository } from '../store/account-repository';
import { AlertRepository } from '../store/alert-repository';
import type { AccountClientFactory } from './account-client';
import { AccountService, type CredentialSource } from './account-service';
import type { AccountTiming } from './exchange-account';
import { FillRecorder, type FillDelivery } from './fill-recorder';

export type AccountModuleOptions = {
  db: Database;
  events: EventHub;
  settings: { get(): Settings; onChange(listener: (s: Settings) => void): () => void };
  /** the secret store */
  credentials: CredentialSource;
  /** the redactor: masks credentials, and learns the ones typed for a test */
  redactor: { redact(text: string): string; add(value: string): void };
  /** the alerts' notify dispatcher: fills go through the same channels and preferences */
  delivery: FillDelivery;
  /** the market engine's streams methods, to list the private streams beside the public ones */
  marketStreams: StreamHandlers;
  log: Logger;
  createClient?: AccountClientFactory;
  timing?: Partial<AccountTiming>;
};

type AccountHandlers = { [M in keyof typeof accountMethods]: Handler<M> };

export type AccountModule = CoreModule<AccountHandlers & StreamHandlers> & {
  service: AccountService;
  stop(): Promise<void>;
};

/** The private side wired to the secret store, the alert history and notify, and the contract. */
export function createAccountModule(opts: AccountModuleOptions): AccountModule {
  const { events } = opts;
  const repo = new AccountRepository(opts.db);
  const fills = new FillRecorder({
    repo,
    alerts: new AlertRepository(opts.db),
    delivery: opts.delivery,
    onFill: (fill) => events.emit('account:filled', fill),
    now: Date.now,
    log: opts.log.child('fills'),
  });
  const service = new AccountService({
    credentials: opts.credentials,
    settings: opts.settings,
    repo,
    fills,
    redact: opts.redactor.redact,
    protect: (value) => opts.redactor.add(value),
    onChange: (snapshot) => events.emitCoalesced('account:changed', snapshot.exchange, snapshot),
    log: opts.log,
    createClient: opts.createClient,
    timing: opts.timing,
  });
  service.onStreamState((info) => events.emit('stream:state-changed', info));
  // Both resume paths (the Electron powerMonitor through the core, headless sleep detection in the
  // feed's watchdog) announce themselves with this event, once per wake.
  let offResume = (): void => {};
  return {
    handlers: { ...accountHandlers(service), ...withPrivateStreams(opts.marketStreams, service) },
    service,
    start() {
      offResume = events.subscribe((event) => {
        if (event === 'app:resumed') service.resumed();
      });
      void service.start();
    },
    async stop() {
      offResume();
      await service.stop();
    },
  };
}

/** The account methods. None of them returns a credential; none of them can act on an account. */
function accountHandlers(account: AccountService): AccountHandlers {
  return {
    'account:credentials-fields': ({ exchange }) => account.credentialFields(exchange),
    'account:test-connection': ({ exchange, credentials }) => account.testConnection(exchange, credentials),
    'account:sync-clock': ({ exchange, enabled }) => account.setClockSync(exchange, enabled),
    'account:snapshot': ({ exchange }) => ({ accounts: account.snapshots(exchange) }),
    'account:fills': (q) => account.fills(q),
  };
}

/** The streams panel's methods over the market streams and the private ones together. */
function withPrivateStreams(market: StreamHandlers, account: AccountService): StreamHandlers {
  return {
    'streams:list': async (input) =>
      [...(await market['streams:list'](input)), ...account.streams()].sort((a, b) =>
        a.id.localeCompare(b.id),
      ),
    'streams:errors': (input) => account.streamErrors(input.id) ?? market['streams:errors'](input),
    'streams:reconnect': async (input) => {
      const own = account.reconnect(input.id);
      if (input.id !== undefined && own > 0) return { reconnected: own };
      const { reconnected } = await market['streams:reconnect'](input);
      return { reconnected: reconnected + own };
    },
  };
}

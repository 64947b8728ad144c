import type { Database } from 'better-sqlite3';
import type { Settings } from '../../../shared/domain/settings';
import type { EventHub } from '../events';
import type { Logger } from '../log';
import { AccountRepository } from '../store/account-repository';
import { AlertRepository } from '../store/alert-repository';
import type { AccountClientFactory } from './account-client';
import { createAccountHandlers, withPrivateStreams, type StreamHandlers } from './account-handlers';
import { AccountService, type CredentialSource } from './account-service';
import type { AccountTiming } from './exchange-account';
import { FillRecorder, type FillDelivery } from './fill-recorder';

export type AccountsOptions = {
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

export type Accounts = {
  handlers: ReturnType<typeof createAccountHandlers> & StreamHandlers;
  service: AccountService;
  stop(): Promise<void>;
};

/** The private side wired to the secret store, the alert history and notify, and the contract. */
export function createAccounts(opts: AccountsOptions): Accounts {
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
  // feed) announce themselves with this event.
  const offResume = events.subscribe((event) => {
    if (event === 'app:resumed') service.resumed();
  });
  void service.start();
  return {
    handlers: { ...createAccountHandlers(service), ...withPrivateStreams(opts.marketStreams, service) },
    service,
    async stop() {
      offResume();
      await service.stop();
    },
  };
}

import type {
  AccountFill,
  AccountSnapshot,
  CredentialFields,
  TestConnectionResult,
} from '../../../shared/contract/methods/account';
import type { SecretField, SecretsStatus } from '../../../shared/contract/methods/store';
import { ContractError } from '../../../shared/contract/result';
import { TELEGRAM_TOKEN_SECRET } from '../../../shared/domain/notifications';
import type { ExchangeSettings, Settings } from '../../../shared/domain/settings';
import type { StreamError, StreamInfo } from '../../../shared/domain/stream';
import { systemClock, type Clock, type TimerHandle } from '../base/clock';
import type { StreamStatus } from '../streams/stream-status';
import { Emitter } from '../base/emitter';
import type { Logger } from '../base/log';
import type { AccountRepository, FillQuery } from '../store/account-repository';
import { createAccountClient, type AccountClientFactory } from './account-client';
import { testConnection } from './connection-test';
import { credentialFields } from './credential-fields';
import { DEFAULT_TIMING, ExchangeAccount, type AccountTiming } from './exchange-account';
import type { FillRecorder } from './fill-recorder';

/** The secret store as the account side uses it: credentials stay in the main process. */
export type CredentialSource = {
  status(): SecretsStatus;
  credentials(exchange: string): Partial<Record<SecretField, string>>;
  /** called with the exchange whose credentials were saved or deleted */
  onChange(listener: (exchange: string) => void): () => void;
};

export type AccountServiceOptions = {
  credentials: CredentialSource;
  settings: { get(): Settings; onChange(listener: (s: Settings) => void): () => void };
  repo: AccountRepository;
  fills: FillRecorder;
  /** masks every known credential in a text */
  redact(text: string): string;
  /** makes the redactor mask a credential the user typed for a test, before anything uses it */
  protect(value: string): void;
  /** an account's balances, orders, positions or state changed */
  onChange(snapshot: AccountSnapshot): void;
  log: Logger;
  clock?: Clock;
  random?: () => number;
  createClient?: AccountClientFactory;
  timing?: Partial<AccountTiming>;
};

const TICK_MS = 1_000;
const DEFAULT_EXCHANGE: ExchangeSettings = { enabled: true, sandbox: false, ccxt: {} };

type Running = { account: ExchangeAccount; key: string };

/**
 * The private side of every exchange that has credentials: one ExchangeAccount each, started when
 * credentials are saved, restarted when they or the exchange's settings change, stopped when they
 * are deleted (or the exchange is disabled). Also the key tests and clock sync of Settings.
 */
export class AccountService {
  private readonly clock: Clock;
  private readonly createClient: AccountClientFactory;
  private readonly timing: AccountTiming;
  private readonly running = new Map<string, Running>();
  /** exchanges with credentials that cannot start (a field missing, unreadable): shown, not run */
  private idle = new Map<string, AccountSnapshot>();
  private readonly streamStates = new Emitter<StreamInfo>();
  private readonly unsubscribe: Array<() => void> = [];
  private applying: Promise<void> = Promise.resolve();
  private tickTimer: TimerHandle | null = null;
  private stopped = false;

  constructor(private readonly opts: AccountServiceOptions) {
    this.clock = opts.clock ?? systemClock;
    this.createClient = opts.createClient ?? createAccountClient;
    this.timing = { ...DEFAULT_TIMING, ...opts.timing };
  }

  start(): Promise<void> {
    this.unsubscribe.push(
      this.opts.credentials.onChange(() => void this.apply()),
      this.opts.settings.onChange(() => void this.apply()),
    );
    this.scheduleTick();
    return this.apply();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const off of this.unsubscribe.splice(0)) off();
    if (this.tickTimer) this.clock.clearTimeout(this.tickTimer);
    await this.applying;
    await Promise.all([...this.running.keys()].map((id) => this.stopAccount(id)));
  }

  credentialFields(exchange: string): CredentialFields {
    return credentialFields(exchange);
  }

  async testConnection(
    exchange: string,
    given?: Partial<Record<SecretField, string>>,
  ): Promise<TestConnectionResult> {
    const fields = credentialFields(exchange);
    // Masked before anything can echo them: a typed key is as secret as a stored one.
    for (const value of Object.values(given ?? {})) if (value) this.opts.protect(value);
    const credentials = given ?? this.storedCredentials(exchange);
    return testConnection({
      id: exchange,
      fields,
      credentials,
      settings: this.exchangeSettings(exchange),
      clockSync: this.opts.repo.clockSync(exchange),
      redact: this.opts.redact,
      clock: this.clock,
      log: this.opts.log.child(`account:${exchange}`),
      createClient: this.createClient,
    });
  }

  /** Turns signing with the exchange's clock on or off; the account restarts with it. */
  async setClockSync(
    exchange: string,
    enabled: boolean,
  ): Promise<{ exchange: string; enabled: boolean; clockOffsetMs: number | null }> {
    credentialFields(exchange);
    // Measured with a client of its own: the exchange's time is public.
    const probe = this.createClient({
      id: exchange,
      settings: this.exchangeSettings(exchange),
      credentials: {},
      clockSync: false,
      redact: this.opts.redact,
      clock: this.clock,
      log: this.opts.log.child(`account:${exchange}`),
    });
    let offset: number | null = null;
    try {
      if (enabled && !probe.capabilities.clockSync) {
        throw new ContractError('unavailable', `ccxt cannot sign requests with ${probe.name}'s clock`);
      }
      offset = await probe.clockOffset().catch(() => null);
    } finally {
      await probe.close().catch(() => {});
    }
    this.opts.repo.setClockSync(exchange, enabled);
    this.opts.log.info('clock sync changed', { exchange, enabled, offsetMs: offset });
    await this.apply();
    return { exchange, enabled, clockOffsetMs: offset };
  }

  snapshots(exchange?: string): AccountSnapshot[] {
    const all = [...[...this.running.values()].map((r) => r.account.snapshot()), ...this.idle.values()].sort(
      (a, b) => a.exchange.localeCompare(b.exchange),
    );
    return exchange === undefined ? all : all.filter((s) => s.exchange === exchange);
  }

  fills(q: FillQuery): { fills: AccountFill[]; hasMore: boolean } {
    const rows = this.opts.repo.fills({ ...q, limit: q.limit + 1 });
    return { fills: rows.slice(0, q.limit), hasMore: rows.length > q.limit };
  }

  /** The private streams, for the streams panel (beside the feed's). */
  streams(): StreamInfo[] {
    return this.statuses().map((s) => this.scrub(s.snapshot()));
  }

  streamErrors(id: string): StreamError[] | undefined {
    return this.statuses()
      .find((s) => s.identity.id === id)
      ?.errors.map((e) => ({ ...e, message: this.opts.redact(e.message) }));
  }

  onStreamState(listener: (info: StreamInfo) => void): () => void {
    return this.streamStates.on(listener);
  }

  /** Reconnects one private stream's account (by stream id) or every account; returns how many. */
  reconnect(streamId?: string): number {
    let n = 0;
    for (const { account } of this.running.values()) {
      if (streamId !== undefined && !account.streamStatuses().some((s) => s.identity.id === streamId))
        continue;
      account.reconnect('reconnect');
      n++;
    }
    return n;
  }

  /** The OS woke up: private sockets are suspect and fills may have happened meanwhile. */
  resumed(): void {
    for (const { account } of this.running.values()) account.reconnect('resume');
  }

  /** Stream errors quote what ccxt said; they leave the core masked like every other text. */
  private scrub(info: StreamInfo): StreamInfo {
    if (!info.lastError) return info;
    return { ...info, lastError: { ...info.lastError, message: this.opts.redact(info.lastError.message) } };
  }

  private statuses(): StreamStatus[] {
    return [...this.running.values()].flatMap((r) => r.account.streamStatuses());
  }

  private apply(): Promise<void> {
    this.applying = this.applying
      .then(() => this.reconcileAccounts())
      .catch((err: unknown) => this.opts.log.error('applying account settings failed', { error: err }));
    return this.applying;
  }

  /** Starts what has credentials and is not running, restarts what changed, stops the rest. */
  private async reconcileAccounts(): Promise<void> {
    if (this.stopped) return;
    const settings = this.opts.settings.get();
    const status = this.opts.credentials.status();
    const wanted = new Map<string, { key: string; start: () => ExchangeAccount }>();
    const idle = new Map<string, AccountSnapshot>();
    for (const stored of status.exchanges) {
      const id = stored.exchange;
      // The Telegram bot token shares the secret store: it is no exchange account.
      if (id === TELEGRAM_TOKEN_SECRET.exchange) continue;
      const exchangeSettings = settings.exchanges[id] ?? DEFAULT_EXCHANGE;
      if (!exchangeSettings.enabled) continue;
      const problem = this.cannotStart(id, stored.fields, stored.readable);
      if (problem) {
        idle.set(id, this.idleSnapshot(id, problem));
        continue;
      }
      const clockSync = this.opts.repo.clockSync(id);
      wanted.set(id, {
        key: JSON.stringify([exchangeSettings, stored.updatedAt, stored.fields, clockSync]),
        start: () => this.buildAccount(id, exchangeSettings, clockSync),
      });
    }
    for (const [id, r] of [...this.running]) {
      if (wanted.get(id)?.key !== r.key) await this.stopAccount(id);
    }
    const gone = [...this.idle.keys()].filter((id) => !idle.has(id) && !wanted.has(id));
    this.idle = idle;
    for (const snapshot of idle.values()) this.opts.onChange(snapshot);
    for (const id of gone) this.opts.onChange(this.idleSnapshot(id, null));
    for (const [id, w] of wanted) {
      if (this.running.has(id) || this.stopped) continue;
      const account = w.start();
      this.running.set(id, { account, key: w.key });
      account.start();
      this.opts.log.info('account connected', { exchange: id });
    }
  }

  private cannotStart(id: string, stored: readonly SecretField[], readable: boolean): string | null {
    let fields: CredentialFields;
    try {
      fields = credentialFields(id);
    } catch (err) {
      return err instanceof Error ? err.message : String(err);
    }
    if (!readable)
      return 'The stored credentials do not decrypt on this machine (the key store changed): enter them again';
    const missing = [...fields.fields.filter((f) => !stored.includes(f)), ...fields.unstorable];
    return missing.length > 0 ? `${fields.name} also needs ${missing.join(', ')}` : null;
  }

  private buildAccount(id: string, settings: ExchangeSettings, clockSync: boolean): ExchangeAccount {
    const log = this.opts.log.child(`account:${id}`);
    const client = this.createClient({
      id,
      settings,
      credentials: this.storedCredentials(id),
      clockSync,
      redact: this.opts.redact,
      clock: this.clock,
      log,
    });
    const account: ExchangeAccount = new ExchangeAccount({
      client,
      repo: this.opts.repo,
      fills: this.opts.fills,
      watchedSymbols: () =>
        this.opts.settings
          .get()
          .watchlist.filter((w) => w.exchange === id)
          .map((w) => w.symbol),
      clockSync,
      clock: this.clock,
      log,
      random: this.opts.random,
      timing: this.timing,
      onChange: () => this.opts.onChange(account.snapshot()),
      onState: (info) => {
        const scrubbed = this.scrub(info);
        this.streamStates.emit(scrubbed);
      },
    });
    return account;
  }

  private async stopAccount(id: string): Promise<void> {
    const r = this.running.get(id);
    if (!r) return;
    this.running.delete(id);
    await r.account.stop();
    // The last word on it: the Account tab drops it (or shows it idle, when credentials remain).
    this.opts.onChange({ ...r.account.snapshot(), state: 'stopped' });
    this.opts.log.info('account disconnected', { exchange: id });
  }

  private storedCredentials(exchange: string): Partial<Record<SecretField, string>> {
    try {
      return this.opts.credentials.credentials(exchange);
    } catch (err) {
      throw new ContractError(
        'unavailable',
        `The stored credentials of ${exchange} cannot be read: ${err instanceof Error ? err.message : String(err)}`,
      );
    }
  }

  private exchangeSettings(exchange: string): ExchangeSettings {
    return this.opts.settings.get().exchanges[exchange] ?? DEFAULT_EXCHANGE;
  }

  private idleSnapshot(id: string, message: string | null): AccountSnapshot {
    let name = id;
    try {
      name = credentialFields(id).name;
    } catch {
      // an id ccxt does not know keeps its id as name; the message says why
    }
    return {
      exchange: id,
      name,
      state: message ? 'error' : 'stopped',
      problem: message ? 'no-credentials' : null,
      message,
      clockSync: false,
      balances: [],
      totalValueUsdt: null,
      unvaluedAssets: [],
      balancesAt: null,
      positions: null,
      openOrders: [],
      streams: [],
      updatedAt: this.clock.now(),
    };
  }

  private scheduleTick(): void {
    const tick = () => {
      const now = this.clock.now();
      for (const { account } of this.running.values()) account.tick(now);
      if (!this.stopped) this.tickTimer = this.clock.setTimeout(tick, TICK_MS);
    };
    this.tickTimer = this.clock.setTimeout(tick, TICK_MS);
  }
}

import type {
  AccountOrder,
  AccountPosition,
  AccountSnapshot,
  PositionFunding,
} from '../../../shared/contract/methods/account';
import type { StreamInfo } from '../../../shared/domain/stream';
import type { Clock } from '../base/clock';
import type { BreakReason } from '../streams/watch-loop';
import type { Logger } from '../base/log';
import type { AccountRepository } from '../store/account-repository';
import { AccountAccessError } from './access-error';
import type { BalanceRow, FundingRow, ReadOnlyAccountClient, TradeRow } from './account-client';
import { BalanceBook, OpenOrderBook, PositionBook } from './account-state';
import type { FillRecorder } from './fill-recorder';
import { PrivateStream, type PrivateStreamHooks, type PrivateStreamKind } from './private-stream';
import { pricingSymbol, valueBalances } from './valuation';

export type AccountTiming = {
  /** between two REST reads of a stream the exchange has no websocket for */
  pollMs: number;
  /** between two REST balance checks of a websocket account (its stale detection) */
  reconcileMs: number;
  /** before a difference found by the check is believed (a stream event may still be on its way) */
  recheckMs: number;
  /** between two price refreshes for the USDT values */
  pricesMs: number;
  /** between two REST reads of the open positions (fresh mark prices) and their markets' funding */
  derivativesMs: number;
};

// Binance's weights: account 20, all open orders 80, myTrades 20 per symbol, out of 6,000 a minute.
export const DEFAULT_TIMING: AccountTiming = {
  pollMs: 30_000,
  reconcileMs: 60_000,
  recheckMs: 5_000,
  pricesMs: 60_000,
  // Two requests each time (positions, funding rates), far inside every limit: OKX allows 10
  // positions reads per 2 s, Bybit 50 per second, BingX 5 per second.
  derivativesMs: 10_000,
};

const DAY_MS = 86_400_000;
/** A catch-up starts this long before the last known complete point: clocks differ, dedupe absorbs the overlap. */
const OVERLAP_MS = 5 * 60_000;
/** Fills older than this are not looked for after a long absence. */
const MAX_CATCH_UP_MS = 7 * DAY_MS;
/** Symbols traded within this window are searched for fills after a reconnect. */
const TRADED_LOOKBACK_MS = 30 * DAY_MS;
const MAX_CATCH_UP_SYMBOLS = 50;
/** A stream event this close to a REST read may not be in its answer yet. */
const EVENT_SETTLE_MS = 2_000;
/** After a failed price refresh, the next one waits this long at least. */
const PRICE_RETRY_MS = 5_000;
/**
 * A catch-up (login included) that takes longer has hung: a login answer that never comes leaves
 * ccxt waiting forever, and an idle private stream has no stale timer to notice it.
 */
const SYNC_TIMEOUT_MS = 30_000;
/**
 * OKX pushes a market's funding every 30–90 s (docs-v5 "WS / Funding rate channel"): a pushed rate
 * older than this means the channel went quiet, and the next positions read asks REST again.
 */
const PUSHED_FUNDING_FRESH_MS = 120_000;

export type ExchangeAccountOptions = {
  client: ReadOnlyAccountClient;
  repo: Pick<AccountRepository, 'syncState' | 'advanceSync' | 'tradedSymbols'>;
  fills: Pick<FillRecorder, 'record'>;
  /** symbols of this exchange in the watchlist: where fills are looked for after a reconnect */
  watchedSymbols(): string[];
  clockSync: boolean;
  clock: Clock;
  log: Logger;
  random?: () => number;
  timing: AccountTiming;
  /** balances, orders, positions or state changed */
  onChange(): void;
  onState(info: StreamInfo): void;
};

type BalanceUpdate = { rows: BalanceRow[]; snapshotAt: number | null };
type OrdersUpdate = { orders: AccountOrder[]; snapshotAt: number | null };
type PositionsUpdate = { positions: AccountPosition[]; snapshotAt: number | null };

/**
 * One exchange account: its private streams on the shared watch loop, and what they report merged
 * into balances, open orders and positions. Before the streams watch, and after every break (a
 * failure, a stale stream, OS resume, a socket ccxt replaced silently), the account catches up over
 * REST: it subscribes first, then reads balance, open orders, positions and the fills since the
 * last complete point, so no fill falls between the two, and the fill store's trade-id key makes
 * sure none is notified twice.
 */
export class ExchangeAccount {
  readonly id: string;
  private readonly balances = new BalanceBook();
  private readonly orders = new OpenOrderBook();
  private readonly positions: PositionBook | null;
  private readonly streams: PrivateStream<unknown>[] = [];
  private readonly balanceStream: PrivateStream<BalanceUpdate>;
  /** symbols of every order seen this session: an order open before a drop may have filled during it */
  private readonly orderSymbols = new Set<string>();
  private prices = new Map<string, number>();
  private pricesAt = 0;
  private pricing = false;
  /** funding of the open positions' markets by symbol, as last read (REST) or pushed */
  private readonly funding = new Map<string, PositionFunding>();
  /** markets whose funding shown was pushed: REST reads them again only once the push is late */
  private readonly pushedFunding = new Set<string>();
  private readonly fundingStream: PrivateStream<FundingRow[]> | null = null;
  /** wakes the funding watch waiting for a position to open */
  private wakeFunding: (() => void) | null = null;
  private derivativesAt = 0;
  private refreshingDerivatives = false;
  private syncing: Promise<void> | null = null;
  private needsSync = true;
  private connectionSeen = 0;
  private problem: AccountAccessError | null = null;
  private lastDataAt = 0;
  private nextReconcileAt: number;
  private suspect: string | null = null;
  private reconciling = false;
  private baselineAt: number;
  private stopped = false;

  constructor(private readonly opts: ExchangeAccountOptions) {
    const { client, clock } = opts;
    this.id = client.id;
    this.baselineAt = opts.repo.syncState(this.id, clock.now()).baselineAt;
    this.nextReconcileAt = clock.now() + opts.timing.reconcileMs;
    const caps = client.capabilities;
    this.balanceStream = this.stream<BalanceUpdate>('balance', caps.watchBalance, {
      watch: async () => ({ rows: await client.watchBalance(), snapshotAt: null }),
      poll: async () => {
        const at = clock.now();
        return { rows: await client.fetchBalance(), snapshotAt: at };
      },
      onData: (u, now) => {
        if (u.snapshotAt !== null) this.balances.snapshot(u.rows, u.snapshotAt, now);
        else this.balances.apply(u.rows, now);
        this.opts.onChange();
      },
    });
    this.stream<OrdersUpdate>('orders', caps.watchOrders, {
      watch: async () => ({ orders: await client.watchOrders(), snapshotAt: null }),
      poll: async () => {
        const at = clock.now();
        return { orders: await client.fetchOpenOrders(), snapshotAt: at };
      },
      onData: (u, now) => {
        for (const o of u.orders) this.orderSymbols.add(o.symbol);
        if (u.snapshotAt !== null) this.orders.snapshot(u.orders, u.snapshotAt);
        else this.orders.apply(u.orders, now);
        this.opts.onChange();
      },
    });
    this.stream<TradeRow[]>('fills', caps.watchMyTrades, {
      watch: () => client.watchMyTrades(),
      // Polled (no websocket for fills): recorded here, where the sync point moves on with them.
      poll: async () => {
        const until = clock.now() - EVENT_SETTLE_MS;
        const trades = await this.fetchFillsSinceSynced();
        this.recordFills(trades, 'stream');
        this.opts.repo.advanceSync(this.id, until);
        return [];
      },
      onData: (trades) => this.recordFills(trades, 'stream'),
    });
    this.positions = caps.watchPositions || caps.fetchPositions ? new PositionBook() : null;
    if (this.positions) {
      const book = this.positions;
      this.stream<PositionsUpdate>('positions', caps.watchPositions, {
        watch: async () => ({ positions: await client.watchPositions(), snapshotAt: null }),
        poll: async () => {
          const at = clock.now();
          return { positions: await client.fetchPositions(), snapshotAt: at };
        },
        onData: (u, now) => {
          if (u.snapshotAt !== null) book.snapshot(u.positions, u.snapshotAt, now);
          else book.apply(u.positions, now);
          this.positionsMayHaveOpened();
          this.opts.onChange();
        },
      });
      // Funding pushed on the exchange's public socket where ccxt can watch it (OKX); REST gives the
      // first rate of a market and stands in whenever the push is late or the stream is down.
      if (caps.watchFundingRates) {
        this.fundingStream = this.stream<FundingRow[]>('funding', true, {
          watch: () => this.watchFunding(),
          poll: () => Promise.resolve([]),
          onData: (rows, now) => this.applyPushedFunding(rows, now),
        });
      }
    }
  }

  start(): void {
    for (const s of this.streams) s.start();
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    // A clean stop while everything was live: fills are complete up to now.
    const complete = this.state() === 'live' && !this.needsSync && this.suspect === null;
    this.stopped = true;
    this.wakeFunding?.();
    const stopping = this.streams.map((s) => s.stop());
    await this.opts.client.close();
    await Promise.all(stopping);
    if (complete) this.opts.repo.advanceSync(this.id, this.opts.clock.now() - EVENT_SETTLE_MS);
  }

  streamStatuses(): PrivateStream<unknown>['status'][] {
    return this.streams.map((s) => s.status);
  }

  /** Drops the private sockets and catches up (the user asked, or the machine woke up). */
  reconnect(reason: BreakReason): void {
    this.needsSync = true;
    this.opts.client.dropConnection();
    for (const s of this.streams) s.forceReconnect(reason, false);
  }

  /** The service's once-a-second tick: stream rates, the balance check and prices. */
  tick(now: number): void {
    if (this.stopped) return;
    for (const s of this.streams) s.status.sample(now);
    if (
      this.balanceStream.websocket &&
      !this.reconciling &&
      now >= this.nextReconcileAt &&
      this.state() === 'live'
    ) {
      this.reconciling = true;
      void this.reconcile().finally(() => (this.reconciling = false));
    }
    if (!this.pricing && this.pricesDue(now)) {
      this.pricing = true;
      void this.refreshPrices(now).finally(() => (this.pricing = false));
    }
    if (!this.refreshingDerivatives && this.derivativesDue(now)) {
      this.refreshingDerivatives = true;
      void this.refreshDerivatives(now).finally(() => (this.refreshingDerivatives = false));
    }
  }

  snapshot(): AccountSnapshot {
    const v = valueBalances(this.balances.rows(), this.prices);
    return {
      exchange: this.id,
      name: this.opts.client.name,
      state: this.state(),
      problem: this.problem?.problem ?? null,
      message: this.problem?.message ?? null,
      clockSync: this.opts.clockSync,
      balances: v.balances,
      totalValueUsdt: v.totalValueUsdt,
      unvaluedAssets: v.unvaluedAssets,
      balancesAt: this.balances.updatedAt,
      positions:
        this.positions?.positions().map((p) => ({ ...p, funding: this.funding.get(p.symbol) ?? null })) ??
        null,
      openOrders: this.orders.orders(),
      streams: this.streams.map((s) => s.status.identity.id),
      updatedAt: this.opts.clock.now(),
    };
  }

  private state(): AccountSnapshot['state'] {
    const states = this.streams.map((s) => s.status.state);
    if (this.stopped || states.every((s) => s === 'stopped')) return 'stopped';
    if (states.includes('error')) return 'error';
    if (states.some((s) => s !== 'live' && s !== 'polling')) return 'connecting';
    return states.includes('polling') ? 'polling' : 'live';
  }

  private stream<T>(
    kind: PrivateStreamKind,
    websocket: boolean,
    hooks: Pick<PrivateStreamHooks<T>, 'watch' | 'poll' | 'onData'>,
  ): PrivateStream<T> {
    const { client, clock, log } = this.opts;
    const stream = new PrivateStream<T>(
      kind,
      websocket,
      {
        prepare: () => this.noting(client.loadMarkets()),
        sync: () => this.noting(this.ensureSynced()),
        watch: () => this.noting(hooks.watch()),
        poll: () => this.noting(hooks.poll()),
        onData: (value, now) => {
          this.lastDataAt = now;
          this.clearProblem();
          hooks.onData(value, now);
          this.checkConnection();
        },
        onBroken: () => {
          this.needsSync = true;
        },
        dropConnection: () => client.dropConnection(),
      },
      {
        exchange: this.id,
        clock,
        log,
        random: this.opts.random,
        pollMs: this.opts.timing.pollMs,
        restBlockedForMs: () => client.restBlockedForMs(),
        onState: (info) => {
          this.opts.onState(info);
          this.opts.onChange();
        },
      },
    );
    this.streams.push(stream as PrivateStream<unknown>);
    return stream;
  }

  /** Waits for the catch-up in progress, or runs the one that is due; the streams watch after it. */
  private ensureSynced(): Promise<void> {
    if (this.syncing) return this.syncing;
    return this.needsSync ? this.sync() : Promise.resolve();
  }

  /** One catch-up at a time: the account's streams break together and share it. */
  private sync(): Promise<void> {
    this.syncing ??= this.runSync().finally(() => (this.syncing = null));
    return this.syncing;
  }

  private async runSync(): Promise<void> {
    // Cleared first: a break while the catch-up runs asks for another one.
    this.needsSync = false;
    try {
      await this.withDeadline(this.catchUp());
    } catch (err) {
      this.needsSync = true;
      throw err;
    }
  }

  private async catchUp(): Promise<void> {
    const { client, clock } = this.opts;
    if (this.opts.clockSync) await client.syncClock();
    await client.subscribe();
    const startedAt = clock.now();
    this.balances.snapshot(await client.fetchBalance(), startedAt, clock.now());
    const open = await client.fetchOpenOrders();
    for (const o of open) this.orderSymbols.add(o.symbol);
    this.orders.snapshot(open, startedAt);
    if (this.positions && client.capabilities.fetchPositions) {
      this.positions.snapshot(await client.fetchPositions(), startedAt, clock.now());
      this.positionsMayHaveOpened();
    }
    this.recordFills(await this.fetchFillsSinceSynced(), 'catch-up');
    this.opts.repo.advanceSync(this.id, startedAt - EVENT_SETTLE_MS);
    this.connectionSeen = client.connection();
    this.suspect = null;
    this.clearProblem();
    this.opts.onChange();
  }

  /** The work, or a network error once SYNC_TIMEOUT_MS passed (the socket is dropped: a fresh login follows). */
  private withDeadline<T>(work: Promise<T>): Promise<T> {
    const { client, clock } = this.opts;
    return new Promise<T>((resolve, reject) => {
      const timer = clock.setTimeout(() => {
        client.dropConnection();
        reject(
          new AccountAccessError(
            'exchange-down',
            'network',
            `${client.name} did not answer the login and catch-up within ${SYNC_TIMEOUT_MS / 1000} s; reconnecting`,
          ),
        );
      }, SYNC_TIMEOUT_MS);
      work.then(
        (value) => {
          clock.clearTimeout(timer);
          resolve(value);
        },
        (err: unknown) => {
          clock.clearTimeout(timer);
          reject(err);
        },
      );
    });
  }

  private async fetchFillsSinceSynced(): Promise<TradeRow[]> {
    const { client, clock, repo } = this.opts;
    const now = clock.now();
    const state = repo.syncState(this.id, now);
    this.baselineAt = state.baselineAt;
    const since = Math.max(state.syncedUntil - OVERLAP_MS, now - MAX_CATCH_UP_MS);
    const trades: TradeRow[] = [];
    for (const symbol of this.catchUpSymbols(now))
      trades.push(...(await client.fetchMyTrades(symbol, since)));
    return trades.sort((a, b) => a.time - b.time);
  }

  /**
   * Binance returns fills per symbol only: the symbols with open orders (now or earlier this
   * session), the watchlist's and those traded lately. A symbol outside all three, ordered and
   * filled entirely while disconnected, shows in the balances but its fill is not found.
   */
  private catchUpSymbols(now: number): string[] {
    const { client, repo } = this.opts;
    const symbols = new Set([
      ...this.orders.symbols(),
      ...this.orderSymbols,
      ...this.opts.watchedSymbols(),
      ...repo.tradedSymbols(this.id, now - TRADED_LOOKBACK_MS),
    ]);
    return [...symbols].filter((s) => client.hasMarket(s)).slice(0, MAX_CATCH_UP_SYMBOLS);
  }

  private recordFills(trades: readonly TradeRow[], source: 'stream' | 'catch-up'): void {
    for (const t of trades) this.opts.fills.record(this.id, t, source, this.baselineAt);
  }

  /** ccxt replaced a socket without failing a watch (it reconnects between two watches): catch up. */
  private checkConnection(): void {
    const current = this.opts.client.connection();
    if (current === this.connectionSeen) return;
    this.connectionSeen = current;
    this.needsSync = true;
    this.sync().catch((err: unknown) =>
      this.opts.log.warn('catching up after a silent reconnect failed', { error: err }),
    );
  }

  /**
   * Stale detection for streams that may rightly stay silent for hours: the REST balance must match
   * what the streams delivered. A difference seen twice (an event can be on its way) means events
   * were lost: the REST balance is taken, the streams reconnect and the account catches up.
   */
  private async reconcile(): Promise<void> {
    const { client, clock, timing } = this.opts;
    const requestedAt = clock.now();
    let rest: BalanceRow[];
    try {
      rest = await client.fetchBalance();
    } catch (err) {
      this.noteProblem(err);
      this.nextReconcileAt = clock.now() + timing.reconcileMs;
      // A key revoked while the private socket stays subscribed: the streams must find out too.
      if (err instanceof AccountAccessError && err.kind === 'auth') this.reconnect('reconnect');
      return;
    }
    const now = clock.now();
    if (this.stopped) return;
    if (this.lastDataAt >= requestedAt - EVENT_SETTLE_MS) {
      this.nextReconcileAt = now + timing.recheckMs;
      return;
    }
    const differences = this.balances.differences(rest);
    if (differences.length === 0) {
      this.suspect = null;
      this.opts.repo.advanceSync(this.id, requestedAt - EVENT_SETTLE_MS);
      this.nextReconcileAt = now + timing.reconcileMs;
      return;
    }
    const key = differences.join(',');
    if (this.suspect !== key) {
      this.suspect = key;
      this.nextReconcileAt = now + timing.recheckMs;
      return;
    }
    this.suspect = null;
    this.nextReconcileAt = now + timing.reconcileMs;
    this.balances.snapshot(rest, requestedAt, now);
    this.needsSync = true;
    this.opts.log.warn(`${this.id}: the private stream missed balance changes; reconnecting`, {
      assets: differences,
    });
    client.dropConnection();
    const message = `the exchange reports balance changes (${key}) this stream never delivered; reconnecting`;
    for (const s of this.streams) s.markStale(message, now);
    this.opts.onChange();
  }

  private pricesDue(now: number): boolean {
    if (now - this.pricesAt >= this.opts.timing.pricesMs) return true;
    if (now - this.pricesAt < PRICE_RETRY_MS) return false;
    return this.pricingSymbols().some((s) => !this.prices.has(s));
  }

  private pricingSymbols(): string[] {
    const { client } = this.opts;
    return this.balances.rows().flatMap((r) => pricingSymbol(r.asset, (s) => client.hasMarket(s)) ?? []);
  }

  private async refreshPrices(now: number): Promise<void> {
    this.pricesAt = now;
    const symbols = this.pricingSymbols();
    if (symbols.length === 0) return;
    try {
      this.prices = await this.opts.client.fetchPrices(symbols);
      this.opts.onChange();
    } catch (err) {
      this.opts.log.debug('prices for the USDT values could not be read', { error: err });
    }
  }

  /**
   * Open positions are read again over REST every derivativesMs while the account is up: no exchange
   * here pushes every mark price move on its private stream (BingX none at all, OKX on an interval),
   * and a change made between ccxt's REST snapshot and its subscription (Bybit) is not pushed again.
   */
  private derivativesDue(now: number): boolean {
    if (!this.positions || now - this.derivativesAt < this.opts.timing.derivativesMs) return false;
    if (this.needsSync || this.syncing) return false;
    const state = this.state();
    return (state === 'live' || state === 'polling') && this.positions.positions().length > 0;
  }

  private async refreshDerivatives(now: number): Promise<void> {
    const { client, clock } = this.opts;
    this.derivativesAt = now;
    const book = this.positions!;
    try {
      if (client.capabilities.fetchPositions) {
        const requestedAt = clock.now();
        const positions = await client.fetchPositions();
        if (this.stopped) return;
        book.snapshot(positions, requestedAt, clock.now());
        this.positionsMayHaveOpened();
      }
      const symbols = this.positionSymbols();
      for (const s of this.funding.keys()) {
        if (symbols.includes(s)) continue;
        this.funding.delete(s);
        this.pushedFunding.delete(s);
      }
      const unpushed = symbols.filter((s) => !this.fundingPushedRecently(s, clock.now()));
      if (client.capabilities.fetchFundingRates && unpushed.length > 0) {
        const requestedAt = clock.now();
        const rates = await client.fetchFundingRates(unpushed);
        const at = clock.now();
        for (const f of rates) {
          // Pushed while the request was on its way: the push is the newer word.
          if ((this.funding.get(f.symbol)?.at ?? 0) >= requestedAt) continue;
          this.funding.set(f.symbol, { rate: f.rate, nextFundingTime: f.nextFundingTime, at });
          this.pushedFunding.delete(f.symbol);
        }
      }
      this.opts.onChange();
    } catch (err) {
      // Shown: the mark prices and funding carry their age, and a key problem is the account's.
      this.noteProblem(err);
      this.opts.log.warn('reading positions and funding failed', { error: err });
    }
  }

  private positionSymbols(): string[] {
    return [...new Set(this.positions?.positions().map((p) => p.symbol) ?? [])];
  }

  /**
   * The next funding push for the open positions' markets. With none open it waits for one to
   * open; a market opened while a watch is pending joins at the next push (REST reads it meanwhile).
   */
  private async watchFunding(): Promise<FundingRow[]> {
    for (;;) {
      const symbols = this.positionSymbols();
      if (symbols.length > 0) return this.opts.client.watchFundingRates(symbols);
      await new Promise<void>((resolve) => (this.wakeFunding = resolve));
      this.wakeFunding = null;
      if (this.stopped) return [];
    }
  }

  private positionsMayHaveOpened(): void {
    if (this.wakeFunding && this.positionSymbols().length > 0) this.wakeFunding();
  }

  private applyPushedFunding(rows: readonly FundingRow[], now: number): void {
    const open = this.positionSymbols();
    for (const f of rows) {
      if (!open.includes(f.symbol)) continue;
      this.funding.set(f.symbol, { rate: f.rate, nextFundingTime: f.nextFundingTime, at: now });
      this.pushedFunding.add(f.symbol);
    }
    this.opts.onChange();
  }

  private fundingPushedRecently(symbol: string, now: number): boolean {
    const at = this.funding.get(symbol)?.at;
    return (
      this.fundingStream?.status.state === 'live' &&
      this.pushedFunding.has(symbol) &&
      at !== undefined &&
      now - at < PUSHED_FUNDING_FRESH_MS
    );
  }

  private async noting<T>(work: Promise<T>): Promise<T> {
    try {
      return await work;
    } catch (err) {
      this.noteProblem(err);
      throw err;
    }
  }

  private noteProblem(err: unknown): void {
    if (!(err instanceof AccountAccessError) || err.ownDoing || this.stopped) return;
    this.problem = err;
    this.opts.onChange();
  }

  private clearProblem(): void {
    if (this.problem === null) return;
    this.problem = null;
    this.opts.onChange();
  }
}

import type {
  AccountOrder,
  AccountPosition,
  KeyPermissions,
} from '../../src/shared/contract/methods/account';
import type {
  BalanceRow,
  FundingRow,
  PrivateCapabilities,
  ReadOnlyAccountClient,
  TradeRow,
} from '../../src/main/core/account/account-client';

type Watch = 'balance' | 'orders' | 'fills' | 'positions' | 'funding';
type Pending = { resolve(value: unknown): void; reject(err: unknown): void };

/**
 * A ReadOnlyAccountClient the test drives: `truth` is what REST answers, `push` resolves the
 * pending watch of a stream, `failWatches` rejects them all (a dropped socket). Every call is
 * logged by name, so tests can check what was called and in which order.
 */
export class ScriptedAccountClient implements ReadOnlyAccountClient {
  readonly id = 'binance';
  readonly name = 'Binance';
  readonly capabilities: PrivateCapabilities;
  readonly calls: string[] = [];
  readonly truth = {
    balance: [] as BalanceRow[],
    openOrders: [] as AccountOrder[],
    trades: [] as TradeRow[],
    positions: [] as AccountPosition[],
    funding: [] as FundingRow[],
  };
  /** errors the next calls of a method throw, in order */
  readonly failures = new Map<string, unknown[]>();
  /** methods whose next call never answers (a login answer the exchange never sends) */
  readonly hangs = new Set<string>();
  private readonly pending = new Map<Watch, Pending[]>();
  private connectionId = 0;
  closed = false;
  drops = 0;

  constructor(capabilities: Partial<PrivateCapabilities> = {}) {
    this.capabilities = {
      watchBalance: true,
      watchOrders: true,
      watchMyTrades: true,
      watchPositions: false,
      fetchPositions: false,
      fetchFundingRates: false,
      accountMarginMode: false,
      watchFundingRates: false,
      derivatives: false,
      clockSync: true,
      ...capabilities,
    };
  }

  /** resolves the pending watch of `kind` (returns false when none is pending) */
  push(kind: Watch, value: unknown): boolean {
    const waiting = this.pending.get(kind)?.shift();
    waiting?.resolve(value);
    return waiting !== undefined;
  }

  waiting(kind: Watch): number {
    return this.pending.get(kind)?.length ?? 0;
  }

  failWatches(err: unknown): void {
    for (const list of this.pending.values()) for (const p of list.splice(0)) p.reject(err);
  }

  /** ccxt replaced the socket without failing a watch */
  replaceSocket(): void {
    this.connectionId++;
  }

  loadMarkets = () => this.rest('loadMarkets', undefined);
  hasMarket = (symbol: string) => symbol.endsWith('/USDT');
  subscribe = () => this.rest('subscribe', undefined);
  fetchBalance = () =>
    this.rest(
      'fetchBalance',
      this.truth.balance.filter((b) => b.total !== 0),
    );
  fetchOpenOrders = () => this.rest('fetchOpenOrders', [...this.truth.openOrders]);
  fetchMyTrades = (symbol: string, since: number) =>
    this.rest(
      `fetchMyTrades ${symbol}`,
      this.truth.trades.filter((t) => t.symbol === symbol && t.time >= since),
    );
  fetchPositions = () => this.rest('fetchPositions', [...this.truth.positions]);
  fetchFundingRates = (symbols: readonly string[]) =>
    this.rest(
      'fetchFundingRates',
      this.truth.funding.filter((f) => symbols.includes(f.symbol)),
    );
  fetchPrices = (symbols: readonly string[]) =>
    this.rest('fetchPrices', new Map(symbols.map((s) => [s, 100] as const)));
  watchBalance = () => this.watch<BalanceRow[]>('balance');
  watchOrders = () => this.watch<AccountOrder[]>('orders');
  watchMyTrades = () => this.watch<TradeRow[]>('fills');
  watchPositions = () => this.watch<AccountPosition[]>('positions');
  /** the symbols of each funding watch, in order */
  readonly fundingWatches: string[][] = [];
  watchFundingRates = (symbols: readonly string[]) => {
    this.fundingWatches.push([...symbols]);
    return this.watch<FundingRow[]>('funding');
  };
  connection = () => this.connectionId;
  dropConnection = () => {
    this.drops++;
    this.connectionId++;
    this.failWatches(new Error('closed by user'));
  };
  clockOffset = () => this.rest<number | null>('clockOffset', 0);
  syncClock = () => this.rest<number | null>('syncClock', 0);
  permissions = () =>
    this.rest<KeyPermissions>('permissions', {
      visible: true,
      reading: true,
      trading: false,
      withdrawals: false,
      ipRestricted: false,
      warning: null,
    });
  restBlockedForMs = () => 0;
  close = async () => {
    this.closed = true;
    this.failWatches(new Error('closed'));
  };

  private async rest<T>(name: string, value: T): Promise<T> {
    this.calls.push(name);
    if (this.hangs.delete(name)) return new Promise<T>(() => {});
    const failure = this.failures.get(name.split(' ')[0]!)?.shift();
    if (failure !== undefined) throw failure;
    return structuredClone(value);
  }

  private watch<T>(kind: Watch): Promise<T> {
    this.calls.push(`watch ${kind}`);
    return new Promise<T>((resolve, reject) => {
      const list = this.pending.get(kind) ?? [];
      list.push({ resolve: resolve as (v: unknown) => void, reject });
      this.pending.set(kind, list);
    });
  }
}

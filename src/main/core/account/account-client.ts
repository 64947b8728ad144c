import type { Balances, Exchange, Position as CcxtPosition } from 'ccxt';
import type {
  AccountOrder,
  AccountPosition,
  KeyPermissions,
  MarginMode,
} from '../../../shared/contract/methods/account';
import type { SecretField } from '../../../shared/contract/methods/store';
import type { ExchangeSettings } from '../../../shared/domain/settings';
import { createCcxtExchange, usesPlainWebsocket } from '../exchange/ccxt-factory';
import { quirksOf } from '../exchange/exchange-quirks';
import { guardKeyedTransport } from '../exchange/host-guard';
import { pauseGateOnRetryAfter } from '../exchange/ccxt-source';
import { RestGate } from '../exchange/rest-gate';
import { dropSocket, guardOrphanFutures, SocketGenerations, wsClients } from '../exchange/ws-sockets';
import type { Clock } from '../base/clock';
import type { Logger } from '../base/log';
import { describeAccessError } from './access-error';
import {
  balanceRows,
  num,
  toOrder,
  toFunding,
  toMarginMode,
  toPositions,
  toTrade,
  type BalanceRow,
  type FundingRow,
  type TradeRow,
} from './ccxt-mappers';
import { PERMISSIONS_VISIBLE } from './credential-fields';
import { restrictToReadCalls } from './read-only-allowlist';

export type { BalanceRow, FundingRow, TradeRow } from './ccxt-mappers';

export type PrivateCapabilities = {
  watchBalance: boolean;
  watchOrders: boolean;
  watchMyTrades: boolean;
  watchPositions: boolean;
  fetchPositions: boolean;
  /** current funding rates of perpetual markets can be read (over REST) */
  fetchFundingRates: boolean;
  /** the exchange pushes funding rates on its public socket (OKX's `funding-rate` channel) */
  watchFundingRates: boolean;
  /** the margin mode is the account's and is read on its own with the positions (Bybit) */
  accountMarginMode: boolean;
  /** the configured market type has positions (swap, future …): spot accounts have none */
  derivatives: boolean;
  /** requests can be signed with the exchange's clock (ccxt's time difference) */
  clockSync: boolean;
};

/**
 * Everything Candlewatch may do with an exchange account: read. There is no method here (nor on the
 * ccxt instance behind it, see restrictToReadCalls) that places, changes or cancels an order. Every failure
 * is an AccountAccessError whose message has passed the redactor.
 */
export type ReadOnlyAccountClient = {
  readonly id: string;
  readonly name: string;
  readonly capabilities: PrivateCapabilities;
  loadMarkets(): Promise<void>;
  hasMarket(symbol: string): boolean;
  /** Opens the private stream's authenticated subscription where ccxt lets us do it ahead of a watch (Binance spot). */
  subscribe(): Promise<void>;
  /** non-zero balances */
  fetchBalance(): Promise<BalanceRow[]>;
  /** open orders of every symbol, or of one */
  fetchOpenOrders(symbol?: string): Promise<AccountOrder[]>;
  /** fills of a symbol executed at or after `since`, oldest first, every page */
  fetchMyTrades(symbol: string, since: number): Promise<TradeRow[]>;
  /** open positions; where the margin mode is the account's, read with them and set on each */
  fetchPositions(): Promise<AccountPosition[]>;
  /** current funding rates of the given perpetual markets (those the exchange answers for) */
  fetchFundingRates(symbols: readonly string[]): Promise<FundingRow[]>;
  /** the next funding rates pushed for any of the given perpetual markets */
  watchFundingRates(symbols: readonly string[]): Promise<FundingRow[]>;
  /** last prices of the given symbols (those that exist) */
  fetchPrices(symbols: readonly string[]): Promise<Map<string, number>>;
  /** assets whose balance changed, with complete values (free, used and total), zero included */
  watchBalance(): Promise<BalanceRow[]>;
  /** orders that changed (any status) */
  watchOrders(): Promise<AccountOrder[]>;
  watchMyTrades(): Promise<TradeRow[]>;
  watchPositions(): Promise<AccountPosition[]>;
  /** changes whenever a socket of the private stream was replaced (a reconnect, silent or not) */
  connection(): number;
  /** closes the private sockets, so pending watches fail and the loops reconnect */
  dropConnection(): void;
  /** the exchange's clock minus ours (ms), or null when the exchange does not tell its time */
  clockOffset(): Promise<number | null>;
  /** from now on signs with the exchange's clock; returns the offset found */
  syncClock(): Promise<number | null>;
  permissions(): Promise<KeyPermissions>;
  restBlockedForMs(): number;
  close(): Promise<void>;
};

export type AccountClientOptions = {
  id: string;
  settings: ExchangeSettings;
  credentials: Partial<Record<SecretField, string>>;
  /** sign with the exchange's clock (the user turned clock sync on) */
  clockSync: boolean;
  redact(text: string): string;
  clock: Clock;
  log: Logger;
};

export type AccountClientFactory = (opts: AccountClientOptions) => ReadOnlyAccountClient;

/** Most fills one page of fetchMyTrades asks for, and how many pages one catch-up may read per symbol. */
const TRADES_PAGE = 500;
const MAX_TRADE_PAGES = 20;
const DERIVATIVE_TYPES = new Set(['swap', 'future', 'futures', 'delivery', 'linear', 'inverse', 'option']);

/**
 * The ccxt instance of the private side, separate from the market data one: with keys set,
 * loadMarkets of Binance makes signed calls (currencies, margin pairs), so a wrong secret on the
 * shared instance would take the public charts down with it. Here loadMarkets stays public
 * (fetchCurrencies/fetchMargins off), and the keys only ever sign account reads.
 */
export const createAccountClient: AccountClientFactory = (opts) => {
  const ex = createCcxtExchange(opts.id, opts.settings, {
    ...opts.credentials,
    options: {
      fetchCurrencies: false,
      fetchMargins: false,
      // Binance refuses fetchOpenOrders without a symbol unless told we accept its higher weight:
      // the catch-up after a reconnect needs every symbol's orders, once.
      warnOnFetchOpenOrdersWithoutSymbol: false,
      fetchOpenOrders: { warnWithoutSymbol: false },
      adjustForTimeDifference: opts.clockSync,
    },
  });
  // The keys sign only the allowlisted reads, and only for the exchange's own hosts (invariant 9).
  restrictToReadCalls(ex);
  guardKeyedTransport(ex, opts.id);
  guardOrphanFutures(ex);
  return new CcxtAccountClient(ex, opts);
};

class CcxtAccountClient implements ReadOnlyAccountClient {
  readonly id: string;
  readonly name: string;
  readonly capabilities: PrivateCapabilities;
  private readonly gate: RestGate;
  private marketsLoading: Promise<void> | null = null;
  private lastBalance = new Map<string, string>();
  private lastPositions = new Map<string, string>();
  /** the account's margin mode as last read (where it is the account's), for pushed positions too */
  private marginMode: MarginMode | null = null;
  private readonly sockets = new SocketGenerations();

  constructor(
    private readonly ex: Exchange,
    private readonly opts: AccountClientOptions,
  ) {
    this.id = opts.id;
    this.name = String(ex.name ?? opts.id);
    this.gate = new RestGate(opts.clock);
    const has = ex.has;
    const type = String(ex.options?.['defaultType'] ?? 'spot');
    const derivatives = DERIVATIVE_TYPES.has(type) || opts.id === 'binanceusdm' || opts.id === 'binancecoinm';
    this.capabilities = {
      watchBalance: has['watchBalance'] === true,
      watchOrders: has['watchOrders'] === true,
      watchMyTrades: has['watchMyTrades'] === true,
      watchPositions: derivatives && has['watchPositions'] === true,
      fetchPositions: derivatives && has['fetchPositions'] === true,
      fetchFundingRates: derivatives && has['fetchFundingRates'] === true,
      watchFundingRates: derivatives && has['watchFundingRates'] === true,
      accountMarginMode:
        derivatives && quirksOf(opts.id).marginModePerAccount === true && has['fetchMarginMode'] === true,
      derivatives,
      clockSync: has['fetchTime'] === true && typeof ex.options?.['timeDifference'] === 'number',
    };
    pauseGateOnRetryAfter(ex, this.gate, { clock: opts.clock, log: opts.log, what: 'private REST calls' });
  }

  loadMarkets(): Promise<void> {
    this.marketsLoading ??= this.rest(async () => {
      // ccxt dials ws:// (a local fake exchange, a proxy) only through an http agent loaded first.
      if (usesPlainWebsocket(this.ex)) await this.ex.loadHttpProxyAgent();
      await this.ex.loadMarkets();
      // With the user's consent only: otherwise a wrong clock is reported, not silently worked around.
      if (this.opts.clockSync) await this.ex.loadTimeDifference();
    });
    const loading = this.marketsLoading;
    loading.catch(() => {
      if (this.marketsLoading === loading) this.marketsLoading = null;
    });
    return loading;
  }

  hasMarket(symbol: string): boolean {
    return this.ex.markets?.[symbol] !== undefined;
  }

  async subscribe(): Promise<void> {
    const type = String(this.ex.options?.['defaultType'] ?? 'spot');
    // Binance spot logs in over the WebSocket API with a signed request; once it answers, events are
    // kept for the next watch. Subscribing before the REST catch-up leaves no window for a lost fill.
    // Other exchanges subscribe inside their first watch (the balance reconcile covers that window).
    if (!this.id.startsWith('binance') || type !== 'spot') return;
    const authenticate = (this.ex as unknown as { authenticate(params?: object): Promise<unknown> })
      .authenticate;
    await this.call(() => authenticate.call(this.ex, { type: 'spot' }));
  }

  async fetchBalance(): Promise<BalanceRow[]> {
    const b = await this.rest(() => this.ex.fetchBalance());
    return balanceRows(b).filter((r) => r.total !== 0);
  }

  async fetchOpenOrders(symbol?: string): Promise<AccountOrder[]> {
    const orders = await this.rest(() => this.ex.fetchOpenOrders(symbol));
    return orders.flatMap((o) => toOrder(o) ?? []);
  }

  async fetchMyTrades(symbol: string, since: number): Promise<TradeRow[]> {
    const out = new Map<string, TradeRow>();
    let from = since;
    for (let page = 0; page < MAX_TRADE_PAGES; page++) {
      const trades = await this.rest(() => this.ex.fetchMyTrades(symbol, from, TRADES_PAGE));
      for (const t of trades) {
        const row = toTrade(t);
        if (row) out.set(row.tradeId, row);
      }
      const last = trades.at(-1)?.timestamp;
      if (trades.length < TRADES_PAGE || typeof last !== 'number') break;
      // Several fills can share the last millisecond: ask again from it (dedupe by id), but move on.
      from = last > from ? last : from + 1;
    }
    return [...out.values()].sort((a, b) => a.time - b.time);
  }

  async fetchPositions(): Promise<AccountPosition[]> {
    const positions = await this.rest(() => this.ex.fetchPositions());
    const symbol = positions.map((p) => p?.symbol).find((s) => s !== undefined && this.hasMarket(s));
    // Read again with every positions read: the user may switch the account's mode at any time.
    if (this.capabilities.accountMarginMode && symbol !== undefined) {
      const read = await this.rest(() => this.ex.fetchMarginMode(symbol));
      this.marginMode = toMarginMode(read?.marginMode);
    }
    return positions.flatMap((p) => toPositions(p, this.marginMode));
  }

  async fetchFundingRates(symbols: readonly string[]): Promise<FundingRow[]> {
    const known = symbols.filter((s) => this.hasMarket(s));
    if (known.length === 0) return [];
    const rates = await this.rest(() => this.ex.fetchFundingRates([...known]));
    return Object.values(rates).flatMap((f) => {
      const row = toFunding(f);
      return row && known.includes(row.symbol) ? [row] : [];
    });
  }

  async watchFundingRates(symbols: readonly string[]): Promise<FundingRow[]> {
    const known = symbols.filter((s) => this.hasMarket(s));
    // ccxt resolves with the rate of the one market that was pushed (its newUpdates mode).
    const rates = await this.call(() => this.ex.watchFundingRates([...known]));
    return Object.values(rates).flatMap((f) => toFunding(f) ?? []);
  }

  async fetchPrices(symbols: readonly string[]): Promise<Map<string, number>> {
    const known = symbols.filter((s) => this.hasMarket(s));
    const prices = new Map<string, number>();
    if (known.length === 0) return prices;
    const tickers =
      this.ex.has['fetchTickers'] === true
        ? await this.rest(() => this.ex.fetchTickers(known))
        : Object.fromEntries(
            await Promise.all(
              known.map(async (s) => [s, await this.rest(() => this.ex.fetchTicker(s))] as const),
            ),
          );
    for (const [symbol, t] of Object.entries(tickers)) {
      const price = num(t?.last ?? t?.close);
      if (price !== null) prices.set(symbol, price);
    }
    return prices;
  }

  async watchBalance(): Promise<BalanceRow[]> {
    // ccxt wakes a watch only for an event that arrives while it is pending; one handled in
    // between (during the REST catch-up, or between two wakes) is in the cache alone, and waiting
    // would show it only when some later event comes, on a quiet account maybe hours later.
    const waiting = this.changedBalances(this.cachedBalance());
    if (waiting.length > 0) return waiting;
    const resolved = await this.call(() => this.ex.watchBalance());
    // ccxt resolves with the balance as of the first event; Binance sends `balanceUpdate` and
    // `outboundAccountPosition` back to back, and the second finds no watch pending: its values are
    // only in the cache, which is read instead (same object for one event, newer for two).
    return this.changedBalances(this.cachedBalance() ?? resolved);
  }

  private cachedBalance(): Balances | undefined {
    const type = String(this.ex.options?.['defaultType'] ?? 'spot');
    const cached = (this.ex.balance as unknown as Record<string, unknown> | undefined)?.[type] as
      Balances | undefined;
    return cached?.total !== undefined ? cached : undefined;
  }

  /**
   * ccxt hands back its whole cache, and on Binance a `balanceUpdate` event leaves an asset with a
   * delta in `free` and no `used`/`total` (added to whatever the cache held, possibly nothing).
   * Only complete entries that changed since the last report are news: an asset the cache kept from
   * before a reconnect must not overwrite the REST balance fetched after it.
   */
  private changedBalances(b: Balances | undefined): BalanceRow[] {
    if (!b) return [];
    const changed: BalanceRow[] = [];
    for (const row of balanceRows(b)) {
      if (row.free === null || row.used === null) continue;
      const key = `${row.free}|${row.used}|${row.total}`;
      if (this.lastBalance.get(row.asset) === key) continue;
      this.lastBalance.set(row.asset, key);
      changed.push(row);
    }
    return changed;
  }

  async watchOrders(): Promise<AccountOrder[]> {
    const orders = await this.call(() => this.ex.watchOrders());
    return orders.flatMap((o) => toOrder(o) ?? []);
  }

  async watchMyTrades(): Promise<TradeRow[]> {
    const trades = await this.call(() => this.ex.watchMyTrades());
    return trades.flatMap((t) => toTrade(t) ?? []);
  }

  async watchPositions(): Promise<AccountPosition[]> {
    // As with balances: ccxt resolves a watch with the positions of the one message that woke it;
    // one pushed right after (OKX sends a new position and a closed one back to back) finds no watch
    // pending and is only in ccxt's cache (ArrayCacheBySymbolBySide, the latest per symbol and side).
    const waiting = this.changedPositions();
    if (waiting.length > 0) return waiting;
    const resolved = await this.call(() => this.ex.watchPositions());
    return this.cachedPositions()
      ? this.changedPositions()
      : resolved.flatMap((p) => toPositions(p, this.marginMode));
  }

  private cachedPositions(): CcxtPosition[] | undefined {
    const cached = (this.ex as unknown as { positions?: unknown }).positions;
    return Array.isArray(cached) ? (cached as CcxtPosition[]) : undefined;
  }

  /**
   * Cached positions not reported yet, or changed since: one the cache kept from before a
   * reconnect must not overwrite the REST snapshot taken after it.
   */
  private changedPositions(): AccountPosition[] {
    const changed: AccountPosition[] = [];
    for (const p of (this.cachedPositions() ?? []).flatMap((c) => toPositions(c, this.marginMode))) {
      const key = `${p.symbol}|${p.side}`;
      const value = JSON.stringify(p);
      if (this.lastPositions.get(key) === value) continue;
      this.lastPositions.set(key, value);
      changed.push(p);
    }
    return changed;
  }

  connection(): number {
    return this.sockets.current(wsClients(this.ex));
  }

  dropConnection(): void {
    for (const [url, client] of Object.entries(wsClients(this.ex)))
      dropSocket(this.ex, url, client, `${this.id}: reconnecting the private stream`, this.opts.log);
  }

  async clockOffset(): Promise<number | null> {
    if (this.ex.has['fetchTime'] !== true) return null;
    const before = Date.now();
    const server = await this.rest(() => this.ex.fetchTime());
    const after = Date.now();
    return typeof server === 'number' ? Math.round(server - (before + after) / 2) : null;
  }

  async syncClock(): Promise<number | null> {
    if (!this.capabilities.clockSync) return null;
    this.ex.options['adjustForTimeDifference'] = true;
    const ourMinusTheirs = await this.rest(() => this.ex.loadTimeDifference());
    return typeof ourMinusTheirs === 'number' ? -ourMinusTheirs : null;
  }

  async permissions(): Promise<KeyPermissions> {
    if (!PERMISSIONS_VISIBLE(this.id)) {
      return {
        visible: false,
        reading: null,
        trading: null,
        withdrawals: null,
        ipRestricted: null,
        warning:
          `${this.name} does not let Candlewatch see what this key may do. Candlewatch only reads: ` +
          'make sure the key has the read permission only (no trading, no withdrawals).',
      };
    }
    const sapi = this.ex as unknown as { sapiGetAccountApiRestrictions(): Promise<Record<string, unknown>> };
    const r = await this.rest(() => sapi.sapiGetAccountApiRestrictions());
    const flag = (name: string) => r[name] === true;
    const trading = [
      'enableSpotAndMarginTrading',
      'enableMargin',
      'enableFutures',
      'enableVanillaOptions',
      'enablePortfolioMarginTrading',
      'enableFixApiTrade',
    ].some(flag);
    const withdrawals = ['enableWithdrawals', 'enableInternalTransfer', 'permitsUniversalTransfer'].some(
      flag,
    );
    const can = [trading && 'trade', withdrawals && 'withdraw or transfer funds']
      .filter(Boolean)
      .join(' and ');
    return {
      visible: true,
      reading: flag('enableReading'),
      trading,
      withdrawals,
      ipRestricted: flag('ipRestrict'),
      warning: can
        ? `This key may ${can}. Candlewatch only reads: create a key with only "Enable Reading" and use it instead.`
        : null,
    };
  }

  restBlockedForMs(): number {
    return this.gate.blockedForMs();
  }

  async close(): Promise<void> {
    this.gate.close();
    await this.ex.close();
  }

  /** A REST call: one at a time through the gate (no call inside a Retry-After window), errors sorted. */
  private rest<T>(fn: () => Promise<T>): Promise<T> {
    return this.call(() => this.gate.run(fn));
  }

  private async call<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      throw describeAccessError(err, this.name, this.opts.redact);
    }
  }
}

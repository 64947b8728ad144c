import type {
  Balances,
  Exchange,
  Order as CcxtOrder,
  Position as CcxtPosition,
  Trade as CcxtTrade,
} from 'ccxt';
import { ccxtErrors } from '../base/ccxt-modules';
import type { AccountOrder, AccountPosition, KeyPermissions } from '../../../shared/contract/methods/account';
import type { SecretField } from '../../../shared/contract/methods/store';
import type { ExchangeSettings } from '../../../shared/domain/settings';
import { createCcxtExchange, usesPlainWebsocket } from '../exchange/ccxt-factory';
import { guardKeyedTransport } from '../exchange/host-guard';
import { pauseGateOnRetryAfter } from '../exchange/ccxt-source';
import { RestGate } from '../exchange/rest-gate';
import type { Clock } from '../base/clock';
import type { Logger } from '../base/log';
import { describeAccessError } from './access-error';
import { PERMISSIONS_VISIBLE } from './credential-fields';
import { restrictToReadCalls } from './read-only-allowlist';

/** One asset of a balance; `total` includes what open orders lock (`used`). */
export type BalanceRow = { asset: string; free: number | null; used: number | null; total: number };

/** A fill as the exchange reports it, before it is stored. */
export type TradeRow = {
  tradeId: string;
  orderId: string | null;
  symbol: string;
  side: 'buy' | 'sell';
  price: number;
  amount: number;
  cost: number | null;
  fee: { cost: number; currency: string } | null;
  takerOrMaker: 'taker' | 'maker' | null;
  time: number;
};

export type PrivateCapabilities = {
  watchBalance: boolean;
  watchOrders: boolean;
  watchMyTrades: boolean;
  watchPositions: boolean;
  fetchPositions: boolean;
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
  fetchPositions(): Promise<AccountPosition[]>;
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

type WsClientView = {
  url: string;
  error?: unknown;
  connection?: { terminate?: () => void };
  future(hash: string): Promise<unknown>;
  close(): unknown;
};

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

/**
 * ccxt 4.5.84 (Binance spot) creates a future for the WebSocket API login ahead of the request and
 * rejects it when the login fails (bad key, clock); nothing awaits it, so Node reports an unhandled
 * rejection, which ends the process by default. The same error also rejects the watch we await,
 * so every future of this instance's sockets gets a no-op handler: scoped to this instance, and
 * nothing is lost.
 */
function guardOrphanFutures(ex: Exchange): void {
  const target = ex as unknown as { client(url: string): WsClientView };
  const original = target.client.bind(ex);
  const guarded = new WeakSet<object>();
  target.client = (url: string) => {
    const client = original(url);
    if (!guarded.has(client)) {
      guarded.add(client);
      const future = client.future.bind(client);
      const handled = new WeakSet<object>();
      client.future = (hash: string) => {
        const f = future(hash);
        if (!handled.has(f)) {
          handled.add(f);
          f.catch(() => {});
        }
        return f;
      };
    }
    return client;
  };
}

class CcxtAccountClient implements ReadOnlyAccountClient {
  readonly id: string;
  readonly name: string;
  readonly capabilities: PrivateCapabilities;
  private readonly gate: RestGate;
  private marketsLoading: Promise<void> | null = null;
  private lastBalance = new Map<string, string>();
  private readonly lastClientByUrl = new Map<string, object>();
  private generation = 0;

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
    return positions.flatMap(toPositions);
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
    const positions = await this.call(() => this.ex.watchPositions());
    return positions.flatMap(toPositions);
  }

  connection(): number {
    const clients = (this.ex.clients ?? {}) as unknown as Record<string, object>;
    for (const [url, client] of Object.entries(clients)) {
      const before = this.lastClientByUrl.get(url);
      if (before === client) continue;
      if (before !== undefined) this.generation++;
      this.lastClientByUrl.set(url, client);
    }
    return this.generation;
  }

  dropConnection(): void {
    const clients = (this.ex.clients ?? {}) as unknown as Record<string, WsClientView>;
    for (const [url, client] of Object.entries(clients)) {
      // Marked closed-by-user first, so ccxt's onClose leaves the registry (and a newer socket) alone.
      client.error = new ccxtErrors.ExchangeClosedByUser(`${this.id}: reconnecting the private stream`);
      delete (this.ex.clients as unknown as Record<string, unknown>)[url];
      try {
        // terminate, not close: a stalled server may never answer the closing handshake.
        if (client.connection?.terminate) client.connection.terminate();
        else void client.close();
      } catch (err) {
        this.opts.log.debug('closing a private socket failed', { url, error: err });
      }
    }
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

function balanceRows(b: Balances): BalanceRow[] {
  const rows: BalanceRow[] = [];
  const totals = (b.total ?? {}) as unknown as Record<string, unknown>;
  const free = (b.free ?? {}) as unknown as Record<string, unknown>;
  const used = (b.used ?? {}) as unknown as Record<string, unknown>;
  for (const asset of Object.keys(totals)) {
    const total = num(totals[asset]);
    const f = num(free[asset]);
    const u = num(used[asset]);
    const sum = total ?? (f !== null && u !== null ? f + u : null);
    if (sum === null) continue;
    rows.push({ asset, free: f, used: u, total: sum });
  }
  return rows;
}

function toOrder(o: CcxtOrder): AccountOrder | null {
  if (!o?.id || !o.symbol || (o.side !== 'buy' && o.side !== 'sell')) return null;
  return {
    id: String(o.id),
    clientOrderId: o.clientOrderId ? String(o.clientOrderId) : null,
    symbol: o.symbol,
    side: o.side,
    type: o.type ?? null,
    price: num(o.price),
    average: num(o.average),
    amount: num(o.amount),
    filled: num(o.filled),
    remaining: num(o.remaining),
    status: String(o.status ?? 'open'),
    createdAt: num(o.timestamp),
    updatedAt: num(o.lastUpdateTimestamp ?? o.lastTradeTimestamp ?? o.timestamp),
  };
}

function toTrade(t: CcxtTrade): TradeRow | null {
  const price = num(t?.price);
  const amount = num(t?.amount);
  const time = num(t?.timestamp);
  if (
    !t?.symbol ||
    (t.side !== 'buy' && t.side !== 'sell') ||
    price === null ||
    amount === null ||
    time === null
  )
    return null;
  const order = t.order ? String(t.order) : null;
  const feeCost = num(t.fee?.cost);
  return {
    // An exchange without trade ids still identifies a fill by its order, time, price and amount.
    tradeId: t.id ? String(t.id) : `${order ?? '-'}:${time}:${price}:${amount}`,
    orderId: order,
    symbol: t.symbol,
    side: t.side,
    price,
    amount,
    cost: num(t.cost),
    fee: feeCost !== null && t.fee?.currency ? { cost: feeCost, currency: t.fee.currency } : null,
    takerOrMaker: t.takerOrMaker === 'taker' || t.takerOrMaker === 'maker' ? t.takerOrMaker : null,
    time,
  };
}

/**
 * A position, or a closed one (0 contracts) so the book drops it: when the exchange does not say
 * which side closed, both sides are reported closed.
 */
function toPositions(p: CcxtPosition): AccountPosition[] {
  const contracts = num(p?.contracts);
  if (!p?.symbol || contracts === null) return [];
  const side = p.side === 'short' || p.side === 'long' ? p.side : contracts < 0 ? 'short' : null;
  const mark = num(p.markPrice);
  const liquidation = num(p.liquidationPrice);
  const position: AccountPosition = {
    symbol: p.symbol,
    side: side ?? 'long',
    contracts: Math.abs(contracts),
    contractSize: num(p.contractSize),
    notional: num(p.notional),
    entryPrice: num(p.entryPrice),
    markPrice: mark,
    unrealizedPnl: num(p.unrealizedPnl),
    liquidationPrice: liquidation,
    leverage: num(p.leverage),
    marginMode: p.marginMode ?? null,
    liquidationDistance:
      mark !== null && mark > 0 && liquidation !== null && liquidation > 0
        ? Math.abs(mark - liquidation) / mark
        : null,
    updatedAt: num(p.timestamp),
  };
  if (side === null && contracts === 0) return [position, { ...position, side: 'short' }];
  return [position];
}

function num(v: unknown): number | null {
  if (typeof v === 'number') return Number.isFinite(v) ? v : null;
  if (typeof v === 'string' && v.trim() !== '') {
    const n = Number(v);
    return Number.isFinite(n) ? n : null;
  }
  return null;
}

import { formatScaled } from './decimal';
import type { Venue } from './venue';

/**
 * The simulated spot account behind the private endpoints. Amounts are integers of 1e-8 (Binance
 * prints every amount with 8 decimals), so balances add up exactly. Tests drive it with the helpers
 * (placeOrder, fill, cancel, deposit, setBalance); every change is also pushed as the user-data
 * events Binance sends (executionReport, outboundAccountPosition, balanceUpdate).
 */

const DECIMALS = 8;
const ONE = 100_000_000;
/** 0.1 %, Binance's base spot fee, taken from the asset received */
const COMMISSION_DIVISOR = 1000;

export type Side = 'BUY' | 'SELL';
export type OrderStatus = 'NEW' | 'PARTIALLY_FILLED' | 'FILLED' | 'CANCELED';

type Balance = { free: number; locked: number };

export type SimOrder = {
  symbol: string;
  orderId: number;
  clientOrderId: string;
  side: Side;
  type: 'LIMIT' | 'MARKET';
  price: number;
  origQty: number;
  executedQty: number;
  cumQuote: number;
  status: OrderStatus;
  time: number;
  updateTime: number;
};

export type SimTrade = {
  symbol: string;
  id: number;
  orderId: number;
  price: number;
  qty: number;
  quoteQty: number;
  commission: number;
  commissionAsset: string;
  time: number;
  isBuyer: boolean;
  isMaker: boolean;
};

export type UserEvent = Record<string, unknown>;

/** Amounts the helpers accept: a number or a decimal string, in whole units (0.5 BTC = 0.5). */
export type Amount = number | string;

function toUnits(amount: Amount): number {
  const units = Math.round(Number(amount) * ONE);
  if (!Number.isFinite(units) || units < 0)
    throw new Error(`Fake exchange: invalid amount ${String(amount)}`);
  return units;
}

const fmt = (units: number): string => formatScaled(units, DECIMALS);

function quoteOf(price: number, qty: number): number {
  // price and qty are both 1e-8 units: the product overflows a double's exact range, BigInt does not
  return Number((BigInt(price) * BigInt(qty) + BigInt(ONE / 2)) / BigInt(ONE));
}

export type PlaceOrder = {
  symbol: string;
  side: Side;
  /** LIMIT rests until filled; MARKET fills at once at the current price */
  type?: 'LIMIT' | 'MARKET';
  amount: Amount;
  /** required for LIMIT */
  price?: Amount;
};

export class SimulatedAccount {
  private readonly balances = new Map<string, Balance>();
  private readonly orders = new Map<number, SimOrder>();
  private readonly trades: SimTrade[] = [];
  private nextOrderId = 1;
  private nextTradeId = 1;
  private readonly listeners = new Set<(event: UserEvent) => void>();

  constructor(private readonly venue: Venue) {}

  onEvent(listener: (event: UserEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private emit(event: UserEvent): void {
    for (const listener of this.listeners) listener(event);
  }

  private balance(asset: string): Balance {
    let balance = this.balances.get(asset);
    if (!balance) {
      balance = { free: 0, locked: 0 };
      this.balances.set(asset, balance);
    }
    return balance;
  }

  private market(symbol: string): { id: string; base: string; quote: string } {
    const listing = this.venue.bySymbol(symbol) ?? this.venue.byMarketId(symbol);
    if (!listing) throw new Error(`Fake exchange: ${symbol} is not listed`);
    return listing.spec;
  }

  private positionEvent(assets: string[], now: number): void {
    this.emit({
      e: 'outboundAccountPosition',
      E: now,
      u: now,
      B: [...new Set(assets)].map((asset) => {
        const { free, locked } = this.balance(asset);
        return { a: asset, f: fmt(free), l: fmt(locked) };
      }),
    });
  }

  /** Sets an asset's balance outright (no balanceUpdate: like a state the account was already in). */
  setBalance(asset: string, free: Amount, locked: Amount = 0): void {
    const balance = this.balance(asset);
    balance.free = toUnits(free);
    balance.locked = toUnits(locked);
    this.positionEvent([asset], Date.now());
  }

  /** A deposit: balanceUpdate then outboundAccountPosition, as Binance sends them. */
  deposit(asset: string, amount: Amount): void {
    const units = toUnits(amount);
    const now = Date.now();
    this.balance(asset).free += units;
    this.emit({ e: 'balanceUpdate', E: now, a: asset, d: fmt(units), T: now });
    this.positionEvent([asset], now);
  }

  /** An order placed by the user elsewhere (Candlewatch never places one): NEW, funds locked. */
  placeOrder(request: PlaceOrder): SimOrder {
    const { id, base, quote } = this.market(request.symbol);
    const type = request.type ?? 'LIMIT';
    const now = Date.now();
    const qty = toUnits(request.amount);
    let price: number;
    if (type === 'LIMIT') {
      if (request.price === undefined) throw new Error('Fake exchange: a LIMIT order needs a price');
      price = toUnits(request.price);
    } else {
      const listing = this.venue.byMarketId(id)!;
      price = toUnits(listing.series.tickToNumber(listing.series.closeOf(Math.floor(now / 1000) - 1)));
    }
    const lockAsset = request.side === 'BUY' ? quote : base;
    const lockAmount = request.side === 'BUY' ? quoteOf(price, qty) : qty;
    const balance = this.balance(lockAsset);
    if (balance.free < lockAmount)
      throw new Error(`Fake exchange: ${lockAsset} free ${fmt(balance.free)} < ${fmt(lockAmount)} needed`);
    balance.free -= lockAmount;
    balance.locked += lockAmount;
    const orderId = this.nextOrderId++;
    const order: SimOrder = {
      symbol: id,
      orderId,
      clientOrderId: `fake${String(orderId).padStart(8, '0')}`,
      side: request.side,
      type,
      price: type === 'LIMIT' ? price : 0,
      origQty: qty,
      executedQty: 0,
      cumQuote: 0,
      status: 'NEW',
      time: now,
      updateTime: now,
    };
    this.orders.set(order.orderId, order);
    this.emit(this.executionReport(order, 'NEW', undefined, now));
    this.positionEvent([lockAsset], now);
    if (type === 'MARKET') this.fill(order.orderId, undefined, price / ONE);
    return { ...order };
  }

  /** Fills `amount` (default: all that is left) of an open order at `price` (default: its limit). */
  fill(orderId: number, amount?: Amount, price?: Amount): SimTrade {
    const order = this.orders.get(orderId);
    if (!order || (order.status !== 'NEW' && order.status !== 'PARTIALLY_FILLED'))
      throw new Error(`Fake exchange: order ${orderId} is not open`);
    const { base, quote } = this.market(order.symbol);
    const remaining = order.origQty - order.executedQty;
    const qty = amount === undefined ? remaining : toUnits(amount);
    if (qty <= 0 || qty > remaining)
      throw new Error(`Fake exchange: cannot fill ${fmt(qty)} of ${fmt(remaining)}`);
    const fillPrice = price === undefined ? order.price : toUnits(price);
    const quoteQty = quoteOf(fillPrice, qty);
    const now = Date.now();
    const buying = order.side === 'BUY';
    const received = buying ? qty : quoteQty;
    const commission = Math.floor(received / COMMISSION_DIVISOR);
    if (buying) {
      // the lock was taken at the limit price; a better fill price releases the difference
      const locked = order.type === 'LIMIT' ? quoteOf(order.price, qty) : quoteQty;
      this.balance(quote).locked -= locked;
      this.balance(quote).free += locked - quoteQty;
      this.balance(base).free += received - commission;
    } else {
      this.balance(base).locked -= qty;
      this.balance(quote).free += received - commission;
    }
    order.executedQty += qty;
    order.cumQuote += quoteQty;
    order.status = order.executedQty === order.origQty ? 'FILLED' : 'PARTIALLY_FILLED';
    order.updateTime = now;
    const trade: SimTrade = {
      symbol: order.symbol,
      id: this.nextTradeId++,
      orderId,
      price: fillPrice,
      qty,
      quoteQty,
      commission,
      commissionAsset: buying ? base : quote,
      time: now,
      isBuyer: buying,
      isMaker: order.type === 'LIMIT',
    };
    this.trades.push(trade);
    this.emit(this.executionReport(order, 'TRADE', trade, now));
    this.positionEvent([base, quote], now);
    return { ...trade };
  }

  cancel(orderId: number): void {
    const order = this.orders.get(orderId);
    if (!order || (order.status !== 'NEW' && order.status !== 'PARTIALLY_FILLED'))
      throw new Error(`Fake exchange: order ${orderId} is not open`);
    const { base, quote } = this.market(order.symbol);
    const remaining = order.origQty - order.executedQty;
    const asset = order.side === 'BUY' ? quote : base;
    const unlock = order.side === 'BUY' ? quoteOf(order.price, remaining) : remaining;
    this.balance(asset).locked -= unlock;
    this.balance(asset).free += unlock;
    const now = Date.now();
    order.status = 'CANCELED';
    order.updateTime = now;
    this.emit(this.executionReport(order, 'CANCELED', undefined, now));
    this.positionEvent([asset], now);
  }

  // ---- REST shapes ----

  restBalances(): { asset: string; free: string; locked: string }[] {
    return [...this.balances.entries()].map(([asset, { free, locked }]) => ({
      asset,
      free: fmt(free),
      locked: fmt(locked),
    }));
  }

  restOpenOrders(symbolId?: string): Record<string, unknown>[] {
    return [...this.orders.values()]
      .filter(
        (o) =>
          (o.status === 'NEW' || o.status === 'PARTIALLY_FILLED') && (!symbolId || o.symbol === symbolId),
      )
      .map((o) => restOrder(o));
  }

  restAllOrders(symbolId: string): Record<string, unknown>[] {
    return [...this.orders.values()].filter((o) => o.symbol === symbolId).map((o) => restOrder(o));
  }

  restOrder(symbolId: string, orderId: number): Record<string, unknown> | undefined {
    const order = this.orders.get(orderId);
    return order && order.symbol === symbolId ? restOrder(order) : undefined;
  }

  /**
   * `GET /api/v3/myTrades` selection: fromId → trades with id ≥ fromId; else startTime/endTime → the
   * window, oldest first; else the most recent. At most `limit`, ascending by id.
   */
  restTrades(
    symbolId: string,
    query: { orderId?: number; fromId?: number; startTime?: number; endTime?: number; limit: number },
  ): Record<string, unknown>[] {
    let list = this.trades.filter((t) => t.symbol === symbolId);
    if (query.orderId !== undefined) list = list.filter((t) => t.orderId === query.orderId);
    if (query.fromId !== undefined) list = list.filter((t) => t.id >= query.fromId!).slice(0, query.limit);
    else if (query.startTime !== undefined || query.endTime !== undefined)
      list = list
        .filter((t) => t.time >= (query.startTime ?? 0) && t.time <= (query.endTime ?? Infinity))
        .slice(0, query.limit);
    else list = list.slice(-query.limit);
    return list.map((t) => ({
      symbol: t.symbol,
      id: t.id,
      orderId: t.orderId,
      orderListId: -1,
      price: fmt(t.price),
      qty: fmt(t.qty),
      quoteQty: fmt(t.quoteQty),
      commission: fmt(t.commission),
      commissionAsset: t.commissionAsset,
      time: t.time,
      isBuyer: t.isBuyer,
      isMaker: t.isMaker,
      isBestMatch: true,
    }));
  }

  private executionReport(
    order: SimOrder,
    executionType: 'NEW' | 'TRADE' | 'CANCELED',
    trade: SimTrade | undefined,
    now: number,
  ): UserEvent {
    return {
      e: 'executionReport',
      E: now,
      s: order.symbol,
      c: order.clientOrderId,
      S: order.side,
      o: order.type,
      f: 'GTC',
      q: fmt(order.origQty),
      p: fmt(order.price),
      P: fmt(0),
      F: fmt(0),
      g: -1,
      C: '',
      x: executionType,
      X: order.status,
      r: 'NONE',
      i: order.orderId,
      l: fmt(trade?.qty ?? 0),
      z: fmt(order.executedQty),
      L: fmt(trade?.price ?? 0),
      n: fmt(trade?.commission ?? 0),
      N: trade?.commissionAsset ?? null,
      T: now,
      t: trade?.id ?? -1,
      I: order.orderId * 2 + (trade ? 1 : 0),
      w: order.status === 'NEW' || order.status === 'PARTIALLY_FILLED',
      m: trade?.isMaker ?? false,
      M: false,
      O: order.time,
      Z: fmt(order.cumQuote),
      Y: fmt(trade?.quoteQty ?? 0),
      Q: fmt(0),
      W: order.time,
      V: 'EXPIRE_MAKER',
    };
  }
}

function restOrder(o: SimOrder): Record<string, unknown> {
  return {
    symbol: o.symbol,
    orderId: o.orderId,
    orderListId: -1,
    clientOrderId: o.clientOrderId,
    price: fmt(o.price),
    origQty: fmt(o.origQty),
    executedQty: fmt(o.executedQty),
    cummulativeQuoteQty: fmt(o.cumQuote),
    status: o.status,
    timeInForce: 'GTC',
    type: o.type,
    side: o.side,
    stopPrice: fmt(0),
    icebergQty: fmt(0),
    time: o.time,
    updateTime: o.updateTime,
    isWorking: true,
    workingTime: o.time,
    origQuoteOrderQty: fmt(0),
    selfTradePreventionMode: 'EXPIRE_MAKER',
  };
}

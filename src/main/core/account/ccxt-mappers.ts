import type {
  Balances,
  FundingRate,
  Order as CcxtOrder,
  Position as CcxtPosition,
  Trade as CcxtTrade,
} from 'ccxt';
import type { AccountOrder, AccountPosition, MarginMode } from '../../../shared/contract/methods/account';
import { liquidationDistance } from './account-state';

/** Pure mappers from ccxt's account shapes to ours: what a private stream or a REST read hands over. */

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

export function balanceRows(b: Balances): BalanceRow[] {
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

export function toOrder(o: CcxtOrder): AccountOrder | null {
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

export function toTrade(t: CcxtTrade): TradeRow | null {
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
 * ccxt's margin mode words (OKX's mgnMode, BingX's marginType with "crossed" made "cross", Bybit's
 * account modes ISOLATED_MARGIN / REGULAR_MARGIN / PORTFOLIO_MARGIN as isolated / cross / portfolio)
 * in ours; anything else is not known.
 */
export function toMarginMode(value: unknown): MarginMode | null {
  switch (typeof value === 'string' ? value.toLowerCase() : null) {
    case 'cross':
    case 'crossed':
      return 'cross';
    case 'isolated':
      return 'isolated';
    case 'portfolio':
      return 'portfolio';
    default:
      return null;
  }
}

/**
 * A position, or a closed one (0 contracts) so the book drops it: when the exchange does not say
 * which side closed, both sides are reported closed. `accountMarginMode` stands in where the
 * position does not carry its margin mode because the exchange sets it per account (Bybit).
 */
export function toPositions(p: CcxtPosition, accountMarginMode: MarginMode | null = null): AccountPosition[] {
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
    marginMode: toMarginMode(p.marginMode) ?? accountMarginMode,
    liquidationDistance: liquidationDistance(mark, liquidation),
    // Bybit and BingX put the opening time in `timestamp` and the last change in lastUpdateTimestamp.
    updatedAt: num(p.lastUpdateTimestamp) ?? num(p.timestamp),
    markPriceAt: null,
    funding: null,
  };
  if (side === null && contracts === 0) return [position, { ...position, side: 'short' }];
  return [position];
}

/** A funding rate as ccxt parses it, for the position of its market. */
export type FundingRow = { symbol: string; rate: number; nextFundingTime: number | null };

export function toFunding(f: FundingRate): FundingRow | null {
  const rate = num(f?.fundingRate);
  if (!f?.symbol || rate === null) return null;
  // The next settlement: ccxt calls it fundingTimestamp on OKX (its fundingTime, the settlement of
  // the current rate; nextFundingTime is the one after) and Bybit, nextFundingTimestamp on BingX.
  return { symbol: f.symbol, rate, nextFundingTime: num(f.fundingTimestamp) ?? num(f.nextFundingTimestamp) };
}

export function num(v: unknown): number | null {
  if (typeof v === 'number') return Number.isFinite(v) ? v : null;
  if (typeof v === 'string' && v.trim() !== '') {
    const n = Number(v);
    return Number.isFinite(n) ? n : null;
  }
  return null;
}

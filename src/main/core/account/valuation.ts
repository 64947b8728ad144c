import type { AccountBalance } from '../../../shared/contract/methods/account';
import type { BalanceRow } from './account-client';

export const VALUATION_QUOTE = 'USDT';

/** The market that prices an asset in USDT: ASSET/USDT, else USDT/ASSET (inverted), else none. */
export function pricingSymbol(asset: string, hasMarket: (symbol: string) => boolean): string | null {
  if (asset === VALUATION_QUOTE) return null;
  const direct = `${asset}/${VALUATION_QUOTE}`;
  if (hasMarket(direct)) return direct;
  const inverse = `${VALUATION_QUOTE}/${asset}`;
  return hasMarket(inverse) ? inverse : null;
}

export type Valuation = {
  balances: AccountBalance[];
  totalValueUsdt: number | null;
  unvaluedAssets: string[];
};

/** Values each balance in USDT from the last prices; largest value first, unvalued ones last by name. */
export function valueBalances(rows: readonly BalanceRow[], prices: ReadonlyMap<string, number>): Valuation {
  const balances = rows.map((r): AccountBalance => ({ ...r, valueUsdt: valueOf(r, prices) }));
  balances.sort(
    (a, b) => (b.valueUsdt ?? -Infinity) - (a.valueUsdt ?? -Infinity) || a.asset.localeCompare(b.asset),
  );
  const valued = balances.filter((b) => b.valueUsdt !== null);
  return {
    balances,
    totalValueUsdt: valued.length > 0 ? valued.reduce((sum, b) => sum + b.valueUsdt!, 0) : null,
    unvaluedAssets: balances.filter((b) => b.valueUsdt === null).map((b) => b.asset),
  };
}

function valueOf(r: BalanceRow, prices: ReadonlyMap<string, number>): number | null {
  if (r.asset === VALUATION_QUOTE) return r.total;
  const direct = prices.get(`${r.asset}/${VALUATION_QUOTE}`);
  if (direct !== undefined) return r.total * direct;
  const inverse = prices.get(`${VALUATION_QUOTE}/${r.asset}`);
  return inverse !== undefined && inverse > 0 ? r.total / inverse : null;
}

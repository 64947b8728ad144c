import type { AccountPosition, AccountSnapshot, MarginMode } from '../../shared/contract/methods/account';
import { formatPercent, formatPrice } from '../format/numbers';
import { ageText, freshness, type Freshness } from '../live/freshness';

/**
 * A mark price or funding rate older than this looks stale: the core reads them again every 10 s
 * (exchange-account.ts derivativesMs), so this is three missed reads and some slack.
 */
export const DERIVATIVES_STALE_MS = 45_000;
/**
 * A funding rate pushed on OKX's `funding-rate` channel comes every 30–90 s (and REST reads it
 * again once the push is two minutes late): older than this, it looks stale.
 */
export const FUNDING_STALE_MS = 150_000;

/** A position's margin mode in words; where the exchange does not say, that is what it shows. */
const MARGIN_WORDS: Record<MarginMode, string> = {
  isolated: 'isolated',
  cross: 'cross',
  portfolio: 'portfolio',
};

export type PositionView = {
  /** "isolated", "cross", "portfolio" or "not given" */
  margin: string;
  /** the liquidation price, "—" where there is none (a cross position far from it) */
  liquidation: string;
  /** "6.3 % away", or null without a liquidation price */
  liquidationAway: string | null;
  mark: string;
  /** how current the mark price is (invariant 10): its age, stale past DERIVATIVES_STALE_MS */
  markFreshness: Freshness;
  /** "+0.0100 %" (longs pay) or "-0.0050 %" (shorts pay); "—" until read */
  fundingRate: string;
  /** "in 3 h 12 min", "settling" once the time has passed, or null when unknown */
  nextFunding: string | null;
  fundingFreshness: Freshness | null;
};

/** What the account panel shows of a position's mark price and funding, with their ages. */
export function positionView(
  p: AccountPosition,
  account: Pick<AccountSnapshot, 'state'>,
  now: number,
  coreOpen: boolean,
): PositionView {
  const age = (seenAt: number | null, staleAfterMs: number): Freshness =>
    freshness({ states: [account.state], seenAt: seenAt ?? undefined, now, staleAfterMs, coreOpen });
  const funding = p.funding;
  const next = funding?.nextFundingTime ?? null;
  return {
    margin: p.marginMode === null ? 'not given' : MARGIN_WORDS[p.marginMode],
    liquidation: formatPrice(p.liquidationPrice, null),
    liquidationAway:
      p.liquidationDistance === null
        ? null
        : `${formatPercent(p.liquidationDistance * 100, 1).replace('+', '')} away`,
    mark: formatPrice(p.markPrice, null),
    markFreshness: age(p.markPriceAt, DERIVATIVES_STALE_MS),
    fundingRate: funding ? formatPercent(funding.rate * 100, 4) : '—',
    nextFunding: next === null ? null : next > now ? `in ${ageText(next - now)}` : 'settling',
    fundingFreshness: funding ? age(funding.at, FUNDING_STALE_MS) : null,
  };
}

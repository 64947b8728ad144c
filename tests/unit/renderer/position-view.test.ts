import { describe, expect, it } from 'vitest';
import {
  DERIVATIVES_STALE_MS,
  FUNDING_STALE_MS,
  positionView,
} from '../../../src/renderer/account/position-view';
import type { AccountPosition } from '../../../src/shared/contract/methods/account';

const now = 1_800_000_000_000;

const position = (over: Partial<AccountPosition> = {}): AccountPosition => ({
  symbol: 'BTC/USDT:USDT',
  side: 'long',
  contracts: 5,
  contractSize: 0.01,
  notional: 3_200,
  entryPrice: 62_500,
  markPrice: 64_000.5,
  unrealizedPnl: 75,
  liquidationPrice: 56_562.5,
  leverage: 10,
  marginMode: 'isolated',
  liquidationDistance: 0.116,
  updatedAt: now - 60_000,
  markPriceAt: now - 4_000,
  funding: { rate: 0.0001, nextFundingTime: now + (3 * 60 + 12) * 60_000, at: now - 2_000 },
  ...over,
});

describe('a position in the account panel', () => {
  it('shows the mark price and the funding rate with their ages and the time to the next funding', () => {
    const v = positionView(position(), { state: 'live' }, now, true);
    expect(v.mark).toBe('64,000.50');
    expect(v.markFreshness).toMatchObject({ kind: 'live', ageMs: 4_000 });
    expect(v.fundingRate).toBe('+0.0100 %');
    expect(v.nextFunding).toBe('in 3 h 12 min');
    expect(v.fundingFreshness).toMatchObject({ kind: 'live', ageMs: 2_000 });
  });

  it('says the margin mode and how far the liquidation price is, in words', () => {
    const v = positionView(position(), { state: 'live' }, now, true);
    expect([v.margin, v.liquidation, v.liquidationAway]).toEqual(['isolated', '56,562.50', '11.6 % away']);
    expect(positionView(position({ marginMode: 'portfolio' }), { state: 'live' }, now, true).margin).toBe(
      'portfolio',
    );
    const unsaid = position({ marginMode: null, liquidationPrice: null, liquidationDistance: null });
    const u = positionView(unsaid, { state: 'live' }, now, true);
    expect([u.margin, u.liquidation, u.liquidationAway]).toEqual(['not given', '—', null]);
  });

  it('signs a rate that shorts pay, and says a settlement time that passed is settling', () => {
    const v = positionView(
      position({ funding: { rate: -0.00005, nextFundingTime: now - 1_000, at: now } }),
      { state: 'live' },
      now,
      true,
    );
    expect(v.fundingRate).toBe('-0.0050 %');
    expect(v.nextFunding).toBe('settling');
  });

  it('looks stale once the mark price has not been read for a while', () => {
    const v = positionView(
      position({ markPriceAt: now - DERIVATIVES_STALE_MS - 5_000 }),
      { state: 'live' },
      now,
      true,
    );
    expect(v.markFreshness).toMatchObject({ kind: 'stale', text: 'stale 50 s' });
  });

  it('gives a funding rate longer before it looks stale (OKX pushes it every 30–90 s)', () => {
    const at = now - DERIVATIVES_STALE_MS - 45_000;
    const pushed = position({ markPriceAt: now, funding: { rate: 0.0001, nextFundingTime: null, at } });
    expect(positionView(pushed, { state: 'live' }, now, true).fundingFreshness?.kind).toBe('live');
    const late = { ...pushed, funding: { ...pushed.funding!, at: now - FUNDING_STALE_MS - 1_000 } };
    expect(positionView(late, { state: 'live' }, now, true).fundingFreshness?.kind).toBe('stale');
  });

  it('is not current while the account reconnects or the core is gone', () => {
    expect(positionView(position(), { state: 'error' }, now, true).markFreshness.kind).toBe('reconnecting');
    expect(positionView(position(), { state: 'live' }, now, false).fundingFreshness?.kind).toBe(
      'disconnected',
    );
  });

  it('shows dashes until the funding has been read, and no age for a mark never read', () => {
    const v = positionView(
      position({ funding: null, markPrice: null, markPriceAt: null }),
      { state: 'live' },
      now,
      true,
    );
    expect(v).toMatchObject({ mark: '—', fundingRate: '—', nextFunding: null, fundingFreshness: null });
    expect(v.markFreshness.ageMs).toBeNull();
  });
});

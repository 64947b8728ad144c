import { createHmac, timingSafeEqual } from 'node:crypto';
import type { RestRequest, RestRoute } from './public-rest';
import type { Now } from './clock';
import type { Listing, Venue } from './venue';

/**
 * The derivatives account of a protocol fake (OKX, Bybit, BingX): its API key and the open
 * positions of its perpetual (linear swap) markets, which each exchange's private REST and
 * WebSocket modules format in their own words. Mark price, unrealised PnL and liquidation price
 * are computed here once, so every protocol serves the same numbers and a test can compare what
 * the app shows with `view()`.
 */

/** Everything a key needs on these exchanges: OKX adds a passphrase (ccxt's `password`). */
export type DerivativesCredentials = { apiKey: string; secret: string; password: string };

/** What a fake with a derivatives account offers a test, on top of FakeVenue. */
export type DerivativesSide = {
  /** the USDT-perpetual account behind the private side */
  account: FakeDerivatives;
  /** the key the private side accepts (OKX also wants the passphrase, ccxt's `password`) */
  credentials: DerivativesCredentials;
  /** ccxtJsonConfig() for a derivatives account: swap markets loaded, swap by default */
  ccxtSwapJsonConfig(): Record<string, unknown>;
  /** open private sockets that get position changes pushed */
  positionSubscribers(): number;
};

export type FakePositionInput = {
  /** the spot pair whose series the perpetual trades, e.g. 'BTC/USDT' (ccxt: BTC/USDT:USDT) */
  symbol: string;
  side: 'long' | 'short';
  /** in contracts (OKX: of `ctVal` base each; Bybit and BingX: base units) */
  contracts: number;
  entryPrice: number;
  leverage?: number;
  marginMode?: 'cross' | 'isolated';
};

export type FakePosition = Required<FakePositionInput> & {
  markPrice: number;
  /** (mark − entry) × size in base, negated for a short */
  unrealizedPnl: number;
  liquidationPrice: number;
  /** size in base × mark */
  notional: number;
  createdAt: number;
  updatedAt: number;
};

/** The USDT the fakes' derivatives accounts hold (their balance reads), ahead of any margin in use. */
export const WALLET_USDT = 100_000;

/** Maintenance margin rate of the liquidation formula (a plain tier-1 rate, like BTC's 0.4–0.5 %). */
const MAINTENANCE_RATE = 0.005;
/** Funding is settled every 8 hours at 00:00, 08:00 and 16:00 UTC on all three exchanges' BTC perpetuals. */
export const FUNDING_PERIOD_MS = 8 * 3_600_000;

const round = (value: number, decimals: number): number => Number(value.toFixed(decimals));

/** Why a position is pushed: opened or changed by a trade, closed, or only its mark price moved. */
export type PositionChange = 'trade' | 'closed' | 'mark';
export type PositionListener = (position: FakePosition, change: PositionChange) => void;

export class FakeDerivatives {
  readonly credentials: DerivativesCredentials;
  revoked = false;
  private readonly open = new Map<string, FakePosition>();
  private readonly marks = new Map<string, number>();
  private readonly listeners = new Set<PositionListener>();
  private fundingRate = 0.0001;
  /**
   * The margin mode of the whole account, where the exchange sets it per account (Bybit's unified
   * account; its default is cross, REGULAR_MARGIN); elsewhere each position has its own.
   */
  accountMarginMode: 'cross' | 'isolated' | 'portfolio' = 'cross';

  constructor(
    private readonly venue: Venue,
    private readonly now: Now,
    /** base units per contract of a pair's perpetual (OKX's ctVal; 1 where size is in base) */
    private readonly contractSize: (listing: Listing) => number,
    exchange: string,
    seed: number,
  ) {
    // Deterministic per seed and exchange, so a failing run can be replayed.
    const token = (salt: string) =>
      createHmac('sha256', `fake-${exchange}-${seed}`).update(salt).digest('hex');
    this.credentials = {
      apiKey: token('key').slice(0, 32),
      secret: token('secret').slice(0, 32),
      password: `Pass-${token('passphrase').slice(0, 8)}`,
    };
  }

  /** An API key the exchange knows (and has not revoked). */
  knows(apiKey: string | undefined): boolean {
    return !this.revoked && apiKey === this.credentials.apiKey;
  }

  /** every listed pair (each has its perpetual) */
  listings(): Listing[] {
    return this.venue.listings;
  }

  listing(symbol: string): Listing {
    const listing = this.venue.bySymbol(symbol);
    if (!listing) throw new Error(`Fake derivatives: ${symbol} is not listed`);
    return listing;
  }

  /** The mark price of a pair's perpetual: set by the test, else the last traded price. */
  markPrice(symbol: string): number {
    const set = this.marks.get(symbol);
    if (set !== undefined) return set;
    return Number(this.venue.restTicker(this.listing(symbol), this.now())['lastPrice']);
  }

  /** Opens (or replaces) the position of `symbol` on `side`; pushed to the private streams. */
  openPosition(input: FakePositionInput): FakePosition {
    const at = this.now();
    const key = `${input.symbol}|${input.side}`;
    const created = this.open.get(key)?.createdAt ?? at;
    const position = this.compute(
      { leverage: 10, marginMode: 'isolated', ...input },
      this.markPrice(input.symbol),
      created,
      at,
    );
    this.open.set(key, position);
    this.emit(position, 'trade');
    return position;
  }

  /** Closes a position: the streams push it once more with size 0. */
  closePosition(symbol: string, side: 'long' | 'short'): void {
    const key = `${symbol}|${side}`;
    const position = this.open.get(key);
    if (!position) return;
    this.open.delete(key);
    this.emit({ ...position, contracts: 0, unrealizedPnl: 0, notional: 0, updatedAt: this.now() }, 'closed');
  }

  /** Moves the mark price of a pair: every open position on it is recomputed and pushed. */
  setMarkPrice(symbol: string, price: number): void {
    this.marks.set(symbol, price);
    for (const [key, p] of this.open) {
      if (p.symbol !== symbol) continue;
      const next = this.compute(p, price, p.createdAt, this.now());
      this.open.set(key, next);
      this.emit(next, 'mark');
    }
  }

  setFundingRate(rate: number): void {
    this.fundingRate = rate;
  }

  funding(now: number): { rate: number; nextFundingTime: number } {
    return {
      rate: this.fundingRate,
      nextFundingTime: Math.floor(now / FUNDING_PERIOD_MS) * FUNDING_PERIOD_MS + FUNDING_PERIOD_MS,
    };
  }

  positions(): FakePosition[] {
    return [...this.open.values()];
  }

  /** The open position as the exchange reports it, for a test to compare with what the app shows. */
  view(symbol: string, side: 'long' | 'short'): FakePosition | undefined {
    return this.open.get(`${symbol}|${side}`);
  }

  onChange(listener: PositionListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private emit(position: FakePosition, change: PositionChange): void {
    for (const listener of this.listeners) listener(position, change);
  }

  private compute(
    input: Required<FakePositionInput>,
    mark: number,
    createdAt: number,
    updatedAt: number,
  ): FakePosition {
    const listing = this.listing(input.symbol);
    const pd = listing.spec.priceDecimals;
    const base = input.contracts * this.contractSize(listing);
    const direction = input.side === 'long' ? 1 : -1;
    // Isolated margin, no added margin: the price at which the position's margin (1/leverage of its
    // value) minus the maintenance margin is lost.
    const move = 1 / input.leverage - MAINTENANCE_RATE;
    return {
      symbol: input.symbol,
      side: input.side,
      contracts: input.contracts,
      entryPrice: input.entryPrice,
      leverage: input.leverage,
      marginMode: input.marginMode,
      markPrice: mark,
      unrealizedPnl: round((mark - input.entryPrice) * base * direction, pd + 4),
      liquidationPrice: round(input.entryPrice * (1 - direction * move), pd),
      notional: round(base * mark, pd + 4),
      createdAt,
      updatedAt,
    };
  }
}

/** A request header by name (Node lower-cases them), its first value if repeated. */
export function requestHeader(request: Pick<RestRequest, 'headers'>, name: string): string | undefined {
  const value = request.headers[name.toLowerCase()];
  return Array.isArray(value) ? value[0] : value;
}

/** Compares a signature sent with the expected one in constant time. */
export const sameSignature = (sent: string, expected: string): boolean =>
  sent.length === expected.length && timingSafeEqual(Buffer.from(sent), Buffer.from(expected));

/** A route that answers only after `authenticate` (the exchange's own signature check) passed. */
export const signedWith =
  (authenticate: (request: RestRequest, account: FakeDerivatives) => void) =>
  (account: FakeDerivatives, route: RestRoute): RestRoute =>
  (request) => {
    authenticate(request, account);
    return route(request);
  };

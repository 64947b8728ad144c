import type { AccountOrder, AccountPosition } from '../../../shared/contract/methods/account';
import type { BalanceRow } from './account-client';

/**
 * The account as last known, merged from REST snapshots and stream events. A REST answer describes
 * the moment its request was sent: anything a stream event changed after that moment is newer and
 * is kept, so a snapshot racing an event never brings back an old value.
 */
class Keyed<T> {
  private readonly items = new Map<string, T>();
  /** when the stream last touched each key (set or removed) */
  private readonly touched = new Map<string, number>();

  constructor(private readonly keep: (item: T) => boolean) {}

  event(key: string, item: T, at: number): boolean {
    this.touched.set(key, at);
    if (this.keep(item)) {
      this.items.set(key, item);
      return true;
    }
    return this.items.delete(key);
  }

  snapshot(items: ReadonlyArray<[string, T]>, requestedAt: number): void {
    const fresh = new Map(items.filter(([, item]) => this.keep(item)));
    for (const [key, at] of this.touched) {
      if (at < requestedAt) {
        this.touched.delete(key);
        continue;
      }
      // The stream spoke after the request went out: its word stands.
      const current = this.items.get(key);
      if (current === undefined) fresh.delete(key);
      else fresh.set(key, current);
    }
    this.items.clear();
    for (const [key, item] of fresh) this.items.set(key, item);
  }

  get(key: string): T | undefined {
    return this.items.get(key);
  }

  values(): T[] {
    return [...this.items.values()];
  }

  keys(): string[] {
    return [...this.items.keys()];
  }
}

export class BalanceBook {
  private readonly book = new Keyed<BalanceRow>((b) => b.total !== 0);
  updatedAt: number | null = null;

  /** Stream changes; returns true when something visible changed. */
  apply(rows: readonly BalanceRow[], at: number): boolean {
    let changed = false;
    for (const row of rows) changed = this.book.event(row.asset, row, at) || changed;
    this.updatedAt = at;
    return changed;
  }

  snapshot(rows: readonly BalanceRow[], requestedAt: number, at: number): void {
    this.book.snapshot(
      rows.map((r) => [r.asset, r]),
      requestedAt,
    );
    this.updatedAt = at;
  }

  rows(): BalanceRow[] {
    return this.book.values();
  }

  /**
   * Assets whose REST total or free amount differs from what we hold: the stream missed an event.
   * Values parsed from the same decimal strings compare exactly; the tolerance absorbs sums ccxt
   * computed another way.
   */
  differences(rest: readonly BalanceRow[]): string[] {
    const ours = new Map(this.book.values().map((r) => [r.asset, r]));
    const theirs = new Map(rest.filter((r) => r.total !== 0).map((r) => [r.asset, r]));
    const out: string[] = [];
    for (const asset of new Set([...ours.keys(), ...theirs.keys()])) {
      const a = ours.get(asset);
      const b = theirs.get(asset);
      if (!same(a?.total ?? 0, b?.total ?? 0) || !same(a?.free ?? 0, b?.free ?? 0)) out.push(asset);
    }
    return out.sort();
  }
}

const same = (a: number, b: number): boolean =>
  Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b));

const isOpen = (o: AccountOrder): boolean => o.status === 'open';

export class OpenOrderBook {
  private readonly book = new Keyed<AccountOrder>(isOpen);

  /** Stream updates of any status: an order that is no longer open leaves the book. */
  apply(orders: readonly AccountOrder[], at: number): boolean {
    let changed = false;
    for (const o of orders) changed = this.book.event(o.id, o, at) || changed;
    return changed;
  }

  snapshot(orders: readonly AccountOrder[], requestedAt: number): void {
    this.book.snapshot(
      orders.map((o) => [o.id, o]),
      requestedAt,
    );
  }

  get(id: string): AccountOrder | undefined {
    return this.book.get(id);
  }

  orders(): AccountOrder[] {
    return this.book.values().sort((a, b) => (b.createdAt ?? 0) - (a.createdAt ?? 0));
  }

  symbols(): string[] {
    return [...new Set(this.book.values().map((o) => o.symbol))];
  }
}

const positionKey = (p: AccountPosition): string => `${p.symbol}|${p.side}`;

/** What a pushed position may lack and the last known one still tells (BingX pushes no mark or liquidation price). */
const KEPT_FIELDS = [
  'contractSize',
  'notional',
  'markPrice',
  'liquidationPrice',
  'leverage',
  'marginMode',
] as const satisfies readonly (keyof AccountPosition)[];

export function liquidationDistance(mark: number | null, liquidation: number | null): number | null {
  return mark !== null && mark > 0 && liquidation !== null && liquidation > 0
    ? Math.abs(mark - liquidation) / mark
    : null;
}

export class PositionBook {
  private readonly book = new Keyed<AccountPosition>((p) => p.contracts !== 0);

  /** Stream changes received at `at`; a field the push lacks keeps its last known value (and age). */
  apply(positions: readonly AccountPosition[], at: number): boolean {
    let changed = false;
    for (const p of positions) {
      const key = positionKey(p);
      changed = this.book.event(key, this.merged(this.book.get(key), p, at), at) || changed;
    }
    return changed;
  }

  /** A REST read sent at `requestedAt` and answered at `at` (the mark prices' time). */
  snapshot(positions: readonly AccountPosition[], requestedAt: number, at: number): void {
    this.book.snapshot(
      positions.map((p) => [positionKey(p), { ...p, markPriceAt: p.markPrice === null ? null : at }]),
      requestedAt,
    );
  }

  private merged(known: AccountPosition | undefined, p: AccountPosition, at: number): AccountPosition {
    if (p.markPrice !== null) return { ...p, markPriceAt: at };
    if (!known) return p;
    const next: AccountPosition = { ...p, markPriceAt: known.markPriceAt };
    for (const field of KEPT_FIELDS) if (next[field] === null) Object.assign(next, { [field]: known[field] });
    return { ...next, liquidationDistance: liquidationDistance(next.markPrice, next.liquidationPrice) };
  }

  positions(): AccountPosition[] {
    return this.book.values().sort((a, b) => a.symbol.localeCompare(b.symbol));
  }
}

import type { Database } from 'better-sqlite3';
import type { AccountFill } from '../../../shared/contract/methods/account';

export type AccountSyncState = {
  /** fills executed before this are never notified (the account was connected then) */
  baselineAt: number;
  /** fills up to here are known to be stored: the next REST catch-up starts there */
  syncedUntil: number;
  clockSync: boolean;
};

/** A fill about to be stored; its alert id comes from the alert written in the same transaction. */
export type FillDraft = Omit<AccountFill, 'alertId'>;

export type FillQuery = { exchange?: string; symbol?: string; before?: number; limit: number };

type FillRow = {
  exchange: string;
  trade_id: string;
  order_id: string | null;
  symbol: string;
  side: 'buy' | 'sell';
  price: number;
  amount: number;
  cost: number | null;
  fee_cost: number | null;
  fee_currency: string | null;
  taker_or_maker: 'taker' | 'maker' | null;
  traded_at: number;
  received_at: number;
  source: AccountFill['source'];
  alert_id: number | null;
};

type SyncRow = { baseline_at: number; synced_until: number; clock_sync: number };

const FILL_COLUMNS =
  'exchange, trade_id, order_id, symbol, side, price, amount, cost, fee_cost, fee_currency, taker_or_maker, ' +
  'traded_at, received_at, source, alert_id';

const toFill = (r: FillRow): AccountFill => ({
  exchange: r.exchange,
  tradeId: r.trade_id,
  orderId: r.order_id,
  symbol: r.symbol,
  side: r.side,
  price: r.price,
  amount: r.amount,
  cost: r.cost,
  fee: r.fee_cost !== null && r.fee_currency !== null ? { cost: r.fee_cost, currency: r.fee_currency } : null,
  takerOrMaker: r.taker_or_maker,
  time: r.traded_at,
  receivedAt: r.received_at,
  source: r.source,
  alertId: r.alert_id,
});

/** The `account_fills` and `account_sync` tables. */
export class AccountRepository {
  private readonly selectSync;
  private readonly insertSync;
  private readonly connectStmt;
  private readonly clockSyncStmt;
  private readonly advanceStmt;
  private readonly clockStmt;
  private readonly insertFillStmt;
  private readonly linkStmt;
  private readonly symbolsStmt;

  constructor(private readonly db: Database) {
    this.selectSync = db.prepare<[string], SyncRow>(
      'SELECT baseline_at, synced_until, clock_sync FROM account_sync WHERE exchange = ?',
    );
    this.insertSync = db.prepare<[string]>('INSERT OR IGNORE INTO account_sync (exchange) VALUES (?)');
    this.connectStmt = db.prepare<[number, number, string]>(
      `UPDATE account_sync SET baseline_at = coalesce(baseline_at, ?), synced_until = coalesce(synced_until, ?)
       WHERE exchange = ?`,
    );
    this.clockSyncStmt = db
      .prepare<[string], number>('SELECT clock_sync FROM account_sync WHERE exchange = ?')
      .pluck();
    this.advanceStmt = db.prepare<[number, string]>(
      'UPDATE account_sync SET synced_until = max(synced_until, ?) WHERE exchange = ?',
    );
    this.clockStmt = db.prepare<[number, string]>(
      'UPDATE account_sync SET clock_sync = ? WHERE exchange = ?',
    );
    // OR IGNORE on (exchange, trade_id): a fill seen again (stream and catch-up, a restart) changes nothing.
    this.insertFillStmt = db.prepare(
      `INSERT OR IGNORE INTO account_fills (${FILL_COLUMNS})
       VALUES (@exchange, @tradeId, @orderId, @symbol, @side, @price, @amount, @cost, @feeCost, @feeCurrency,
         @takerOrMaker, @time, @receivedAt, @source, NULL)`,
    );
    this.linkStmt = db.prepare<[number, string, string]>(
      'UPDATE account_fills SET alert_id = ? WHERE exchange = ? AND trade_id = ?',
    );
    this.symbolsStmt = db.prepare<[string, number], { symbol: string }>(
      'SELECT DISTINCT symbol FROM account_fills WHERE exchange = ? AND traded_at >= ? ORDER BY symbol',
    );
  }

  /** The sync state of a connected exchange; the first call for it sets the baseline to `now`. */
  syncState(exchange: string, now: number): AccountSyncState {
    this.insertSync.run(exchange);
    this.connectStmt.run(now, now, exchange);
    const row = this.selectSync.get(exchange)!;
    return { baselineAt: row.baseline_at, syncedUntil: row.synced_until, clockSync: row.clock_sync === 1 };
  }

  /** Moves `synced_until` forward (never back). */
  advanceSync(exchange: string, until: number): void {
    this.advanceStmt.run(until, exchange);
  }

  /** Whether requests to the exchange are signed with its clock (read without connecting it). */
  clockSync(exchange: string): boolean {
    return this.clockSyncStmt.get(exchange) === 1;
  }

  setClockSync(exchange: string, enabled: boolean): void {
    this.insertSync.run(exchange);
    this.clockStmt.run(enabled ? 1 : 0, exchange);
  }

  /**
   * Stores a fill unless its trade id is already stored. When new, `alert` runs in the same
   * transaction (it writes the fill's alert, of kind 'fill', and returns its id, or null for none),
   * and the fill is linked to it. Returns the stored fill, or null when it was already there.
   */
  recordFill(draft: FillDraft, alert: () => number | null): AccountFill | null {
    return this.db.transaction((): AccountFill | null => {
      const info = this.insertFillStmt.run({
        exchange: draft.exchange,
        tradeId: draft.tradeId,
        orderId: draft.orderId,
        symbol: draft.symbol,
        side: draft.side,
        price: draft.price,
        amount: draft.amount,
        cost: draft.cost,
        feeCost: draft.fee?.cost ?? null,
        feeCurrency: draft.fee?.currency ?? null,
        takerOrMaker: draft.takerOrMaker,
        time: draft.time,
        receivedAt: draft.receivedAt,
        source: draft.source,
      });
      if (info.changes !== 1) return null;
      const alertId = alert();
      if (alertId !== null) this.linkStmt.run(alertId, draft.exchange, draft.tradeId);
      return { ...draft, alertId };
    })();
  }

  /** Newest first. */
  fills(q: FillQuery): AccountFill[] {
    const parts: string[] = [];
    const params: unknown[] = [];
    if (q.exchange !== undefined) {
      parts.push('exchange = ?');
      params.push(q.exchange);
    }
    if (q.symbol !== undefined) {
      parts.push('symbol = ?');
      params.push(q.symbol);
    }
    if (q.before !== undefined) {
      parts.push('traded_at < ?');
      params.push(q.before);
    }
    const where = parts.length > 0 ? `WHERE ${parts.join(' AND ')}` : '';
    return this.db
      .prepare<unknown[], FillRow>(
        `SELECT ${FILL_COLUMNS} FROM account_fills ${where} ORDER BY traded_at DESC, trade_id DESC LIMIT ?`,
      )
      .all(...params, q.limit)
      .map(toFill);
  }

  /** Symbols the account traded since `since`: where fills may happen again. */
  tradedSymbols(exchange: string, since: number): string[] {
    return this.symbolsStmt.all(exchange, since).map((r) => r.symbol);
  }
}

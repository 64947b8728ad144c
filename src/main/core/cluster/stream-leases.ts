import type { Logger } from '../base/log';
import { inTransaction, type PgPool } from '../store/postgres/pg-database';

/** A watched stream as the cluster shares it out: an exchange's symbol, all its timeframes together. */
export type LeasedStream = { exchange: string; symbol: string };
export const streamName = (s: LeasedStream): string => `${s.exchange}|${s.symbol}`;

export type StreamLeaseOptions = {
  pool: PgPool;
  /** this node's name: unique among the nodes sharing the database */
  node: string;
  /** a lease not renewed for this long may be taken by another node (default 10 s) */
  ttlMs?: number;
  /** renewal and claiming period (default ttl / 4) */
  heartbeatMs?: number;
  log: Logger;
  /** local clock, only to stop collecting when renewals keep failing; expiry is the database's */
  now?: () => number;
};

export type LeaseChange = { owned: ReadonlySet<string>; acquired: string[]; released: string[] };

/**
 * Which node collects which stream, decided by PostgreSQL alone: one `stream_leases` row per stream
 * with its owner and an expiry on the database clock. Each heartbeat a node renews its rows, gives
 * back what exceeds its fair share (streams ÷ live nodes, rounded up) and claims free or expired
 * rows up to it with `FOR UPDATE SKIP LOCKED`, so two nodes claiming together never take the same
 * row and never wait on each other. A node that dies stops renewing: its rows expire after `ttlMs`
 * and the others claim them at their next heartbeat, so a takeover starts within ttl + heartbeat.
 *
 * A node that cannot reach the database stops collecting before its leases can expire (at 3/4 of the
 * ttl on its own clock): a stream is never collected by two nodes that both believe they own it.
 */
export class StreamLeases {
  private readonly ttlMs: number;
  private readonly heartbeatMs: number;
  private readonly now: () => number;
  private wanted: LeasedStream[] = [];
  private owned = new Set<string>();
  private lastRenewed = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private running: Promise<void> = Promise.resolve();
  private stopped = false;
  private readonly listeners = new Set<(change: LeaseChange) => void>();

  constructor(private readonly opts: StreamLeaseOptions) {
    this.ttlMs = opts.ttlMs ?? 10_000;
    this.heartbeatMs = opts.heartbeatMs ?? Math.max(100, Math.floor(this.ttlMs / 4));
    this.now = opts.now ?? Date.now;
  }

  /** The longest a dead node's stream stays uncollected before another node claims it. */
  get takeoverWithinMs(): number {
    return this.ttlMs + this.heartbeatMs;
  }

  get node(): string {
    return this.opts.node;
  }

  ownedStreams(): ReadonlySet<string> {
    return this.owned;
  }

  onChange(listener: (change: LeaseChange) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The streams the cluster should collect (every node is given the same watchlist). */
  setWanted(streams: readonly LeasedStream[]): Promise<void> {
    this.wanted = [...new Map(streams.map((s) => [streamName(s), s])).values()];
    return this.beat();
  }

  start(): void {
    const loop = () => {
      if (this.stopped) return;
      void this.beat().finally(() => {
        if (!this.stopped) this.timer = setTimeout(loop, this.heartbeatMs);
      });
    };
    this.timer = setTimeout(loop, this.heartbeatMs);
  }

  /** One heartbeat now, queued after the one in flight. */
  beat(): Promise<void> {
    this.running = this.running.then(() => this.heartbeat());
    return this.running;
  }

  /** Gives every lease back at once (clean shutdown): the others need not wait for the expiry. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running;
    this.update(new Set());
    try {
      await this.opts.pool.query(
        'UPDATE stream_leases SET owner = NULL, expires_at = NULL WHERE owner = $1',
        [this.opts.node],
      );
      await this.opts.pool.query('DELETE FROM cluster_nodes WHERE node_id = $1', [this.opts.node]);
    } catch (err) {
      this.opts.log.warn('could not give the stream leases back; they expire on their own', {
        error: err,
        withinMs: this.ttlMs,
      });
    }
  }

  private async heartbeat(): Promise<void> {
    if (this.stopped) return;
    try {
      const owned = await this.renewAndClaim();
      this.lastRenewed = this.now();
      this.update(owned);
    } catch (err) {
      const since = this.now() - this.lastRenewed;
      this.opts.log.error('stream lease heartbeat failed', { error: err, sinceLastRenewalMs: since });
      if (this.owned.size > 0 && since >= (this.ttlMs * 3) / 4) {
        this.opts.log.warn('the database is out of reach: stopping every stream before its lease expires', {
          streams: this.owned.size,
        });
        this.update(new Set());
      }
    }
  }

  private renewAndClaim(): Promise<Set<string>> {
    const { node } = this.opts;
    const ttl = `${this.ttlMs} milliseconds`;
    const names = this.wanted.map(streamName);
    return inTransaction(this.opts.pool, async (db) => {
      await db.query(
        `INSERT INTO cluster_nodes (node_id, expires_at) VALUES ($1, now() + $2::interval)
         ON CONFLICT (node_id) DO UPDATE SET heartbeat_at = now(), expires_at = excluded.expires_at`,
        [node, ttl],
      );
      if (names.length > 0) {
        await db.query(
          `INSERT INTO stream_leases (stream, exchange, symbol)
           SELECT * FROM unnest($1::text[], $2::text[], $3::text[]) ON CONFLICT (stream) DO NOTHING`,
          [names, this.wanted.map((s) => s.exchange), this.wanted.map((s) => s.symbol)],
        );
      }
      // Renew only leases still ours: one that expired AND was claimed has another owner now.
      const renewed = await db.query<{ stream: string }>(
        `UPDATE stream_leases SET expires_at = now() + $2::interval
          WHERE owner = $1 AND stream = ANY($3::text[]) RETURNING stream`,
        [node, ttl, names],
      );
      // Streams no longer watched are let go.
      await db.query(
        'UPDATE stream_leases SET owner = NULL, expires_at = NULL WHERE owner = $1 AND NOT (stream = ANY($2::text[]))',
        [node, names],
      );
      const live = await db.query<{ n: number }>(
        'SELECT count(*)::int AS n FROM cluster_nodes WHERE expires_at > now()',
      );
      const share = Math.ceil(names.length / Math.max(1, live.rows[0]!.n));
      const owned = renewed.rows.map((r) => r.stream).sort();
      if (owned.length > share) {
        // A node joined: give back the excess (the last in name order) for it to claim.
        const excess = owned.splice(share);
        await db.query(
          'UPDATE stream_leases SET owner = NULL, expires_at = NULL WHERE owner = $1 AND stream = ANY($2)',
          [node, excess],
        );
      } else if (owned.length < share) {
        const claimed = await db.query<{ stream: string; previous: string | null }>(
          `UPDATE stream_leases l
              SET owner = $1, expires_at = now() + $2::interval, acquired_at = now(),
                  takeovers = l.takeovers + (l.owner IS NOT NULL)::int
             FROM (SELECT stream, owner AS previous FROM stream_leases
                    WHERE stream = ANY($3::text[]) AND (owner IS NULL OR expires_at < now())
                    ORDER BY stream LIMIT $4 FOR UPDATE SKIP LOCKED) free
            WHERE l.stream = free.stream
            RETURNING l.stream, free.previous`,
          [node, ttl, names, share - owned.length],
        );
        for (const c of claimed.rows) {
          if (c.previous && c.previous !== node)
            this.opts.log.info('took over a stream whose node stopped renewing it', {
              stream: c.stream,
              from: c.previous,
            });
          owned.push(c.stream);
        }
      }
      return new Set(owned);
    });
  }

  private update(next: Set<string>): void {
    const acquired = [...next].filter((s) => !this.owned.has(s));
    const released = [...this.owned].filter((s) => !next.has(s));
    this.owned = next;
    if (acquired.length === 0 && released.length === 0) return;
    for (const listener of this.listeners) listener({ owned: next, acquired, released });
  }
}

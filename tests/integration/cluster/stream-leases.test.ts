import { afterEach, expect, it, vi } from 'vitest';
import { StreamLeases, type LeasedStream } from '../../../src/main/core/cluster/stream-leases';
import { silentLogger } from '../../../src/main/core/base/log';
import { openPgDatabase, type PgPool } from '../../../src/main/core/store/postgres/pg-database';
import { describeWithPostgres } from '../../support/postgres-cluster';

const STREAMS: LeasedStream[] = Array.from({ length: 10 }, (_, i) => ({
  exchange: 'binance',
  symbol: `C${i}/USDT`,
}));

const pools: PgPool[] = [];
const nodes: StreamLeases[] = [];
afterEach(async () => {
  await Promise.all(nodes.splice(0).map((n) => n.stop()));
  await Promise.all(pools.splice(0).map((p) => p.end().catch(() => undefined)));
});

async function node(url: string, name: string, opts: { ttlMs?: number; now?: () => number } = {}) {
  const pool = await openPgDatabase(url, { max: 2 });
  pools.push(pool);
  const leases = new StreamLeases({
    pool,
    node: name,
    ttlMs: opts.ttlMs ?? 60_000,
    log: silentLogger(),
    now: opts.now,
  });
  nodes.push(leases);
  return { leases, pool };
}

describeWithPostgres('stream leases', (database) => {
  it('shares the streams between live nodes: each stream has exactly one owner', async () => {
    const url = await database();
    const a = (await node(url, 'a')).leases;
    const b = (await node(url, 'b')).leases;
    await a.setWanted(STREAMS);
    expect(a.ownedStreams().size).toBe(10); // alone at first
    await b.setWanted(STREAMS); // b is live now: a's share is 5
    await a.beat(); // a gives back its excess
    await b.beat(); // b claims it
    const owners = [...a.ownedStreams(), ...b.ownedStreams()];
    expect(a.ownedStreams().size).toBe(5);
    expect(b.ownedStreams().size).toBe(5);
    expect(new Set(owners).size).toBe(10);
  });

  it("takes over a dead node's streams once its leases expire, and says within how long", async () => {
    const url = await database();
    const a = await node(url, 'a', { ttlMs: 400 });
    const b = await node(url, 'b', { ttlMs: 400 });
    await a.leases.setWanted(STREAMS);
    await b.leases.setWanted(STREAMS);
    await a.leases.beat();
    await b.leases.beat();
    const lost = [...a.leases.ownedStreams()];
    expect(lost.length).toBe(5);
    // a "dies": it renews nothing more and never gives its leases back.
    await a.pool.end();
    nodes.splice(nodes.indexOf(a.leases), 1);
    const changes: string[][] = [];
    b.leases.onChange((c) => changes.push(c.acquired));
    await vi.waitFor(
      async () => {
        await b.leases.beat();
        expect(b.leases.ownedStreams().size).toBe(10);
      },
      { timeout: 10_000, interval: 50 },
    );
    expect(changes.flat().sort()).toEqual(lost.sort());
    expect(b.leases.takeoverWithinMs).toBe(500);
    const rows = await b.pool.query<{ n: number }>('SELECT sum(takeovers)::int AS n FROM stream_leases');
    expect(rows.rows[0]!.n).toBe(5);
  });

  it('gives its leases back on a clean stop, so the others claim them at their next heartbeat', async () => {
    const url = await database();
    const a = await node(url, 'a');
    const b = await node(url, 'b');
    await a.leases.setWanted(STREAMS);
    await b.leases.setWanted(STREAMS);
    await a.leases.beat();
    await b.leases.beat();
    await a.leases.stop();
    await b.leases.beat();
    expect(b.leases.ownedStreams().size).toBe(10);
    expect(a.leases.ownedStreams().size).toBe(0);
  });

  it('stops collecting when the database stays out of reach for most of the lease', async () => {
    const url = await database();
    let now = 1_000_000;
    const a = await node(url, 'a', { ttlMs: 4_000, now: () => now });
    await a.leases.setWanted(STREAMS);
    expect(a.leases.ownedStreams().size).toBe(10);
    const released: string[] = [];
    a.leases.onChange((c) => released.push(...c.released));
    await a.pool.end(); // every query fails from now on
    now += 2_000;
    await a.leases.beat();
    expect(a.leases.ownedStreams().size).toBe(10); // half the lease: still ours
    now += 1_000;
    await a.leases.beat();
    expect(a.leases.ownedStreams().size).toBe(0);
    expect(released.length).toBe(10);
  });
});

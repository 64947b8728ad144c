import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultSettings, type Settings } from '../../../src/shared/domain/settings';
import { ExchangeRegistry } from '../../../src/main/core/exchange/exchange-registry';
import type { Clock } from '../../../src/main/core/base/clock';
import { FeedService } from '../../../src/main/core/feed/feed-service';
import { silentLogger } from '../../../src/main/core/base/log';
import { BatchedCandleWriter } from '../../../src/main/core/store/batched-candle-writer';
import { CandleRepository } from '../../../src/main/core/store/candle-repository';
import { openDatabase } from '../../../src/main/core/store/database';
import { GapRepository } from '../../../src/main/core/store/gap-repository';
import { SeriesRepository } from '../../../src/main/core/store/series-repository';
import type { FakeVenue } from '../fake-exchange';

export type SqliteEngine = {
  feed: FeedService;
  registry: ExchangeRegistry;
  /** applies the fake's exchange settings with this watchlist; resolves once applied */
  watch(watchlist: Settings['watchlist']): Promise<void>;
  candles: CandleRepository;
  writer: BatchedCandleWriter;
  /** stops the feed, flushes the writer, closes the database and removes its folder */
  close(): Promise<void>;
};

/**
 * The market data engine as the app builds it — exchange registry, feed, real ccxt.pro, the real
 * SQLite writer in a temporary folder — pointed at a fake exchange through its JSON ccxt options.
 */
export function startSqliteEngine(opts: {
  fake: FakeVenue;
  watchlist: Settings['watchlist'];
  clock: Clock;
  staleTimeoutMs: number;
  warmupCandles: number;
}): { engine: SqliteEngine; ready: Promise<void> } {
  const { fake, clock } = opts;
  const dataDir = mkdtempSync(join(tmpdir(), `engine-${fake.exchange}-`));
  const db = openDatabase(dataDir);
  const log = silentLogger();
  const series = new SeriesRepository(db);
  const candles = new CandleRepository(db, series);
  const writer = new BatchedCandleWriter(db, series, candles, log);
  const registry = new ExchangeRegistry({ clock, log });
  const feed = new FeedService({
    registry,
    history: candles,
    gaps: new GapRepository(db, series),
    log,
    clock,
    staleTimeoutMs: opts.staleTimeoutMs,
    warmupCandles: opts.warmupCandles,
  });
  feed.onCandles(writer.onUpdate);
  const settings = (watchlist: Settings['watchlist']): Settings => ({
    ...defaultSettings(),
    exchanges: { [fake.exchange]: { enabled: true, sandbox: false, ccxt: fake.ccxtJsonConfig() } },
    watchlist,
    feed: { staleTimeoutMs: opts.staleTimeoutMs },
  });
  let closed = false;
  const engine: SqliteEngine = {
    feed,
    registry,
    watch: (watchlist) => feed.applySettings(settings(watchlist)),
    candles,
    writer,
    async close() {
      if (closed) return;
      closed = true;
      await feed.stop();
      writer.close();
      db.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
  return { engine, ready: engine.watch(opts.watchlist) };
}

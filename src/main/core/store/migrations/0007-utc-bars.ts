import { alignTime, isTimeframe } from '../../../../shared/timeframe';
import type { Migration } from './migration';

/**
 * Series stored before OKX's bars were pinned to UTC (issue 16): ccxt's watchOHLCV subscribed OKX's
 * Hong Kong bars (`candle1D` opens at 16:00 UTC; 6H, 12H, 1W, 1M likewise) while its REST backfill
 * asked for the UTC ones (`1Dutc`), so these series may hold both. Frozen here as it was when the
 * bug was fixed (core/exchange/exchange-quirks.ts maps them now).
 */
const MIXED_BAR_SERIES: Record<string, readonly string[]> = {
  okx: ['6h', '12h', '1d', '1w', '1M'],
};

/**
 * Repairs series with mixed bars by cutting them back to their last candle before the first one off
 * the UTC grid: everything from there on is deleted, so on the next start the feed re-fetches the
 * rest from the exchange over REST, in UTC bars, and records it as a start gap in the ledger
 * ("re-fetch and replace"). A migration cannot reach the network; the feed's warm-up and gap
 * backfill already do exactly that fetch.
 */
export const migration0007: Migration = {
  version: 7,
  name: 'utc-bars',
  up(db) {
    const series = db.prepare<[string], { id: number; timeframe: string }>(
      'SELECT id, timeframe FROM series WHERE exchange = ?',
    );
    const times = db
      .prepare<[number], number>('SELECT open_time FROM candles WHERE series_id = ? ORDER BY open_time')
      .pluck();
    const cut = db.prepare('DELETE FROM candles WHERE series_id = ? AND open_time >= ?');
    const recount = db.prepare(
      'UPDATE series SET candle_count = (SELECT count(*) FROM candles WHERE series_id = series.id) WHERE id = ?',
    );
    for (const [exchange, timeframes] of Object.entries(MIXED_BAR_SERIES)) {
      for (const { id, timeframe } of series.all(exchange)) {
        if (!timeframes.includes(timeframe) || !isTimeframe(timeframe)) continue;
        const firstOff = (times.all(id) as number[]).find((t) => alignTime(t, timeframe) !== t);
        if (firstOff === undefined) continue;
        cut.run(id, firstOff);
        recount.run(id);
      }
    }
  },
};

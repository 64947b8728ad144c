import type { GapRecord } from '../../src/shared/domain/gap';
import { seriesId, type Candle, type SeriesKey } from '../../src/shared/domain/market';
import type { CandleHistory, CandleUpdate, GapLedger } from '../../src/main/core/candles/ports';

/**
 * In-memory stand-ins for the store's candle repository and gap ledger, plus the checks a store
 * would make: closed candles of a series arrive in order, never twice, and never change.
 */
export class MemoryCandles implements CandleHistory, GapLedger {
  readonly closed = new Map<string, Candle[]>();
  readonly forming = new Map<string, Candle | null>();
  readonly updates: CandleUpdate[] = [];
  readonly gaps: GapRecord[] = [];
  readonly violations: string[] = [];

  constructor(seed: Record<string, Candle[]> = {}) {
    for (const [id, candles] of Object.entries(seed)) this.closed.set(id, [...candles]);
  }

  /** the listener to hand to the feed */
  readonly write = (u: CandleUpdate): void => {
    const id = seriesId(u.key);
    this.updates.push(u);
    const list = this.closed.get(id) ?? [];
    for (const c of u.closed) {
      const last = list.at(-1);
      if (last && c[0] <= last[0]) this.violations.push(`${id}: ${c[0]} released after ${last[0]}`);
      list.push(c);
    }
    this.closed.set(id, list);
    this.forming.set(id, u.forming);
  };

  series(key: SeriesKey): Candle[] {
    return this.closed.get(seriesId(key)) ?? [];
  }

  lastClosedOpenTime(key: SeriesKey): number | undefined {
    return this.series(key).at(-1)?.[0];
  }

  recent(key: SeriesKey, limit: number): Candle[] {
    return this.series(key).slice(-limit);
  }

  opened(gap: Omit<GapRecord, 'id' | 'filled' | 'filledAt' | 'error'>): number {
    const id = this.gaps.length + 1;
    this.gaps.push({ ...gap, id, filled: 0, filledAt: null, error: null });
    return id;
  }

  filled(id: number, filled: number, at: number): void {
    const g = this.gaps[id - 1]!;
    g.filled = filled;
    g.filledAt = at;
    g.error = null;
  }

  failed(id: number, error: string): void {
    this.gaps[id - 1]!.error = error;
  }

  list(filter: { exchange?: string; symbol?: string; timeframe?: string; limit: number }): GapRecord[] {
    return this.gaps
      .filter(
        (g) =>
          (!filter.exchange || g.exchange === filter.exchange) &&
          (!filter.symbol || g.symbol === filter.symbol) &&
          (!filter.timeframe || g.timeframe === filter.timeframe),
      )
      .slice(-filter.limit)
      .reverse();
  }
}

import type { CandlesUpdated } from '../../../shared/contract/methods/market';
import { seriesId } from '../../../shared/domain/market';
import type { CandleUpdate } from '../candles/ports';
import type { EventHub } from '../events';

/**
 * Turns candle updates into 'candles:updated' events, at most one per series per frame. The hub
 * keeps only the latest payload per key, which would drop the closed candles of all but the last
 * update of a frame; so updates are merged into one payload per series until the hub delivers it.
 */
export class CandleEventCoalescer {
  private readonly pending = new Map<string, CandlesUpdated>();
  private readonly unsubscribe: () => void;

  constructor(private readonly events: EventHub) {
    this.unsubscribe = events.subscribe((event, payload) => {
      if (event !== 'candles:updated') return;
      const p = payload as CandlesUpdated;
      const id = seriesId(p.series);
      if (this.pending.get(id) === p) this.pending.delete(id);
    });
  }

  readonly push = (u: CandleUpdate): void => {
    const id = seriesId(u.key);
    let p = this.pending.get(id);
    if (!p) {
      p = { series: { ...u.key }, closed: [], forming: null, origin: u.origin };
      this.pending.set(id, p);
    }
    if (u.closed.length > 0) p.closed.push(...u.closed);
    // A forming candle older than a candle just closed is no longer forming.
    p.forming = u.forming ?? (u.closed.length > 0 ? null : p.forming);
    if (u.origin === 'backfill') p.origin = 'backfill';
    this.events.emitCoalesced('candles:updated', id, p);
  };

  close(): void {
    this.unsubscribe();
    this.pending.clear();
  }
}

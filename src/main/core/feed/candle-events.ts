import type { CandlesUpdated } from '../../../shared/contract/methods/market';
import { seriesId } from '../../../shared/domain/market';
import { systemClock, type Clock } from '../base/clock';
import { KeyedDebounce } from '../base/emitter';
import type { CandleUpdate } from '../candles/ports';
import { COALESCE_MS, type EventHub } from '../events';

/** Folds one more update of a series into the payload waiting for the next frame. */
export function mergeCandleUpdate(pending: CandlesUpdated | undefined, u: CandleUpdate): CandlesUpdated {
  const p = pending ?? { series: { ...u.key }, closed: [], forming: null, origin: u.origin };
  if (u.closed.length > 0) p.closed.push(...u.closed);
  // A forming candle older than a candle just closed is no longer forming.
  p.forming = u.forming ?? (u.closed.length > 0 ? null : p.forming);
  if (u.origin === 'backfill') p.origin = 'backfill';
  return p;
}

/**
 * Turns candle updates into 'candles:updated' events, at most one per series per frame. Keeping
 * only the latest update would drop the closed candles of all but the last update of a frame, so
 * the updates of a frame are merged into one payload per series (debounce per key, merge).
 */
export class CandleEventCoalescer {
  private readonly frames: KeyedDebounce<string, CandleUpdate, CandlesUpdated>;

  constructor(events: EventHub, clock: Clock = systemClock) {
    this.frames = new KeyedDebounce({
      clock,
      ms: COALESCE_MS,
      merge: mergeCandleUpdate,
      flush: (_id, payload) => events.emit('candles:updated', payload),
    });
  }

  readonly push = (u: CandleUpdate): void => this.frames.push(seriesId(u.key), u);

  /** Sends what the last frame gathered, then stops. */
  close(): void {
    this.frames.flush();
    this.frames.close();
  }
}

import type { EventName, EventPayload } from '../../shared/contract';

export type EventListener = (event: EventName, payload: unknown) => void;

/** Frame budget for coalesced events: one update per key per animation frame is all a UI can show. */
export const COALESCE_MS = 16;

/**
 * Fan-out of core events to the transports. `emitCoalesced` keeps only the latest payload per key
 * and flushes once per frame, so a burst of ticks costs the UI one message per stream.
 */
export class EventHub {
  private readonly listeners = new Set<EventListener>();
  private readonly pending = new Map<string, { event: EventName; payload: unknown }>();
  private timer: ReturnType<typeof setTimeout> | undefined;

  subscribe(listener: EventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  emit<E extends EventName>(event: E, payload: EventPayload<E>): void {
    for (const listener of this.listeners) listener(event, payload);
  }

  emitCoalesced<E extends EventName>(event: E, key: string, payload: EventPayload<E>): void {
    this.pending.set(`${event}\u0000${key}`, { event, payload });
    this.timer ??= setTimeout(() => this.flush(), COALESCE_MS);
  }

  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const batch = [...this.pending.values()];
    this.pending.clear();
    for (const { event, payload } of batch) for (const listener of this.listeners) listener(event, payload);
  }

  close(): void {
    this.flush();
    this.listeners.clear();
  }
}

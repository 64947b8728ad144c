import type { Clock, TimerHandle } from './clock';

export type Listener<T> = (value: T) => void;

/**
 * A typed list of listeners. `on` returns the function that removes the listener again, so a
 * subscriber keeps one handle instead of the listener itself. With `onError`, a listener that
 * throws is reported there and the others still hear the value (a failing UI listener must not
 * break a stream's loop); without it, the error reaches the caller of `emit`.
 */
export class Emitter<T> {
  private readonly listeners = new Set<Listener<T>>();

  constructor(private readonly onError?: (err: unknown) => void) {}

  readonly on = (listener: Listener<T>): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  emit(value: T): void {
    for (const listener of this.listeners) {
      if (!this.onError) listener(value);
      else
        try {
          listener(value);
        } catch (err) {
          this.onError(err);
        }
    }
  }

  get size(): number {
    return this.listeners.size;
  }

  clear(): void {
    this.listeners.clear();
  }
}

export type DebounceOptions<K, V, P> = {
  clock: Clock;
  /** how long after the first value of a quiet key its merged payload goes out */
  ms: number;
  /** folds a value into what is pending for its key (undefined: nothing pending) */
  merge(pending: P | undefined, value: V): P;
  /** receives one merged payload per key that got values since the last flush */
  flush(key: K, payload: P): void;
};

/**
 * Debounce per key, merging: every value pushed for a key is folded into one pending payload, and
 * all pending payloads go out together `ms` after the first push. A burst of updates costs one
 * delivery per key, and nothing pushed is lost (the merge decides what the payload keeps).
 */
export class KeyedDebounce<K, V, P> {
  private readonly pending = new Map<K, P>();
  private timer: TimerHandle | undefined;

  constructor(private readonly opts: DebounceOptions<K, V, P>) {}

  push(key: K, value: V): void {
    this.pending.set(key, this.opts.merge(this.pending.get(key), value));
    this.timer ??= this.opts.clock.setTimeout(() => this.flush(), this.opts.ms);
  }

  /** Sends everything pending now. */
  flush(): void {
    if (this.timer) this.opts.clock.clearTimeout(this.timer);
    this.timer = undefined;
    const batch = [...this.pending];
    this.pending.clear();
    for (const [key, payload] of batch) this.opts.flush(key, payload);
  }

  /** Drops what is pending (after a final `flush` when it must still go out). */
  close(): void {
    if (this.timer) this.opts.clock.clearTimeout(this.timer);
    this.timer = undefined;
    this.pending.clear();
  }
}

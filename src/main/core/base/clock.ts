export type TimerHandle = { readonly id: unknown };

/** Time and timers, injected so loops, backoff and the watchdog are deterministic in unit tests. */
export type Clock = {
  now(): number;
  /**
   * Milliseconds on a clock that stops while the machine sleeps (Linux CLOCK_MONOTONIC, macOS's
   * uptime clock: performance.now()), to tell a sleep from a late timer on a busy machine.
   */
  monotonic?(): number;
  setTimeout(fn: () => void, ms: number): TimerHandle;
  clearTimeout(handle: TimerHandle): void;
};

export const systemClock: Clock = {
  now: () => Date.now(),
  monotonic: () => performance.now(),
  setTimeout(fn, ms) {
    const id = setTimeout(fn, ms);
    // Retry and watchdog timers must never keep a finished process (or a test worker) alive.
    id.unref();
    return { id };
  },
  clearTimeout(handle) {
    clearTimeout(handle.id as ReturnType<typeof setTimeout>);
  },
};

/** Resolves after `ms`, or early (without error) when `signal` aborts. */
export function sleep(clock: Clock, ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const done = () => {
      clock.clearTimeout(handle);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const handle = clock.setTimeout(done, Math.max(0, ms));
    signal?.addEventListener('abort', done, { once: true });
  });
}

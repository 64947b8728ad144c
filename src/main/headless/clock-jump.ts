export type ClockJumpOptions = {
  /** Called with how far the wall clock ran ahead of the timer, in ms. */
  onJump(sleptMs: number): void;
  intervalMs?: number;
  thresholdMs?: number;
  now?: () => number;
};

export type ClockJumpDetector = {
  /** One tick; the interval timer calls it, tests call it directly. */
  check(): void;
  stop(): void;
};

/**
 * Headless mode has no powerMonitor, so it notices sleep another way: Node's timers run on the
 * monotonic clock, which stops while the machine sleeps (Linux CLOCK_MONOTONIC, macOS uptime clock),
 * while Date.now() keeps the real time. A 1 s tick that finds the wall clock far ahead means the
 * machine slept (or the clock was set forward): either way streams must reconnect and backfill.
 * The threshold is well above event-loop stalls and NTP slews.
 */
export function startClockJumpDetector(opts: ClockJumpOptions): ClockJumpDetector {
  const intervalMs = opts.intervalMs ?? 1_000;
  const thresholdMs = opts.thresholdMs ?? 10_000;
  const now = opts.now ?? Date.now;
  let last = now();

  const check = () => {
    const current = now();
    const ahead = current - last - intervalMs;
    last = current;
    if (ahead > thresholdMs) opts.onJump(ahead);
  };
  const timer = setInterval(check, intervalMs);
  // The detector alone must not keep the process alive during shutdown.
  timer.unref();
  return { check, stop: () => clearInterval(timer) };
}

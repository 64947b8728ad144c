/** The part of Electron's powerMonitor the shell uses. */
export type PowerMonitorLike = { on(event: 'suspend' | 'resume', listener: () => void): unknown };

/**
 * Forwards OS sleep to core as `resumed(sleptMs)`: streams reconnect and backfill the candles the
 * machine slept through. Electron does not say how long it slept, so the wall clock is read at
 * suspend and at resume; a resume without a suspend seen (it happens on some Linux setups) reports 0.
 */
export function forwardPowerEvents(
  powerMonitor: PowerMonitorLike,
  core: { resumed(sleptMs: number): void },
  now: () => number = Date.now,
): void {
  let suspendedAt: number | undefined;
  powerMonitor.on('suspend', () => {
    suspendedAt = now();
  });
  powerMonitor.on('resume', () => {
    const sleptMs = suspendedAt === undefined ? 0 : Math.max(0, now() - suspendedAt);
    suspendedAt = undefined;
    core.resumed(sleptMs);
  });
}

/** The part of Electron's app the lock uses. */
export type SingleInstanceAppLike = {
  requestSingleInstanceLock(): boolean;
  on(event: 'second-instance', listener: () => void): unknown;
};

/**
 * Two instances would open the same SQLite file and both write candles and fire alerts. The first
 * instance keeps the lock; a second launch exits and the first one shows its window instead.
 * Returns false when this process is the second instance and must quit.
 */
export function acquireSingleInstance(app: SingleInstanceAppLike, onSecondLaunch: () => void): boolean {
  if (!app.requestSingleInstanceLock()) return false;
  app.on('second-instance', onSecondLaunch);
  return true;
}

import { useSyncExternalStore } from 'react';

/**
 * One shared once-a-second clock for every age on screen ("stale 40 s"): a price whose feed stopped
 * gets no more updates, so only a clock can make it look older. One interval for all subscribers,
 * running only while something shows an age.
 */
// Twice a second: a price past the threshold reads stale within half a second, not a whole one.
const TICK_MS = 500;
const listeners = new Set<() => void>();
let now = Date.now();
let timer: ReturnType<typeof setInterval> | null = null;

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  if (!timer) {
    now = Date.now();
    timer = setInterval(() => {
      now = Date.now();
      for (const l of listeners) l();
    }, TICK_MS);
  }
  return () => {
    listeners.delete(listener);
    if (listeners.size === 0 && timer) {
      clearInterval(timer);
      timer = null;
    }
  };
}

const snapshot = () => now;

export function useNow(): number {
  return useSyncExternalStore(subscribe, snapshot);
}

import { useSyncExternalStore } from 'react';

let version = 0;
const listeners = new Set<() => void>();
let observer: MutationObserver | null = null;

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  if (!observer) {
    // The theme is applied as data-theme on <html> (apply-theme.ts); canvases must redraw with it.
    observer = new MutationObserver(() => {
      version++;
      for (const l of listeners) l();
    });
    observer.observe(document.documentElement, { attributes: true, attributeFilter: ['data-theme'] });
  }
  return () => {
    listeners.delete(listener);
    if (listeners.size === 0) {
      observer?.disconnect();
      observer = null;
    }
  };
}

/** A number that changes whenever the page's theme changes: canvas colours are read again then. */
export function useThemeVersion(): number {
  return useSyncExternalStore(subscribe, () => version);
}

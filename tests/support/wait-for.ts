import { vi } from 'vitest';

/**
 * The value `probe` finds, polled every 10 ms for as long as a loaded CI machine may need (a state
 * wait: it returns the moment the value is there).
 */
export function waitForValue<T>(probe: () => T | undefined, what = 'condition'): Promise<T> {
  return vi.waitFor(
    () => {
      const value = probe();
      if (value === undefined) throw new Error(`${what} not met`);
      return value;
    },
    { timeout: 15_000, interval: 10 },
  );
}

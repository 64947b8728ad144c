import { describe, expect, it, vi } from 'vitest';

// The entry imports electron; a factory mock stands in for it, so the real package never loads.
const exposed: [string, unknown][] = [];
vi.mock('electron', () => ({
  contextBridge: { exposeInMainWorld: (key: string, api: unknown) => exposed.push([key, api]) },
  ipcRenderer: { invoke: vi.fn(), on: vi.fn(), removeListener: vi.fn(), send: vi.fn(), sendSync: vi.fn() },
}));

describe('preload entry', () => {
  it('exposes exactly one object, window.candlewatch, holding only call and onEvent', async () => {
    await import('../../../src/preload/index');
    expect(exposed).toHaveLength(1);
    const [key, api] = exposed[0]!;
    expect(key).toBe('candlewatch');
    expect(Object.keys(api as object).sort()).toEqual(['call', 'onEvent']);
    expect(Object.values(api as object).every((v) => typeof v === 'function')).toBe(true);
  });
});

import { describe, expect, it, vi } from 'vitest';
import { BRIDGE_KEY, EVENT_CHANNEL } from '../../../src/shared/contract/ipc';
import { createBridge, type IpcRendererLike } from '../../../src/preload/bridge';
import { ok } from '../../../src/shared/contract';

type Listener = (event: unknown, ...args: unknown[]) => void;

/** ipcRenderer with only what a preload could touch; `send`/`sendSync` exist so we can see they stay unused. */
function fakeIpcRenderer(
  answer: (channel: string, input: unknown) => Promise<unknown> = async () => ok('fine'),
) {
  const listeners = new Map<string, Set<Listener>>();
  const ipc = {
    invoke: vi.fn((channel: string, input: unknown) => answer(channel, input)),
    on: vi.fn((channel: string, listener: Listener) => {
      let set = listeners.get(channel);
      if (!set) listeners.set(channel, (set = new Set()));
      set.add(listener);
    }),
    removeListener: vi.fn((channel: string, listener: Listener) => listeners.get(channel)?.delete(listener)),
    send: vi.fn(),
    sendSync: vi.fn(),
    /** Plays a message from main, with a stand-in for the IpcRendererEvent (which holds ipcRenderer). */
    deliver(channel: string, ...args: unknown[]) {
      for (const l of listeners.get(channel) ?? []) l({ sender: ipc }, ...args);
    },
    listenerCount: (channel: string) => listeners.get(channel)?.size ?? 0,
  };
  return ipc satisfies IpcRendererLike;
}

describe('preload bridge', () => {
  it('is one frozen object with exactly call and onEvent', () => {
    const bridge = createBridge(fakeIpcRenderer());
    expect(Object.keys(bridge).sort()).toEqual(['call', 'onEvent']);
    expect(Object.isFrozen(bridge)).toBe(true);
    expect(BRIDGE_KEY).toBe('candlewatch');
  });

  it('invokes cw:<method> with the input and returns main’s Result as is', async () => {
    const ipc = fakeIpcRenderer(async () => ok({ nonce: 'a', serverTime: 1 }));
    const result = await createBridge(ipc).call('app:ping', { nonce: 'a' });
    expect(ipc.invoke).toHaveBeenCalledWith('cw:app:ping', { nonce: 'a' });
    expect(result).toEqual(ok({ nonce: 'a', serverTime: 1 }));
    expect(ipc.send).not.toHaveBeenCalled();
    expect(ipc.sendSync).not.toHaveBeenCalled();
  });

  it.each([
    'app:shutdown',
    'event',
    '__proto__',
    'constructor',
    'cw:app:info',
    42,
    null,
    { toString: () => 'app:info' },
  ])('refuses %s without sending anything', async (name) => {
    const ipc = fakeIpcRenderer();
    const result = await createBridge(ipc).call(name as never, {});
    expect(result).toMatchObject({ ok: false, error: { code: 'unknown-method' } });
    expect(ipc.invoke).not.toHaveBeenCalled();
  });

  it('turns a failed invoke (no handler, uncloneable input) into an unavailable Result', async () => {
    const ipc = fakeIpcRenderer(async () => {
      throw new Error('An object could not be cloned.');
    });
    const result = await createBridge(ipc).call('settings:get', { f: () => 1 });
    expect(result).toMatchObject({ ok: false, error: { code: 'unavailable' } });
    if (!result.ok) expect(result.error.message).toContain('could not be cloned');
  });

  it('passes contract events to listeners without the raw IPC event, and drops unknown names', () => {
    const ipc = fakeIpcRenderer();
    const heard: unknown[][] = [];
    createBridge(ipc).onEvent((...args) => heard.push(args));
    ipc.deliver(EVENT_CHANNEL, 'app:resumed', { sleptMs: 5, at: 9 });
    ipc.deliver(EVENT_CHANNEL, 'app:exploded', { boom: true });
    ipc.deliver(EVENT_CHANNEL, 42, {});
    expect(heard).toEqual([['app:resumed', { sleptMs: 5, at: 9 }]]);
  });

  it('listens only on cw:event, and unsubscribes', () => {
    const ipc = fakeIpcRenderer();
    const listener = vi.fn();
    const off = createBridge(ipc).onEvent(listener);
    expect(ipc.on).toHaveBeenCalledTimes(1);
    expect(ipc.on.mock.calls[0]?.[0]).toBe(EVENT_CHANNEL);
    off();
    expect(ipc.listenerCount(EVENT_CHANNEL)).toBe(0);
    ipc.deliver(EVENT_CHANNEL, 'app:resumed', { sleptMs: 5, at: 9 });
    expect(listener).not.toHaveBeenCalled();
  });
});

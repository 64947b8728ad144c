import { describe, expect, it } from 'vitest';
import { createSettingsStore } from '../../../src/renderer/settings/settings-store';
import type { ConnectionState, Transport } from '../../../src/renderer/transport/transport';
import { createContractApi, type EventSink } from '../../../src/shared/contract/client';
import { fail, ok, type MethodName, type Result } from '../../../src/shared/contract';
import { defaultSettings, type Settings } from '../../../src/shared/domain/settings';

/** A transport whose core is a settings object in memory; failures and events are triggered by hand. */
function fakeTransport() {
  let stored: Settings = defaultSettings();
  let state: ConnectionState = 'open';
  let failNext: Result<never> | undefined;
  const calls: MethodName[] = [];
  const stateListeners = new Set<(s: ConnectionState) => void>();
  let emit: EventSink = () => {};
  const invoke = async (method: MethodName, input: unknown): Promise<Result<unknown>> => {
    calls.push(method);
    if (failNext) {
      const failure = failNext;
      failNext = undefined;
      return failure;
    }
    if (method === 'settings:update') stored = { ...stored, ...(input as Partial<Settings>) };
    return ok(stored);
  };
  const transport: Transport = {
    kind: 'websocket',
    api: createContractApi(invoke, (sink) => {
      emit = sink;
      return () => {};
    }),
    connectionState: () => state,
    onConnectionStateChange: (l) => {
      stateListeners.add(l);
      return () => stateListeners.delete(l);
    },
  };
  return {
    transport,
    calls,
    setStored: (s: Settings) => (stored = s),
    failNextCall: (r: Result<never>) => (failNext = r),
    emit: (event: string, payload: unknown) => emit(event, payload),
    setState(next: ConnectionState) {
      state = next;
      for (const l of stateListeners) l(next);
    },
  };
}

const settle = () => new Promise((r) => setTimeout(r, 0));

describe('settings store', () => {
  it('loads the settings and saves a change', async () => {
    const fake = fakeTransport();
    const store = createSettingsStore(fake.transport);
    expect(store.getState().settings).toBeUndefined();
    await settle();
    expect(store.getState().settings?.appearance.theme).toBe('system');
    await store.update({ appearance: { theme: 'dark' } });
    expect(store.getState().settings?.appearance.theme).toBe('dark');
    expect(fake.calls).toEqual(['settings:get', 'settings:update']);
  });

  it('follows settings:changed from other windows', async () => {
    const fake = fakeTransport();
    const store = createSettingsStore(fake.transport);
    await settle();
    fake.emit('settings:changed', { ...defaultSettings(), appearance: { theme: 'light' } });
    expect(store.getState().settings?.appearance.theme).toBe('light');
  });

  it('reloads after a reconnect, when events may have been missed', async () => {
    const fake = fakeTransport();
    const store = createSettingsStore(fake.transport);
    await settle();
    fake.setState('connecting');
    fake.setStored({ ...defaultSettings(), appearance: { theme: 'dark' } });
    fake.setState('open');
    await settle();
    expect(store.getState().settings?.appearance.theme).toBe('dark');
    expect(fake.calls).toEqual(['settings:get', 'settings:get']);
  });

  it('keeps the last settings and says why when a save fails', async () => {
    const fake = fakeTransport();
    const store = createSettingsStore(fake.transport);
    await settle();
    fake.failNextCall(fail('invalid-input', 'settings:update: bad theme'));
    await store.update({ appearance: { theme: 'dark' } });
    expect(store.getState()).toMatchObject({
      settings: { appearance: { theme: 'system' } },
      error: 'Settings were not saved: settings:update: bad theme',
    });
  });
});

import { describe, expect, it } from 'vitest';
import { createElectronTransport } from '../../../src/renderer/transport/electron-transport';
import type { CandlewatchBridge } from '../../../src/shared/contract/ipc';
import type { RemoteStatus } from '../../../src/shared/contract/methods/remote';

const status = (mode: RemoteStatus['mode'], link: RemoteStatus['link']): RemoteStatus => ({
  mode,
  server: mode === 'server' ? { address: 'box.lan:8443', fingerprint: 'AB', clientName: 'laptop' } : null,
  link,
  problem: null,
});

describe('Electron transport', () => {
  it('is as open as the link to the paired server while attached, and always open on the local core', async () => {
    let emit: (name: string, payload: unknown) => void = () => {};
    const bridge = {
      call: () => Promise.resolve({ ok: true, value: status('server', 'connecting') }),
      onEvent: (sink: (name: string, payload: unknown) => void) => {
        emit = sink;
        return () => {};
      },
    } as unknown as CandlewatchBridge;
    const transport = createElectronTransport(bridge);
    const seen: string[] = [];
    transport.onConnectionStateChange((s) => seen.push(s));
    await expect.poll(() => transport.connectionState()).toBe('connecting');
    emit('remote:status-changed', status('server', 'open'));
    emit('remote:status-changed', status('server', 'connecting'));
    emit('remote:status-changed', status('local', 'open'));
    expect(seen).toEqual(['connecting', 'open', 'connecting', 'open']);
  });
});

import { fail, isEventName, isMethodName, type Result } from '../shared/contract';
import { callChannel, EVENT_CHANNEL, type CandlewatchBridge } from '../shared/contract/ipc';

type IpcListener = (event: unknown, ...args: unknown[]) => void;

/** The ipcRenderer functions the bridge needs; ipcRenderer itself never leaves the preload. */
export type IpcRendererLike = {
  invoke(channel: string, ...args: unknown[]): Promise<unknown>;
  on(channel: string, listener: IpcListener): unknown;
  removeListener(channel: string, listener: IpcListener): unknown;
};

/**
 * Builds the narrow object the renderer gets. It can only invoke `cw:<method>` for methods the
 * contract lists and only hear `cw:event`; the raw IpcRendererEvent (which carries `sender`, i.e.
 * ipcRenderer itself) is dropped before a renderer listener sees anything.
 */
export function createBridge(ipcRenderer: IpcRendererLike): CandlewatchBridge {
  return Object.freeze({
    async call(method: unknown, input: unknown): Promise<Result<unknown>> {
      if (!isMethodName(method)) {
        return fail('unknown-method', `Unknown method "${String(method).slice(0, 100)}"`);
      }
      try {
        // Main answers every call with a Result; a rejection here is a transport failure: no
        // handler (main is shutting down) or an input that structured clone cannot copy.
        return (await ipcRenderer.invoke(callChannel(method), input)) as Result<unknown>;
      } catch (err) {
        const reason = err instanceof Error ? err.message : String(err);
        return fail('unavailable', `${method}: the call did not reach Candlewatch (${reason})`);
      }
    },
    onEvent(listener: Parameters<CandlewatchBridge['onEvent']>[0]): () => void {
      const onMessage: IpcListener = (_event, name, payload) => {
        if (isEventName(name)) listener(name, payload);
      };
      ipcRenderer.on(EVENT_CHANNEL, onMessage);
      return () => {
        ipcRenderer.removeListener(EVENT_CHANNEL, onMessage);
      };
    },
  });
}

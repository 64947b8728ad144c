import { isEventName, type ContractApi, type EventName, type MethodName } from './index';
import { ContractError, type ErrorCode, type Result } from './result';

export type Invoke = (method: MethodName, input: unknown) => Promise<Result<unknown>>;
export type EventSink = (event: string, payload: unknown) => void;

/**
 * Builds the typed API from a transport's raw invoke and its event feed, so that the preload
 * and the WebSocket transports share one behaviour: failures come back as real Errors.
 */
export function createContractApi(invoke: Invoke, listen: (sink: EventSink) => () => void): ContractApi {
  const listeners = new Map<string, Set<(payload: never) => void>>();
  listen((name, payload) => {
    if (!isEventName(name)) return;
    for (const listener of listeners.get(name) ?? []) {
      try {
        listener(payload as never);
      } catch (err) {
        // One broken listener must not stop the others from hearing the event.
        console.error(`listener for ${name} failed`, err);
      }
    }
  });
  return {
    async call(method, input) {
      const result = await invoke(method, input);
      if (!result.ok) throw new ContractError(result.error.code as ErrorCode, result.error.message);
      return result.value as never;
    },
    on(event: EventName, listener: (payload: never) => void) {
      let set = listeners.get(event);
      if (!set) listeners.set(event, (set = new Set()));
      set.add(listener);
      return () => set.delete(listener);
    },
  } as ContractApi;
}

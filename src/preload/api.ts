import type { EventName, MethodName, Result } from '../shared/contract';

/**
 * The one object the preload puts on `window` (as `window.candlewatch`). This file has no electron
 * import so the renderer can use the type and the main process the channel names.
 */
export type CandlewatchBridge = {
  /** Calls a contract method; names outside the contract are refused before anything is sent. */
  call(method: MethodName, input: unknown): Promise<Result<unknown>>;
  /** Hears every contract event main pushes; returns the unsubscribe function. */
  onEvent(listener: (event: EventName, payload: unknown) => void): () => void;
};

/** Property of `window` the bridge is exposed as. */
export const BRIDGE_KEY = 'candlewatch';

/** Every contract method travels on its own invoke channel: `cw:` + the method name. */
export const CALL_CHANNEL_PREFIX = 'cw:';

/** All contract events share one channel: (event name, payload). Method names always contain a ':'. */
export const EVENT_CHANNEL = 'cw:event';

export const callChannel = (method: MethodName): string => `${CALL_CHANNEL_PREFIX}${method}`;

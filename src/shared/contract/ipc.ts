import type { EventName, MethodName, Result } from './index';

/**
 * The one object the preload puts on `window` (as `window.candlewatch`). It lives in src/shared so
 * the preload, the renderer (the type) and the Electron shell (the channel names) share one spelling.
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

import { createContractApi, type EventSink } from './client';
import { backoffCeiling } from '../backoff';
import type { ContractApi, MethodName } from './index';
import { fail, type Result } from './result';
import { FINAL_CLOSE_CODES, type CallFrame, type ServerFrame } from './wire';

/** The subset of the WebSocket API both browsers and Node ≥ 22 provide. */
export type SocketLike = {
  readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  addEventListener(
    type: 'open' | 'close' | 'message' | 'error',
    listener: (ev: { data?: unknown; code?: number; reason?: string }) => void,
  ): void;
};
export type SocketFactory = (url: string) => SocketLike;

export type ConnectionState = 'connecting' | 'open' | 'closed';

export type WsContractClient = ContractApi & {
  readonly state: ConnectionState;
  /**
   * Why the client gave up, in words for its user, once the server revoked its pairing, refused its
   * token or presented another certificate: those are not retried. undefined otherwise.
   */
  readonly problem: string | undefined;
  /** A call as data, never a throw: for a process that relays calls (the desktop shell). */
  request(method: MethodName, input: unknown): Promise<Result<unknown>>;
  /** Every event as it arrives, by name. */
  onEvent(listener: EventSink): () => void;
  onStateChange(listener: (state: ConnectionState) => void): () => void;
  close(): void;
};

const OPEN = 1;

/**
 * Contract client over the headless WebSocket. Reconnects forever with a short capped delay,
 * because a monitor left open in a browser tab must come back after the server restarts.
 */
export function createWsClient(url: string, makeSocket: SocketFactory): WsContractClient {
  let socket: SocketLike | undefined;
  let state: ConnectionState = 'connecting';
  let closedByUser = false;
  let attempt = 0;
  let nextId = 1;
  const pending = new Map<number, (result: Result<unknown>) => void>();
  const stateListeners = new Set<(state: ConnectionState) => void>();
  const eventListeners = new Set<EventSink>();
  let problem: string | undefined;

  const setState = (next: ConnectionState) => {
    if (state === next) return;
    state = next;
    for (const l of stateListeners) l(next);
  };

  const connect = () => {
    setState('connecting');
    const ws = makeSocket(url);
    socket = ws;
    ws.addEventListener('open', () => {
      attempt = 0;
      setState('open');
    });
    ws.addEventListener('message', (ev) => {
      if (typeof ev.data !== 'string') return;
      let frame: ServerFrame;
      try {
        frame = JSON.parse(ev.data) as ServerFrame;
      } catch {
        return;
      }
      if (frame.t === 'result') {
        const resolve = pending.get(frame.id);
        pending.delete(frame.id);
        resolve?.(frame.result as Result<unknown>);
      } else if (frame.t === 'event') {
        for (const listener of eventListeners) listener(frame.event, frame.payload);
      }
    });
    ws.addEventListener('close', (ev) => {
      const final = ev.code !== undefined && FINAL_CLOSE_CODES.has(ev.code);
      if (final) problem = ev.reason || 'the server refused this client';
      for (const resolve of pending.values())
        resolve(fail('unavailable', problem ?? 'connection to Candlewatch was lost'));
      pending.clear();
      if (closedByUser || final) {
        closedByUser = true;
        setState('closed');
        return;
      }
      setState('connecting');
      const delay = backoffCeiling(attempt++, 250, 5_000);
      setTimeout(connect, delay);
    });
  };

  const waitOpen = () =>
    new Promise<void>((resolve, reject) => {
      if (socket?.readyState === OPEN) return resolve();
      if (closedByUser) return reject(new Error('client closed'));
      const off = onStateChange((s) => {
        if (s === 'open') {
          off();
          resolve();
        } else if (s === 'closed') {
          off();
          reject(new Error('client closed'));
        }
      });
    });

  const onStateChange = (listener: (s: ConnectionState) => void) => {
    stateListeners.add(listener);
    return () => stateListeners.delete(listener);
  };

  const invoke = async (method: MethodName, input: unknown): Promise<Result<unknown>> => {
    try {
      await waitOpen();
    } catch {
      return fail('unavailable', problem ?? 'Candlewatch client is closed');
    }
    const id = nextId++;
    const frame: CallFrame = { t: 'call', id, method, input };
    return new Promise((resolve) => {
      pending.set(id, resolve);
      socket!.send(JSON.stringify(frame));
    });
  };

  const onEvent = (listener: EventSink) => {
    eventListeners.add(listener);
    return () => eventListeners.delete(listener);
  };
  const api = createContractApi(invoke, onEvent);
  connect();

  return {
    ...api,
    get state() {
      return state;
    },
    get problem() {
      return problem;
    },
    request: invoke,
    onEvent,
    onStateChange,
    close() {
      closedByUser = true;
      socket?.close(1000, 'client closed');
    },
  };
}

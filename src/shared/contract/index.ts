import type { z } from 'zod';
import { accountEvents, accountMethods } from './methods/account';
import { appEvents, appMethods } from './methods/app';
import { eventsMethods } from './methods/events';
import { marketEvents, marketMethods } from './methods/market';
import { pairingMethods } from './methods/pairing';
import { remoteEvents, remoteMethods } from './methods/remote';
import { settingsEvents, settingsMethods } from './methods/settings';
import { shellEvents } from './methods/shell';
import { signalsEvents, signalsMethods } from './methods/signals';
import { storeMethods } from './methods/store';
import { uiEvents, uiMethods } from './methods/ui';

/**
 * THE contract between the core and every UI. Transports (Electron IPC, preload, WebSocket) are
 * generic over these two objects: adding a method is one entry here plus its handler in the core.
 */
export const methods = {
  ...appMethods,
  ...settingsMethods,
  ...storeMethods,
  ...signalsMethods,
  ...marketMethods,
  ...uiMethods,
  ...accountMethods,
  ...eventsMethods,
  ...pairingMethods,
  ...remoteMethods,
} as const;

export const events = {
  ...appEvents,
  ...settingsEvents,
  ...shellEvents,
  ...signalsEvents,
  ...marketEvents,
  ...uiEvents,
  ...accountEvents,
  ...remoteEvents,
} as const;

export type Methods = typeof methods;
export type Events = typeof events;
export type MethodName = keyof Methods;
export type EventName = keyof Events;
export type MethodInput<M extends MethodName> = z.input<Methods[M]['input']>;
export type MethodParsedInput<M extends MethodName> = z.output<Methods[M]['input']>;
export type MethodOutput<M extends MethodName> = z.output<Methods[M]['output']>;
export type EventPayload<E extends EventName> = z.output<Events[E]['payload']>;

export const methodNames = Object.keys(methods) as MethodName[];
export const eventNames = Object.keys(events) as EventName[];

export const isMethodName = (name: unknown): name is MethodName =>
  typeof name === 'string' && Object.prototype.hasOwnProperty.call(methods, name);
export const isEventName = (name: unknown): name is EventName =>
  typeof name === 'string' && Object.prototype.hasOwnProperty.call(events, name);

/** What a UI holds: one function per method, and a way to listen to events. */
export type ContractApi = {
  call<M extends MethodName>(method: M, input: MethodInput<M>): Promise<MethodOutput<M>>;
  on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void;
};

export * from './result';

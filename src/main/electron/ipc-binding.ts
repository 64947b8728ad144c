import { fail, methodNames, type EventName, type Result } from '../../shared/contract';
import { callChannel, EVENT_CHANNEL } from '../../shared/contract/ipc';
import type { ClientContext, ClientSubscription } from '../core/contract/client-subscription';
import type { Dispatch } from '../core/contract/dispatch';
import type { Logger } from '../core/base/log';
import { isTrustedSender, originOf, type IpcEventLike } from './trusted-sender';

/** The part of Electron's ipcMain the binding uses. */
export type IpcMainLike = {
  handle(
    channel: string,
    listener: (event: IpcEventLike, ...args: unknown[]) => Promise<Result<unknown>>,
  ): void;
  removeHandler(channel: string): void;
};

/** Which webContents and which page origins may call. */
export type TrustedWindow = { webContentsId(): number | undefined; trustedOrigins: ReadonlySet<string> };

/**
 * Registers `cw:<method>` for every method of the contract (and nothing else). Each call is checked
 * for its sender frame before dispatch; the raw input goes to `dispatch`, which parses it with the
 * method's schema, so a malformed payload comes back as an `invalid-input` Result, never a throw.
 * `client` is the window as a client of the core (its event subscription), the same object
 * `forwardEvents` consults. Returns the function that removes the handlers.
 */
export function bindContract(opts: {
  ipcMain: IpcMainLike;
  dispatch: Dispatch;
  window: TrustedWindow;
  client: ClientContext;
  log: Logger;
}): () => void {
  const { ipcMain, dispatch, window, client, log } = opts;
  const channels = methodNames.map((method) => {
    const channel = callChannel(method);
    ipcMain.handle(channel, async (event, input) => {
      if (!isTrustedSender(event, window)) {
        log.warn('refused an IPC call from a foreign frame', {
          method,
          origin: originOf(event.senderFrame?.url ?? '') ?? null,
          subframe: event.senderFrame ? event.senderFrame.parent !== null : null,
        });
        return fail('unauthorized', `${method}: only the Candlewatch window may call this`);
      }
      try {
        return await dispatch(method, input, client);
      } catch (err) {
        // dispatch turns handler errors into data already; this keeps invoke from ever rejecting.
        log.error(`${method} dispatch failed`, { error: err });
        return fail('internal', `${method} failed`);
      }
    });
    return channel;
  });
  return () => {
    for (const channel of channels) ipcMain.removeHandler(channel);
  };
}

/** The part of Electron's WebContents events are sent to. */
export type EventTargetLike = { isDestroyed(): boolean; send(channel: string, ...args: unknown[]): void };

/**
 * Pushes the core events the window subscribed to (`subscription`, filled by its `events:subscribe`
 * calls) to it as (`cw:event`, name, payload). A send that fails (window
 * closing, a payload structured clone cannot copy) is logged here: the hub calls listeners inline,
 * so a throw would surface in whatever service emitted the event.
 */
export function forwardEvents(
  events: { subscribe(listener: (name: EventName, payload: unknown) => void): () => void },
  target: () => EventTargetLike | undefined,
  log: Logger,
  subscription: ClientSubscription,
): () => void {
  return events.subscribe((name, payload) => {
    if (!subscription.wants(name, payload)) return;
    const contents = target();
    if (!contents || contents.isDestroyed()) return;
    try {
      contents.send(EVENT_CHANNEL, name, payload);
    } catch (err) {
      log.warn(`could not send ${name} to the window`, { error: err });
    }
  });
}

import type { Exchange } from 'ccxt';
import { ccxtErrors } from '../base/ccxt-modules';
import type { Logger } from '../base/log';

/**
 * ccxt's WebSocket clients as the market and the private sides both look at them: to tell sockets
 * apart, to drop one, and to keep their futures from ending the process. One place for the parts
 * of ccxt's `Client` we rely on (ccxt 4.5.84, `base/ws/Client.js`).
 */
export type WsClientView = {
  url: string;
  subscriptions?: Record<string, unknown>;
  error?: unknown;
  connection?: { terminate?: () => void };
  future(hash: string): Promise<unknown>;
  close(): unknown;
};

/** The sockets of a ccxt instance by url (none before its first watch). */
export function wsClients(ex: Exchange): Record<string, WsClientView> {
  return (ex.clients ?? {}) as unknown as Record<string, WsClientView>;
}

/**
 * Closes one socket of `ex` at once. Marked closed-by-user first: ccxt's onClose then leaves the
 * registry alone; otherwise it deletes `clients[url]` by url when the old socket finally closes,
 * orphaning the new one the next watch dials.
 */
export function dropSocket(ex: Exchange, url: string, client: WsClientView, why: string, log: Logger): void {
  client.error = new ccxtErrors.ExchangeClosedByUser(why);
  delete (ex.clients as unknown as Record<string, unknown>)[url];
  try {
    // terminate, not close: a stalled server may never answer the closing handshake.
    if (client.connection?.terminate) client.connection.terminate();
    else void client.close();
  } catch (err) {
    log.debug('closing a socket failed', { url, error: err });
  }
}

/**
 * A number that grows whenever a socket of the instance is replaced or gone (ccxt deletes a closed
 * socket from `clients` and dials a new one only at the next watch, and reconnects silently when a
 * socket drops while no watch is pending, so a failed watch is not the only sign).
 */
export class SocketGenerations {
  private readonly lastClientByUrl = new Map<string, object>();
  private generation = 0;

  current(clients: Record<string, object>): number {
    for (const url of this.lastClientByUrl.keys()) {
      if (url in clients) continue;
      this.lastClientByUrl.delete(url);
      this.generation++;
    }
    for (const [url, client] of Object.entries(clients)) {
      const before = this.lastClientByUrl.get(url);
      if (before === client) continue;
      if (before !== undefined) this.generation++;
      this.lastClientByUrl.set(url, client);
    }
    return this.generation;
  }
}

/**
 * ccxt 4.5.84 (Binance spot) creates a future for the WebSocket API login ahead of the request and
 * rejects it when the login fails (bad key, clock); nothing awaits it, so Node reports an unhandled
 * rejection, which ends the process by default. The same error also rejects the watch we await,
 * so every future of this instance's sockets gets a no-op handler: scoped to this instance, and
 * nothing is lost.
 */
export function guardOrphanFutures(ex: Exchange): void {
  const target = ex as unknown as { client(url: string): WsClientView };
  const original = target.client.bind(ex);
  const guarded = new WeakSet<object>();
  target.client = (url: string) => {
    const client = original(url);
    if (!guarded.has(client)) {
      guarded.add(client);
      const future = client.future.bind(client);
      const handled = new WeakSet<object>();
      client.future = (hash: string) => {
        const f = future(hash);
        if (!handled.has(f)) {
          handled.add(f);
          f.catch(() => {});
        }
        return f;
      };
    }
    return client;
  };
}

import type { WebSocket } from 'ws';
import type { SimulatedAccount, UserEvent } from './account';
import { BinanceError } from './public-rest';
import { wsSignedPayload, type KeyRing } from './signing';
import type { Connection, SocketHub } from './socket-hub';

type WsApiConnection = { connection: Connection; subscriptions: Set<number>; nextSubscriptionId: number };

type WsApiRequest = { id?: unknown; method?: unknown; params?: unknown };

/**
 * The user-data side of the WebSocket API (`/ws-api/v3`) as ccxt 4.5.84 uses it for spot:
 * `userDataStream.subscribe.signature` (a signed request, no listenKey), answered
 * `{id, status: 200, result: {subscriptionId}}`, then every account event pushed as
 * `{subscriptionId, event}`. Also the legacy `/ws/<listenKey>` stream (raw events). Events that
 * happen while a socket is down or stalled are lost, as on Binance: clients catch up over REST.
 */
export class UserStreams {
  private readonly wsApi = new Map<number, WsApiConnection>();
  private readonly listenKeySockets = new Map<number, Connection>();

  constructor(
    private readonly hub: SocketHub,
    private readonly keys: KeyRing,
    account: SimulatedAccount,
  ) {
    account.onEvent((event) => this.broadcast(event));
  }

  /** Active user-data subscriptions over the WebSocket API, plus listenKey sockets. */
  count(): number {
    let count = this.listenKeySockets.size;
    for (const state of this.wsApi.values()) count += state.subscriptions.size;
    return count;
  }

  attachWsApi(ws: WebSocket): void {
    const connection = this.hub.add(ws, 'ws-api');
    const state: WsApiConnection = { connection, subscriptions: new Set(), nextSubscriptionId: 0 };
    this.wsApi.set(connection.id, state);
    ws.on('close', () => this.wsApi.delete(connection.id));
    ws.on('message', (data) => this.onRequest(state, data.toString()));
  }

  attachListenKey(ws: WebSocket): void {
    const connection = this.hub.add(ws, 'ws-api');
    this.listenKeySockets.set(connection.id, connection);
    ws.on('close', () => this.listenKeySockets.delete(connection.id));
  }

  private broadcast(event: UserEvent): void {
    const raw = JSON.stringify(event);
    for (const state of this.wsApi.values()) {
      for (const subscriptionId of state.subscriptions) {
        this.hub.sendData(state.connection, `{"subscriptionId":${subscriptionId},"event":${raw}}`);
      }
    }
    for (const connection of this.listenKeySockets.values()) this.hub.sendData(connection, raw);
  }

  private onRequest(state: WsApiConnection, text: string): void {
    let request: WsApiRequest;
    try {
      request = JSON.parse(text) as WsApiRequest;
    } catch {
      this.reply(state, null, new BinanceError(400, -1000, 'Malformed request: the payload is not JSON.'));
      return;
    }
    const id = request.id ?? null;
    const params = (request.params && typeof request.params === 'object' ? request.params : {}) as Record<
      string,
      unknown
    >;
    try {
      this.reply(state, id, this.answer(state, request.method, params));
    } catch (error) {
      if (!(error instanceof BinanceError)) throw error;
      this.reply(state, id, error);
    }
  }

  private answer(state: WsApiConnection, method: unknown, params: Record<string, unknown>): unknown {
    switch (method) {
      case 'ping':
        return {};
      case 'time':
        return { serverTime: this.keys.serverTime() };
      case 'userDataStream.subscribe.signature': {
        const strings = Object.fromEntries(
          Object.entries(params).map(([key, value]) => [key, String(value)]),
        );
        this.keys.checkSigned(strings['apiKey'], strings, wsSignedPayload(params));
        const subscriptionId = state.nextSubscriptionId++;
        state.subscriptions.add(subscriptionId);
        return { subscriptionId };
      }
      case 'userDataStream.unsubscribe': {
        const subscriptionId = params['subscriptionId'];
        if (subscriptionId === undefined) state.subscriptions.clear();
        else state.subscriptions.delete(Number(subscriptionId));
        return {};
      }
      default:
        throw new BinanceError(
          400,
          -1000,
          `Fake exchange: WebSocket API method ${JSON.stringify(method)} is not served`,
        );
    }
  }

  private reply(state: WsApiConnection, id: unknown, result: unknown): void {
    const message =
      result instanceof BinanceError
        ? { id, status: result.status, error: { code: result.code, msg: result.message } }
        : { id, status: 200, result };
    this.hub.sendAnswer(state.connection, JSON.stringify({ ...message, rateLimits: [] }));
  }
}

import type { WebSocket } from 'ws';
import type { Now } from '../clock';
import type { FaultPlan } from '../faults';
import type { Connection, SocketHub } from '../socket-hub';
import type { Venue } from '../venue';
import { PushLoop } from './push-loop';

/** One socket of a fake whose clients subscribe topics by message (OKX, Bybit): its topics by name. */
export type SubscribedConnection<Sub> = { connection: Connection; subs: Map<string, Sub> };

/**
 * The socket bookkeeping OKX's and Bybit's public streams share: each socket's subscriptions, the
 * push loop (`tick` every update interval, `afterSecond` right after each second boundary, where
 * closed candles go out), and the subscription list tests read. The protocol is the subclass's.
 */
export abstract class SubscriptionStreams<Sub, State extends SubscribedConnection<Sub>> {
  protected readonly connections = new Map<number, State>();
  private readonly loop: PushLoop;

  constructor(
    protected readonly venue: Venue,
    protected readonly hub: SocketHub,
    protected readonly faults: FaultPlan,
    protected readonly now: Now,
    updateIntervalMs: number,
  ) {
    this.loop = new PushLoop(
      now,
      updateIntervalMs,
      (t) => this.tick(t),
      (t) => this.afterSecond(t),
    );
  }

  /** "<socket kind>:<topic>" of every subscription, sorted */
  subscriptions(): string[] {
    return [...this.connections.values()]
      .flatMap((c) => [...c.subs.keys()].map((k) => `${this.socketKind(c)}:${k}`))
      .sort();
  }

  close(): void {
    this.loop.stop();
  }

  /** Registers a socket opened on this fake: `state` builds its record around the hub's connection. */
  protected attachSocket(ws: WebSocket, state: (connection: Connection) => State): void {
    const record = state(this.hub.add(ws, 'market'));
    this.connections.set(record.connection.id, record);
    ws.on('close', () => this.connections.delete(record.connection.id));
    ws.on('message', (data) => this.onMessage(record, data.toString()));
  }

  /** the socket's path or category, as subscriptions() names it */
  protected abstract socketKind(state: State): string;
  protected abstract onMessage(state: State, text: string): void;
  protected abstract tick(now: number): void;
  protected abstract afterSecond(now: number): void;
}

import { performance } from 'node:perf_hooks';
import type { WebSocket } from 'ws';
import type { Now } from '../clock';
import type { FaultPlan } from '../faults';
import type { Connection, SocketHub } from '../socket-hub';
import type { Listing, Venue } from '../venue';
import type { BarSpec } from './bars';
import { PushLoop } from './push-loop';

/** One socket of a fake whose clients subscribe topics by message (OKX, Bybit): its topics by name. */
export type SubscribedConnection<Sub> = { connection: Connection; subs: Map<string, Sub> };

/**
 * Called right after a candle frame went out (`sentAt` = performance.timeOrigin + now(), like the
 * Binance fake's onKlineSent), for latency benches: `symbol` is the ccxt symbol, `timeframe` the
 * bar's unified timeframe.
 */
export type CandleSentListener = (symbol: string, timeframe: string, sentAt: number) => void;

/**
 * The socket bookkeeping OKX's and Bybit's public streams share: each socket's subscriptions, the
 * push loop (`tick` every update interval, `afterSecond` right after each second boundary, where
 * closed candles go out), and the subscription list tests read. The protocol is the subclass's.
 */
export abstract class SubscriptionStreams<Sub, State extends SubscribedConnection<Sub>> {
  protected readonly connections = new Map<number, State>();
  private readonly loop: PushLoop;
  private readonly candleListeners = new Set<CandleSentListener>();

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

  onCandleSent(listener: CandleSentListener): () => void {
    this.candleListeners.add(listener);
    return () => this.candleListeners.delete(listener);
  }

  /** Sends a candle frame; the listeners hear of it only when it went out. */
  protected sendCandle(state: State, text: string, listing: Listing, bar: BarSpec): void {
    if (!this.hub.sendData(state.connection, text) || this.candleListeners.size === 0) return;
    const sentAt = performance.timeOrigin + performance.now();
    for (const listener of this.candleListeners) listener(listing.spec.symbol, bar.timeframe, sentAt);
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

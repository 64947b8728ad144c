import type { WebSocket } from 'ws';
import type { Now } from './clock';
import type { FaultPlan } from './faults';

/** One WebSocket the server holds, market stream or WebSocket API. */
export type Connection = {
  id: number;
  ws: WebSocket;
  kind: 'market' | 'ws-api';
  openedAt: number;
  /** answers to commands held back while the server is stalled, sent when the stall ends */
  held: (string | Buffer)[];
};

/**
 * Every open socket, the frame counter, and the fault actions that act on sockets. Data frames
 * during a stall are dropped (as they would be lost live); command answers are held and sent after.
 */
export class SocketHub {
  private readonly connections = new Map<number, Connection>();
  private nextId = 1;
  framesSent = 0;
  /** data frames the stall kept from going out (what a test waits on to know a stall was felt) */
  framesDropped = 0;
  private stallTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly faults: FaultPlan,
    private readonly now: Now,
  ) {}

  add(ws: WebSocket, kind: Connection['kind']): Connection {
    const connection: Connection = { id: this.nextId++, ws, kind, openedAt: this.now(), held: [] };
    this.connections.set(connection.id, connection);
    ws.on('close', () => this.connections.delete(connection.id));
    // WebSocket-level heartbeat (Binance, RFC 6455 ping): a stall without pongs leaves it unanswered.
    ws.on('ping', (data) => {
      if (this.faults.answersHeartbeat(this.now())) ws.pong(data);
    });
    return connection;
  }

  all(): Connection[] {
    return [...this.connections.values()];
  }

  /** Sends a data frame (text, or binary for gzip protocols) unless stalled; true if it went out. */
  sendData(connection: Connection, text: string | Buffer): boolean {
    if (connection.ws.readyState !== connection.ws.OPEN) return false;
    if (this.faults.stalled(this.now())) {
      this.framesDropped++;
      return false;
    }
    connection.ws.send(text);
    this.framesSent++;
    return true;
  }

  /** Sends a command answer now, or when the stall ends. */
  sendAnswer(connection: Connection, text: string | Buffer): void {
    if (this.faults.stalled(this.now())) {
      connection.held.push(text);
      return;
    }
    if (connection.ws.readyState !== connection.ws.OPEN) return;
    connection.ws.send(text);
    this.framesSent++;
  }

  stall(ms: number, pongs = true): void {
    this.faults.stalledUntil = Math.max(this.faults.stalledUntil, this.now() + ms);
    this.faults.stallPongs = pongs;
    this.armStallEnd();
  }

  /** Ends the stall now: the held answers go out and data flows again. */
  endStall(): void {
    this.faults.stalledUntil = 0;
    this.armStallEnd();
  }

  /**
   * Node timers may fire up to a millisecond before this.now() reaches their deadline; releasing then
   * would hold the answers again with no timer left, so an early wake re-arms for the remainder.
   */
  private armStallEnd(): void {
    clearTimeout(this.stallTimer);
    const remaining = this.faults.stalledUntil - this.now();
    if (remaining > 0) this.stallTimer = setTimeout(() => this.armStallEnd(), remaining);
    else this.releaseHeld();
  }

  private releaseHeld(): void {
    for (const connection of this.connections.values()) {
      const held = connection.held.splice(0);
      for (const text of held) this.sendAnswer(connection, text);
    }
  }

  /** Closes every socket without a close frame, like a network drop. */
  dropAll(): void {
    for (const connection of this.connections.values()) connection.ws.terminate();
  }

  /** Drops the oldest open socket; returns it (undefined if none is open). */
  dropOldest(): Connection | undefined {
    const oldest = this.all().sort((a, b) => a.id - b.id)[0];
    oldest?.ws.terminate();
    return oldest;
  }

  /**
   * A frame that is not JSON (by default a truncated Binance kline event) to every socket, stall or
   * not; other protocols pass their own (a BingX socket gets a binary frame that is not gzip).
   */
  sendMalformed(
    frame: string | Buffer = '{"e":"kline","E":' + this.now() + ',"s":"BTCUSDT","k":{"t":',
  ): void {
    for (const connection of this.connections.values()) {
      if (connection.ws.readyState !== connection.ws.OPEN) continue;
      connection.ws.send(frame);
      this.framesSent++;
    }
  }

  close(): void {
    clearTimeout(this.stallTimer);
    this.dropAll();
  }
}

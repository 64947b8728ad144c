import type { Exchange } from 'ccxt';

type StreamPicker = (type: string, subscriptionHash: string, numSubscriptions?: number) => string;

/**
 * Spreads an exchange's candle subscriptions over sockets of at most `perSocket` streams each.
 *
 * ccxt 4.5.84's binance sends every candle subscription to one socket: watchOHLCV and
 * watchOHLCVForSymbols pick the socket's url with `this.stream(type, 'multipleOHLCV')`, and that
 * hash is given one socket index per instance (pro/binance.js `stream`). Binance takes at most
 * 1,024 streams on a connection and disconnects one that goes beyond (spot web-socket-streams.md,
 * "WebSocket Limits"): past 1,024 candle streams no candle stream ever went live. Here each stream
 * is given a socket with room when it is first watched, and ccxt's `stream` answers that socket's
 * index while a call for the stream runs (`on`). ccxt computes the url synchronously inside the call
 * once markets are loaded, which the feed's streams wait for. The indexes start past ccxt's own
 * round-robin range (`options.streamLimits[type]`), so these sockets carry candles only.
 */
export class CandleSockets {
  private readonly socketOf = new Map<string, number>();
  private readonly counts: number[] = [];
  private current: number | undefined;

  private constructor(
    private readonly ex: Exchange,
    private readonly perSocket: number,
  ) {}

  /**
   * Hooks `ex` when it picks candle sockets by `subscriptionHash` through a `stream` method (ccxt's
   * binance family); null when it does not, or no limit is known.
   */
  static install(ex: Exchange, subscriptionHash: string, perSocket: number | null): CandleSockets | null {
    const hooked = ex as unknown as { stream?: StreamPicker };
    if (perSocket === null || typeof hooked.stream !== 'function') return null;
    const sockets = new CandleSockets(ex, perSocket);
    const original = hooked.stream.bind(ex);
    hooked.stream = (type, hash, numSubscriptions) =>
      hash === subscriptionHash && sockets.current !== undefined
        ? String(sockets.firstIndex(type) + sockets.current)
        : original(type, hash, numSubscriptions);
    return sockets;
  }

  /** The socket of a stream, given one with room the first time. */
  assign(key: string): number {
    let socket = this.socketOf.get(key);
    if (socket !== undefined) return socket;
    socket = this.counts.findIndex((n) => n < this.perSocket);
    if (socket === -1) socket = this.counts.push(0) - 1;
    this.counts[socket]!++;
    this.socketOf.set(key, socket);
    return socket;
  }

  /** The stream was unsubscribed: its room is free again. */
  release(key: string): void {
    const socket = this.socketOf.get(key);
    if (socket === undefined) return;
    this.socketOf.delete(key);
    this.counts[socket]!--;
  }

  /** Runs a ccxt call whose candle subscription must go to `socket`. */
  on<T>(socket: number, call: () => T): T {
    this.current = socket;
    try {
      return call();
    } finally {
      this.current = undefined;
    }
  }

  /** streams per socket, for tests and logs */
  load(): readonly number[] {
    return this.counts;
  }

  private firstIndex(type: string): number {
    const limits = (this.ex.options as { streamLimits?: Record<string, unknown> } | undefined)?.streamLimits;
    const n = Number(limits?.[type]);
    return Number.isInteger(n) && n > 0 ? n : 0;
  }
}

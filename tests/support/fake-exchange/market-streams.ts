import type { WebSocket } from 'ws';
import type { Now } from './clock';
import { alignTime, nextOpenTime } from '../../../src/shared/timeframe';
import { formatScaled } from './decimal';
import { isBinanceInterval, klineAt, klineEventBody, shown } from './klines';
import { TRADE_ID_STRIDE } from './price-series';
import type { DepthDiff } from './order-book';
import type { Connection, SocketHub } from './socket-hub';
import type { Listing, Venue } from './venue';

type StreamKind = 'kline' | 'ticker' | 'miniTicker' | 'bookTicker' | 'depth' | 'trade';

type Subscription = {
  name: string;
  kind: StreamKind;
  /** undefined for a well-formed name of an unlisted symbol: Binance accepts it and sends nothing */
  listing: Listing | undefined;
  interval: string;
  /**
   * kline streams: open time of the candle this subscriber has seen forming, not yet sent closed;
   * trade streams: the last second whose trade was sent
   */
  formingOpen: number;
};

type MarketConnection = { connection: Connection; combined: boolean; subs: Map<string, Subscription> };

export type KlineSentListener = (stream: string, eventTime: number, sentAt: number) => void;

/**
 * "A single connection can listen to a maximum of 1024 streams"; "A connection that goes beyond the
 * limit will be disconnected" (Binance spot web-socket-streams.md, "WebSocket Limits"). The close
 * code is not documented: 1008 (policy violation) is the one Binance closes with for its message
 * limit ("closed due to 1008: Too many requests", binance-connector-js issue 530).
 */
export const MAX_STREAMS_PER_CONNECTION = 1024;

const STREAM_PATTERN =
  /^([a-z0-9]+)@(kline_([0-9]+[smhdwM])|ticker|miniTicker|bookTicker|trade|depth(@(100|1000)ms)?)$/;

/**
 * Binance spot market streams over `/ws` (raw events, streams subscribed with SUBSCRIBE or named in
 * the path) and `/stream?streams=…` (combined, events wrapped in {stream, data}). Every subscribed
 * stream gets an update every `updateIntervalMs`; a kline stream also gets its candle with x:true
 * exactly once, right after the candle's period ends (checked at every second boundary).
 */
export class MarketStreams {
  private readonly connections = new Map<number, MarketConnection>();
  private readonly klineListeners = new Set<KlineSentListener>();
  /** connections closed for asking for more than MAX_STREAMS_PER_CONNECTION streams */
  streamLimitHits = 0;
  /** the streams each SUBSCRIBE command received named, in arrival order */
  readonly subscribeRequests: string[][] = [];
  private tickTimer: NodeJS.Timeout | undefined;
  private boundaryTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly venue: Venue,
    private readonly hub: SocketHub,
    private readonly updateIntervalMs: number,
    private readonly now: Now,
  ) {
    this.tickTimer = setInterval(() => this.tick(), updateIntervalMs);
    this.scheduleBoundary();
  }

  /** `path` is the request path after the host; `query` its search params. */
  attach(ws: WebSocket, path: string, query: URLSearchParams): void {
    const connection = this.hub.add(ws, 'market');
    const combined = path === '/stream';
    const state: MarketConnection = { connection, combined, subs: new Map() };
    this.connections.set(connection.id, state);
    ws.on('close', () => this.connections.delete(connection.id));
    ws.on('message', (data) => this.onCommand(state, data.toString()));
    // `/ws/<stream>` subscribes one stream by path; ccxt uses `/ws/<n>` (a socket index) and SUBSCRIBE.
    const initial = combined ? (query.get('streams') ?? '').split('/') : [path.split('/').pop() ?? ''];
    for (const name of initial) {
      const sub = this.parse(name, this.now());
      if (sub) state.subs.set(name, sub);
    }
  }

  onKlineSent(listener: KlineSentListener): () => void {
    this.klineListeners.add(listener);
    return () => this.klineListeners.delete(listener);
  }

  subscriptions(): string[] {
    return [...this.connections.values()].flatMap((state) => [...state.subs.keys()]).sort();
  }

  /** the number of streams each open connection carries */
  streamsPerConnection(): number[] {
    return [...this.connections.values()].map((state) => state.subs.size);
  }

  streamsOf(connectionId: number): string[] {
    return [...(this.connections.get(connectionId)?.subs.keys() ?? [])];
  }

  close(): void {
    clearInterval(this.tickTimer);
    clearTimeout(this.boundaryTimer);
  }

  private parse(name: string, now: number): Subscription | undefined {
    const match = STREAM_PATTERN.exec(name);
    if (!match) return undefined;
    const interval = match[3] ?? '';
    if (match[2]!.startsWith('kline_') && !isBinanceInterval(interval)) return undefined;
    const kind: StreamKind = match[2]!.startsWith('kline_')
      ? 'kline'
      : match[2]!.startsWith('depth')
        ? 'depth'
        : (match[2] as StreamKind);
    const listing = this.venue.byMarketId(match[1]!);
    const formingOpen =
      kind === 'kline' ? alignTime(now, interval) : kind === 'trade' ? Math.floor(now / 1000) - 1 : 0;
    return { name, kind, listing, interval, formingOpen };
  }

  private onCommand(state: MarketConnection, text: string): void {
    let request: { method?: unknown; params?: unknown; id?: unknown };
    try {
      request = JSON.parse(text) as typeof request;
    } catch {
      this.answer(state, {
        error: { code: 3, msg: 'Invalid JSON: expected value at line 1 column 1' },
        id: null,
      });
      return;
    }
    const id = request.id ?? null;
    const params = Array.isArray(request.params) ? (request.params as unknown[]) : [];
    switch (request.method) {
      case 'SUBSCRIBE': {
        this.subscribeRequests.push(params.filter((name): name is string => typeof name === 'string'));
        const now = this.now();
        const subs = params.map((name) => (typeof name === 'string' ? this.parse(name, now) : undefined));
        if (subs.some((sub) => sub === undefined)) {
          this.answer(state, { error: { code: 2, msg: 'Invalid request: invalid stream' }, id });
          return;
        }
        const added = new Set(subs.flatMap((sub) => (sub && !state.subs.has(sub.name) ? [sub.name] : [])));
        if (state.subs.size + added.size > MAX_STREAMS_PER_CONNECTION) {
          this.streamLimitHits++;
          state.connection.ws.close(1008, 'Too many streams');
          return;
        }
        for (const sub of subs) if (sub && !state.subs.has(sub.name)) state.subs.set(sub.name, sub);
        this.answer(state, { result: null, id });
        return;
      }
      case 'UNSUBSCRIBE':
        for (const name of params) if (typeof name === 'string') state.subs.delete(name);
        this.answer(state, { result: null, id });
        return;
      case 'LIST_SUBSCRIPTIONS':
        this.answer(state, { result: [...state.subs.keys()], id });
        return;
      default:
        this.answer(state, {
          error: {
            code: 2,
            msg: `Invalid request: unknown variant ${JSON.stringify(request.method)}, expected one of SUBSCRIBE, UNSUBSCRIBE, LIST_SUBSCRIPTIONS, SET_PROPERTY, GET_PROPERTY`,
          },
          id,
        });
    }
  }

  private answer(state: MarketConnection, message: unknown): void {
    this.hub.sendAnswer(state.connection, JSON.stringify(message));
  }

  private scheduleBoundary(): void {
    // A few ms past the boundary, so the closing second has completed by this.now() when we look.
    const delay = 1000 - (this.now() % 1000) + 2;
    this.boundaryTimer = setTimeout(() => {
      this.closeCandles(this.now());
      this.scheduleBoundary();
    }, delay);
  }

  private closeCandles(now: number): void {
    for (const state of this.connections.values()) {
      for (const sub of state.subs.values()) if (sub.kind === 'kline') this.closeCandlesOf(state, sub, now);
    }
  }

  /** Sends, once each, the candles of `sub` that closed since it last looked (none while stalled). */
  private closeCandlesOf(state: MarketConnection, sub: Subscription, now: number): void {
    const currentOpen = alignTime(now, sub.interval);
    while (sub.formingOpen < currentOpen) {
      const openTime = sub.formingOpen;
      sub.formingOpen = nextOpenTime(openTime, sub.interval);
      if (!sub.listing) continue;
      const kline = klineAt(sub.listing.series, sub.interval, openTime, now);
      if (kline && shown(sub.listing.series, kline)) {
        const event = {
          e: 'kline',
          E: now,
          s: sub.listing.spec.id,
          k: klineEventBody(sub.listing.series, sub.interval, kline),
        };
        this.sendEvent(state, sub, JSON.stringify(event), now);
      }
    }
  }

  private tick(): void {
    const now = this.now();
    const diffs = this.advanceBooks(now);
    const frames = new Map<string, string>();
    for (const state of this.connections.values()) {
      for (const sub of state.subs.values()) {
        if (!sub.listing) continue;
        if (sub.kind === 'kline') this.closeCandlesOf(state, sub, now);
        if (sub.kind === 'trade') {
          this.sendTrade(state, sub, sub.listing, now);
          continue;
        }
        let frame = frames.get(sub.name);
        if (frame === undefined) {
          const event = this.event(sub, sub.listing, now, diffs);
          frame = event === undefined ? '' : JSON.stringify(event);
          frames.set(sub.name, frame);
        }
        if (frame !== '') this.sendEvent(state, sub, frame, now);
      }
    }
  }

  /**
   * `<sym>@trade` (Binance spot WebSocket Streams, "Trade Streams": e, E, s, t, p, q, T, m, M), once
   * per second that had trades: the second's last trade (its id, as klines count them), the second's
   * close as its price, its average trade size, and the side most of its volume took (`m`: the buyer
   * was the maker, so the taker sold). A quiet second sends nothing, as a quiet market does.
   */
  private sendTrade(state: MarketConnection, sub: Subscription, listing: Listing, now: number): void {
    const second = Math.floor(now / 1000) - 1;
    if (sub.formingOpen >= second) return;
    sub.formingOpen = second;
    const bar = listing.series.aggregate(second, second + 1);
    if (!bar || bar.trades === 0) return;
    const { priceDecimals: pd, qtyDecimals: qd } = listing.spec;
    const event = {
      e: 'trade',
      E: now,
      s: listing.spec.id,
      t: second * TRADE_ID_STRIDE + bar.lastSecondTrades - 1,
      p: formatScaled(bar.close, pd),
      q: formatScaled(Math.max(1, Math.round(bar.volume / bar.trades)), qd),
      T: second * 1000 + 999,
      m: bar.takerBuyVolume * 2 < bar.volume,
      M: true,
    };
    this.sendEvent(state, sub, JSON.stringify(event), now);
  }

  /** One diff per book that has a subscriber, shared by all of them (and by later REST snapshots). */
  private advanceBooks(now: number): Map<string, DepthDiff | null> {
    const diffs = new Map<string, DepthDiff | null>();
    for (const state of this.connections.values()) {
      for (const sub of state.subs.values()) {
        if (sub.kind !== 'depth' || !sub.listing || diffs.has(sub.listing.spec.id)) continue;
        diffs.set(sub.listing.spec.id, sub.listing.book.advance(now));
      }
    }
    return diffs;
  }

  private event(
    sub: Subscription,
    listing: Listing,
    now: number,
    diffs: Map<string, DepthDiff | null>,
  ): Record<string, unknown> | undefined {
    switch (sub.kind) {
      case 'kline': {
        const kline = klineAt(listing.series, sub.interval, alignTime(now, sub.interval), now);
        if (!kline || !shown(listing.series, kline)) return undefined;
        return {
          e: 'kline',
          E: now,
          s: listing.spec.id,
          k: klineEventBody(listing.series, sub.interval, kline),
        };
      }
      case 'ticker':
        return this.venue.tickerEvent(listing, now);
      case 'miniTicker':
        return this.venue.miniTickerEvent(listing, now);
      case 'bookTicker':
        return this.venue.bookTickerEvent(listing, now);
      case 'trade':
        // Sent once per second by sendTrade, not on every tick.
        return undefined;
      case 'depth': {
        const diff = diffs.get(listing.spec.id);
        if (!diff) return undefined;
        return {
          e: 'depthUpdate',
          E: now,
          s: listing.spec.id,
          U: diff.U,
          u: diff.u,
          b: diff.bids,
          a: diff.asks,
        };
      }
    }
  }

  private sendEvent(state: MarketConnection, sub: Subscription, frame: string, eventTime: number): void {
    const text = state.combined ? `{"stream":${JSON.stringify(sub.name)},"data":${frame}}` : frame;
    if (!this.hub.sendData(state.connection, text) || sub.kind !== 'kline') return;
    const sentAt = performance.timeOrigin + performance.now();
    for (const listener of this.klineListeners) listener(sub.name, eventTime, sentAt);
  }
}
